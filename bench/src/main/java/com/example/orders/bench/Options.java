package com.example.orders.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code --name=value} or {@code --name value} options, with defaults; every option ends up in the result. */
final class Options {

    private final Map<String, String> values = new LinkedHashMap<>();

    static Options parse(String[] args, int from) {
        Options options = new Options();
        for (int i = from; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument: " + arg);
            }
            String name = arg.substring(2);
            if (name.contains("=")) {
                options.values.put(name.substring(0, name.indexOf('=')), name.substring(name.indexOf('=') + 1));
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                options.values.put(name, args[++i]);
            } else {
                options.values.put(name, "true");
            }
        }
        return options;
    }

    String get(String name, String fallback) {
        String env = System.getenv("BENCH_" + name.toUpperCase().replace('-', '_'));
        String value = values.getOrDefault(name, env == null ? fallback : env);
        values.put(name, value);
        return value;
    }

    int integer(String name, int fallback) {
        return Integer.parseInt(get(name, Integer.toString(fallback)));
    }

    boolean flag(String name) {
        return Boolean.parseBoolean(get(name, "false"));
    }

    /** Every option read so far, with the value used: recorded in the result. */
    Map<String, String> used() {
        return new LinkedHashMap<>(values);
    }
}
