package com.example.orders.bench;

import java.util.List;

/** Where throughput stops rising as concurrency grows. */
final class Knee {

    private Knee() {}

    /**
     * The knee: the first step after which more concurrency adds less than {@code minGain} (e.g. 0.05
     * for 5%) of throughput; the last step when throughput rose all the way.
     */
    static int index(List<Double> throughputs, double minGain) {
        if (throughputs.isEmpty()) {
            return -1;
        }
        double best = throughputs.get(0);
        int bestIndex = 0;
        for (int i = 1; i < throughputs.size(); i++) {
            if (throughputs.get(i) < best * (1 + minGain)) {
                return bestIndex;
            }
            best = throughputs.get(i);
            bestIndex = i;
        }
        return bestIndex;
    }

    /** True when {@code index} is the last step: throughput was still rising, no knee was reached. */
    static boolean stillRising(List<Double> throughputs, int index) {
        return index == throughputs.size() - 1;
    }
}
