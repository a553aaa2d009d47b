package com.example.orders.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.DoubleHistogram;

/** Summaries and chart series of closed orders' lateness (closedAt - expiresAt). */
final class Lateness {

    private Lateness() {}

    static Map<String, Object> summary(List<Db.Closed> closed) {
        Map<String, Object> s = new LinkedHashMap<>();
        if (closed.isEmpty()) {
            s.put("count", 0);
            return s;
        }
        DoubleHistogram h = new DoubleHistogram(3);
        double min = Double.MAX_VALUE;
        for (Db.Closed c : closed) {
            h.recordValue(Math.max(0.001, c.latenessMs()));
            min = Math.min(min, c.latenessMs());
        }
        s.put("count", closed.size());
        s.put("minMs", min);
        s.put("p50Ms", h.getValueAtPercentile(50));
        s.put("p99Ms", h.getValueAtPercentile(99));
        s.put("p99.9Ms", h.getValueAtPercentile(99.9));
        s.put("maxMs", h.getMaxValue());
        return s;
    }

    /** Lateness of each order against when it closed, seconds since {@code since}; at most ~4,000 points. */
    static List<double[]> overTime(List<Db.Closed> closed) {
        int every = Math.max(1, closed.size() / 4000);
        List<double[]> points = new ArrayList<>();
        for (int i = 0; i < closed.size(); i += every) {
            points.add(new double[] {
                closed.get(i).closedAtMs() / 1000, closed.get(i).latenessMs()
            });
        }
        return points;
    }

    /** How many orders were expired by each moment, seconds since {@code since}. */
    static List<double[]> cumulative(List<Db.Closed> closed) {
        int every = Math.max(1, closed.size() / 400);
        List<double[]> points = new ArrayList<>();
        for (int i = 0; i < closed.size(); i += every) {
            points.add(new double[] {closed.get(i).closedAtMs() / 1000, i + 1});
        }
        if (!closed.isEmpty()) {
            points.add(new double[] {closed.get(closed.size() - 1).closedAtMs() / 1000, closed.size()});
        }
        return points;
    }
}
