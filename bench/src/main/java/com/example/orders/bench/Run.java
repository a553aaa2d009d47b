package com.example.orders.bench;

import com.example.orders.testsupport.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One benchmark run: its options, the figures it measured, its charts; writes {@code <id>.json} and
 * {@code <id>.html} into the results directory. Samples the load average every 5 s meanwhile.
 */
final class Run {

    final String scenario;
    final Options options;
    final Path dir;
    final String id;
    final Map<String, Object> figures = new LinkedHashMap<>();
    final Map<String, Object> details = new LinkedHashMap<>();
    final List<Chart> charts = new ArrayList<>();
    final List<String> notes = new ArrayList<>();
    private final Map<String, Object> result = new LinkedHashMap<>();
    private final List<List<Object>> loadSamples = new ArrayList<>();
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "load-sampler");
        t.setDaemon(true);
        return t;
    });
    private final long startNanos = System.nanoTime();

    Run(String scenario, Options options) {
        this.scenario = scenario;
        this.options = options;
        this.dir = Path.of(options.get("results", "bench/results"));
        this.id = scenario + "-"
                + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                        .withZone(ZoneOffset.UTC)
                        .format(Instant.now());
        result.put("scenario", scenario);
        result.put("startedAt", Instant.now().toString());
        result.put("machine", Machine.describe());
        result.put("loadAverageAtStart", Machine.load());
        sampler.scheduleAtFixedRate(
                () -> {
                    synchronized (loadSamples) {
                        loadSamples.add(List.of(
                                seconds(),
                                Machine.load().isEmpty() ? -1 : Machine.load().get(0)));
                    }
                },
                0,
                5,
                TimeUnit.SECONDS);
    }

    double seconds() {
        return Math.round((System.nanoTime() - startNanos) / 1e7) / 100.0;
    }

    Path logs() {
        return dir.resolve(id + "-logs");
    }

    void put(String name, Object value) {
        figures.put(name, value);
    }

    void note(String text) {
        notes.add(text);
        System.out.println("note: " + text);
    }

    /** Writes the JSON result and the HTML report; returns the report's path. */
    Path finish(Stack stack) throws Exception {
        sampler.shutdownNow();
        result.put("finishedAt", Instant.now().toString());
        result.put("durationSeconds", seconds());
        result.put("loadAverageAtEnd", Machine.load());
        List<Object> samples;
        synchronized (loadSamples) {
            samples = new ArrayList<>(loadSamples);
        }
        result.put("loadAverage1mSamples", samples);
        double maxLoad = samples.stream()
                .mapToDouble(s -> ((Number) ((List<?>) s).get(1)).doubleValue())
                .max()
                .orElse(-1);
        result.put("loadAverage1mMax", maxLoad);
        Map<String, Object> versions = new LinkedHashMap<>();
        if (stack != null) {
            versions.put("rabbitmq", stack.brokerVersion());
            try (var db = stack.db()) {
                versions.put("database", Database.single(db, "SELECT VERSION()"));
            } catch (Exception e) {
                versions.put("database", "unknown");
            }
            result.put("stackSettings", stack.settings);
        }
        result.put("versions", versions);
        result.put("options", options.used());
        result.put("figures", figures);
        result.put("details", details);
        result.put("notes", notes);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(id + ".json"), Json.write(result));
        Path html = dir.resolve(id + ".html");
        Files.writeString(html, Report.html(id, result, charts));
        Files.writeString(dir.resolve("latest-" + scenario + ".json"), Json.write(result));
        Files.writeString(dir.resolve("latest-" + scenario + ".html"), Report.html(id, result, charts));
        System.out.println(Json.write(figures));
        System.out.println("result: " + dir.resolve(id + ".json") + "\nreport: " + html);
        return html;
    }
}
