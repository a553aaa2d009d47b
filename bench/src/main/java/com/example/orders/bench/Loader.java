package com.example.orders.bench;

import com.example.orders.testsupport.Api;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.HdrHistogram.Histogram;

/** Places a fixed number of orders as fast as {@code concurrency} closed-loop clients can, bounded in time. */
final class Loader {

    record Placed(List<String> ids, int failures, Histogram latencyMicros, double seconds) {
        double perSecond() {
            return ids.size() / seconds;
        }
    }

    private Loader() {}

    static Placed place(
            Api api, int n, int concurrency, String customerPrefix, IntFunction<List<String>> skus, long maxSeconds)
            throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        List<String> ids = Collections.synchronizedList(new ArrayList<>(n));
        Histogram all = new Histogram(60_000_000L, 3);
        long deadline = System.nanoTime() + maxSeconds * 1_000_000_000L;
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        List<Future<Histogram>> done = new ArrayList<>();
        long start = System.nanoTime();
        for (int t = 0; t < concurrency; t++) {
            done.add(pool.submit(() -> {
                Histogram mine = new Histogram(60_000_000L, 3);
                int i;
                while ((i = next.getAndIncrement()) < n && System.nanoTime() < deadline) {
                    long sent = System.nanoTime();
                    Api.Response r = api.exchange(api.orderRequest(customerPrefix + i, skus.apply(i)));
                    mine.recordValue(Math.min((System.nanoTime() - sent) / 1000, 60_000_000L));
                    if (r.status() == 201) {
                        ids.add(r.id());
                    } else if (failures.incrementAndGet() <= 3) {
                        System.out.println("order failed: " + r.status() + " " + r.raw());
                    }
                }
                return mine;
            }));
        }
        for (Future<Histogram> f : done) {
            all.add(f.get(maxSeconds + 60, TimeUnit.SECONDS));
        }
        pool.shutdown();
        return new Placed(ids, failures.get(), all, (System.nanoTime() - start) / 1e9);
    }
}
