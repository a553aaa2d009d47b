package com.example.orders.bench;

import java.util.Map;

/**
 * {@code java -jar bench/target/bench.jar <scenario> [--option value ...]}, run from the repository
 * root. Scenarios: create, burst, steady, hot, ceiling, windows, hops, waiting, floor. See bench/README.md.
 */
public final class Bench {

    private Bench() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].startsWith("-")) {
            System.out.println(
                    "usage: java -jar bench/target/bench.jar create|burst|steady|hot|ceiling|windows|hops|waiting|floor [--option value ...]"
                            + "\n(see bench/README.md)");
            System.exit(2);
        }
        String scenario = args[0];
        Options options = Options.parse(args, 1);
        Run run = new Run(scenario, options);
        String timeout = switch (scenario) {
            case "create" -> options.get("payment-timeout", "PT15M");
            case "steady", "floor" -> options.get("payment-timeout", "5s");
            case "waiting" -> options.get("payment-timeout", "PT15M"); // each order carries its own window
            // parked messages cannot be re-timed: the burst waits out a short window instead (Burst)
            default ->
                options.get(
                        "payment-timeout",
                        "quorum-delay".equals(options.get("transport", "dead-letter-ttl")) ? "PT90S" : "PT1H");
        };
        Map<String, String> env = new java.util.LinkedHashMap<>();
        for (String setting : options.get("env", "").split(",")) {
            if (setting.contains("=")) {
                env.put(setting.substring(0, setting.indexOf('=')).trim(), setting.substring(setting.indexOf('=') + 1));
            }
        }
        if (scenario.equals("floor")) {
            options.get("start", "false"); // the broker alone: the services would consume its messages
        }
        System.out.printf("bench %s: load average %s%n", scenario, Machine.load());
        int exit = 0;
        Stack stack = null;
        try {
            stack = new Stack(options, timeout, env, run.logs());
            switch (scenario) {
                case "create" -> CreateScenario.run(run, stack);
                case "burst" -> Scenarios.burst(run, stack);
                case "steady" -> SteadyScenario.run(run, stack);
                case "hot" -> Scenarios.hot(run, stack);
                case "ceiling" -> Scenarios.ceiling(run, stack);
                case "windows" -> WindowsScenario.run(run, stack);
                case "hops" -> HopsScenario.run(run, stack);
                case "waiting" -> WaitingScenario.run(run, stack);
                case "floor" -> BrokerFloor.run(run, stack);
                default -> throw new IllegalArgumentException("unknown scenario " + scenario);
            }
        } catch (Exception e) {
            run.note("run failed: " + e);
            e.printStackTrace();
            exit = 1;
        } finally {
            run.finish(stack);
            if (stack != null) {
                stack.close();
            }
        }
        System.exit(exit);
    }
}
