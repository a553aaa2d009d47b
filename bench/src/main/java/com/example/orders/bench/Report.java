package com.example.orders.bench;

import java.util.List;
import java.util.Map;

/** The readable report: figures, notes, charts (inline SVG), machine, versions and settings. */
final class Report {

    private Report() {}

    static String html(String id, Map<String, Object> result, List<Chart> charts) {
        StringBuilder html = new StringBuilder();
        html.append("<!doctype html><html><head><meta charset='utf-8'><title>")
                .append(Chart.esc(id))
                .append("</title><style>body{font-family:sans-serif;margin:24px;max-width:900px}")
                .append("table{border-collapse:collapse;margin:8px 0 20px}td,th{border:1px solid #ccc;padding:3px 8px;")
                .append(
                        "text-align:left;font-size:13px;vertical-align:top}pre{white-space:pre-wrap;font-size:12px}</style>")
                .append("</head><body><h1>")
                .append(Chart.esc(id))
                .append("</h1>");
        html.append("<p>started ")
                .append(result.get("startedAt"))
                .append(", ")
                .append(result.get("durationSeconds"))
                .append(" s; load average at start ")
                .append(result.get("loadAverageAtStart"))
                .append(", at end ")
                .append(result.get("loadAverageAtEnd"))
                .append(", 1-minute max during the run ")
                .append(result.get("loadAverage1mMax"))
                .append("</p>");
        html.append("<h2>Figures</h2>").append(table((Map<?, ?>) result.get("figures")));
        Object notes = result.get("notes");
        if (notes instanceof List<?> list && !list.isEmpty()) {
            html.append("<h2>Notes</h2><ul>");
            list.forEach(
                    n -> html.append("<li>").append(Chart.esc(n.toString())).append("</li>"));
            html.append("</ul>");
        }
        html.append("<h2>Charts</h2>");
        for (Chart chart : charts) {
            html.append("<div>").append(chart.svg()).append("</div>");
        }
        html.append("<h2>Machine</h2>").append(table((Map<?, ?>) result.get("machine")));
        html.append("<h2>Versions</h2>").append(table((Map<?, ?>) result.get("versions")));
        if (result.get("stackSettings") instanceof Map<?, ?> settings) {
            html.append("<h2>Stack settings (environment of both services)</h2>")
                    .append(table(settings));
        }
        html.append("<h2>Options</h2>").append(table((Map<?, ?>) result.get("options")));
        html.append("<h2>Details</h2><pre>")
                .append(Chart.esc(Json.write(result.get("details"))))
                .append("</pre>");
        return html.append("</body></html>\n").toString();
    }

    private static String table(Map<?, ?> map) {
        if (map == null) {
            return "";
        }
        StringBuilder t = new StringBuilder("<table>");
        map.forEach((k, v) -> t.append("<tr><th>")
                .append(Chart.esc(k.toString()))
                .append("</th><td>")
                .append(Chart.esc(
                        v instanceof Map || v instanceof List ? Json.write(v).trim() : String.valueOf(v)))
                .append("</td></tr>"));
        return t.append("</table>").toString();
    }
}
