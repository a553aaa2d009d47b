package com.example.orders.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipFile;

/**
 * order-service's Connector/J settings as its packaged {@code application.yml} sets them
 * ({@code spring.datasource.hikari.data-source-properties}, {@code connection-init-sql}), read from the
 * jar under test, so that the create ceiling's connections parse, prepare and round-trip as the
 * service's do.
 */
record ConnectionSettings(String urlProperties, String initSql) {

    static ConnectionSettings of(Path jar) {
        return parse(applicationYml(jar));
    }

    /** The packaged {@code application.yml} of a service's jar, as text. */
    static String applicationYml(Path jar) {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            var entry = zip.getEntry("BOOT-INF/classes/application.yml");
            if (entry == null) {
                throw new IllegalStateException("no application.yml in " + jar);
            }
            try (var in = zip.getInputStream(entry)) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + jar, e);
        }
    }

    /** The two keys under {@code hikari:}; only the simple {@code key: value} lines this file uses. */
    static ConnectionSettings parse(String yaml) {
        List<String> properties = new ArrayList<>();
        String initSql = null;
        int blockIndent = -1;
        for (String line : yaml.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            int indent = line.indexOf(trimmed);
            if (blockIndent >= 0 && indent <= blockIndent) {
                blockIndent = -1;
            }
            if (trimmed.startsWith("connection-init-sql:")) {
                initSql = trimmed.substring("connection-init-sql:".length()).strip();
            } else if (trimmed.equals("data-source-properties:")) {
                blockIndent = indent;
            } else if (blockIndent >= 0 && trimmed.contains(":")) {
                int colon = trimmed.indexOf(':');
                properties.add(trimmed.substring(0, colon).strip() + "="
                        + trimmed.substring(colon + 1).strip());
            }
        }
        if (initSql == null) {
            throw new IllegalStateException("no connection-init-sql in order-service's application.yml");
        }
        return new ConnectionSettings(String.join("&", properties), initSql);
    }
}
