package com.example.orders.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A small SVG chart: several series of (x, y) points, as lines or dots, with axes and ticks. */
final class Chart {

    record Series(String name, List<double[]> points, boolean dots) {}

    private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"};
    private static final int W = 760;
    private static final int H = 360;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 40;
    private static final int BOTTOM = 50;

    final String title;
    final String xLabel;
    final String yLabel;
    final List<Series> series = new ArrayList<>();

    Chart(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    Chart line(String name, List<double[]> points) {
        series.add(new Series(name, points, false));
        return this;
    }

    Chart dots(String name, List<double[]> points) {
        series.add(new Series(name, points, true));
        return this;
    }

    String svg() {
        double maxX = 0;
        double maxY = 0;
        double minX = Double.MAX_VALUE;
        for (Series s : series) {
            for (double[] p : s.points()) {
                maxX = Math.max(maxX, p[0]);
                minX = Math.min(minX, p[0]);
                maxY = Math.max(maxY, p[1]);
            }
        }
        if (minX == Double.MAX_VALUE || minX > 0) {
            minX = 0;
        }
        maxX = nice(maxX <= minX ? minX + 1 : maxX);
        maxY = nice(maxY <= 0 ? 1 : maxY);
        StringBuilder svg = new StringBuilder();
        svg.append(
                "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' font-family='sans-serif' font-size='12'>"
                        .formatted(W, H));
        svg.append("<rect width='100%' height='100%' fill='white'/>");
        svg.append("<text x='%d' y='22' font-size='15' font-weight='bold'>%s</text>".formatted(LEFT, esc(title)));
        int plotW = W - LEFT - RIGHT;
        int plotH = H - TOP - BOTTOM;
        for (int i = 0; i <= 5; i++) {
            double yv = maxY * i / 5;
            double y = TOP + plotH - plotH * i / 5.0;
            svg.append("<line x1='%d' y1='%.1f' x2='%d' y2='%.1f' stroke='#ddd'/>".formatted(LEFT, y, W - RIGHT, y));
            svg.append("<text x='%d' y='%.1f' text-anchor='end'>%s</text>".formatted(LEFT - 6, y + 4, fmt(yv)));
            double xv = minX + (maxX - minX) * i / 5;
            double x = LEFT + plotW * i / 5.0;
            svg.append("<line x1='%.1f' y1='%d' x2='%.1f' y2='%d' stroke='#ddd'/>".formatted(x, TOP, x, TOP + plotH));
            svg.append("<text x='%.1f' y='%d' text-anchor='middle'>%s</text>".formatted(x, TOP + plotH + 16, fmt(xv)));
        }
        svg.append("<rect x='%d' y='%d' width='%d' height='%d' fill='none' stroke='#333'/>"
                .formatted(LEFT, TOP, plotW, plotH));
        svg.append(
                "<text x='%d' y='%d' text-anchor='middle'>%s</text>".formatted(LEFT + plotW / 2, H - 10, esc(xLabel)));
        svg.append("<text transform='translate(16,%d) rotate(-90)' text-anchor='middle'>%s</text>"
                .formatted(TOP + plotH / 2, esc(yLabel)));
        int legendX = LEFT + 10;
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            String colour = COLOURS[i % COLOURS.length];
            StringBuilder path = new StringBuilder();
            for (double[] p : s.points()) {
                double x = LEFT + plotW * (p[0] - minX) / (maxX - minX);
                double y = TOP + plotH - plotH * Math.min(p[1], maxY) / maxY;
                if (s.dots()) {
                    svg.append("<circle cx='%.1f' cy='%.1f' r='1.6' fill='%s' fill-opacity='0.6'/>"
                            .formatted(x, y, colour));
                } else {
                    path.append(path.isEmpty() ? "M" : "L").append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
                    svg.append("<circle cx='%.1f' cy='%.1f' r='3' fill='%s'/>".formatted(x, y, colour));
                }
            }
            if (!s.dots() && !path.isEmpty()) {
                svg.append("<path d='%s' fill='none' stroke='%s' stroke-width='2'/>".formatted(path, colour));
            }
            svg.append("<rect x='%d' y='%d' width='12' height='12' fill='%s'/>".formatted(legendX, TOP + 8, colour));
            svg.append("<text x='%d' y='%d'>%s</text>".formatted(legendX + 16, TOP + 18, esc(s.name())));
            legendX += 24 + 7 * s.name().length();
        }
        return svg.append("</svg>").toString();
    }

    /** Rounds an axis maximum up to 1, 2 or 5 times a power of ten. */
    static double nice(double max) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(max)));
        for (double step : new double[] {1, 2, 5, 10}) {
            if (step * magnitude >= max) {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;");
    }
}
