package com.example.orders.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Reading a service's Prometheus endpoint. */
public final class Metrics {

    private Metrics() {}

    /** The text of {@code <baseUrl>/actuator/prometheus}. */
    public static String scrape(HttpClient http, String baseUrl) {
        try {
            return http.send(
                            HttpRequest.newBuilder(URI.create(baseUrl + "/actuator/prometheus"))
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The sum of a metric's samples in a scrape, 0 when it is not registered yet. {@code series} is a
     * name ({@code orders_expired_total}: every label set) or a name with its first labels ({@code
     * orders_expiry_republished_total{reason="early"}}: the label sets that begin so).
     */
    public static double sum(String scrape, String series) {
        String prefix = series.endsWith("}") ? series.substring(0, series.length() - 1) : null;
        double sum = 0;
        for (String line : scrape.split("\n")) {
            boolean matches = prefix == null
                    ? line.startsWith(series + " ") || line.startsWith(series + "{")
                    : line.startsWith(prefix);
            if (matches) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }
}
