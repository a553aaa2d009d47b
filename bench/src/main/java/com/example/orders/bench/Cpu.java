package com.example.orders.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** CPU seconds used so far by a few processes (order-service, the database, the broker), from /proc. */
final class Cpu {

    private static final double TICKS = 100.0; // USER_HZ on Linux

    private final Map<String, Long> pids = new LinkedHashMap<>();

    Cpu watch(String name, long pid) {
        if (pid > 0) {
            pids.put(name, pid);
        }
        return this;
    }

    /** order-service, expiry-worker, MariaDB, RabbitMQ and this process (the load generator). */
    static Cpu everyProcess(Stack stack) throws Exception {
        long mariadbd;
        try (var db = stack.db()) {
            mariadbd = mariadbPid(db);
        }
        return new Cpu()
                .watch("order-service", stack.orderServicePid())
                .watch("expiry-worker", stack.workerPid())
                .watch("mariadbd", mariadbd)
                .watch("rabbitmq", stack.rabbitPid())
                .watch("load-generator", ProcessHandle.current().pid());
    }

    static long pidOf(String program) {
        String out = Machine.command("pidof", "-s", program);
        try {
            return Long.parseLong(out.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * The process listening on TCP {@code port} of this machine (the broker the bench talks to: the
     * machine's RabbitMQ on 5672, or the private 4.3 node on 5682, whose beam runs in a chroot, not
     * another's beam.smp beside it), by {@code ss}; -1 when none is found.
     */
    static long listening(int port) {
        var pid = java.util.regex.Pattern.compile("pid=(\\d+)")
                .matcher(Machine.command("ss", "-Hltnp", "sport = :" + port));
        return pid.find() ? Long.parseLong(pid.group(1)) : -1;
    }

    /**
     * The MariaDB server the bench's database lives on, by its own pid file ({@code @@pid_file}): other
     * mariadbd processes (a test's private Galera cluster) may run beside it; {@code pidof} when the
     * file cannot be read.
     */
    static long mariadbPid(java.sql.Connection db) {
        try (var s = db.createStatement();
                var rs = s.executeQuery("SELECT @@pid_file")) {
            rs.next();
            return Long.parseLong(Files.readString(Path.of(rs.getString(1))).trim());
        } catch (Exception e) {
            return pidOf("mariadbd");
        }
    }

    Map<String, Double> seconds() {
        Map<String, Double> used = new LinkedHashMap<>();
        pids.forEach((name, pid) -> used.put(name, seconds(pid)));
        return used;
    }

    /** Percent of one core each process used between two readings taken {@code wallSeconds} apart. */
    static Map<String, Object> percent(Map<String, Double> before, Map<String, Double> after, double wallSeconds) {
        Map<String, Object> percent = new LinkedHashMap<>();
        before.forEach((name, b) -> percent.put(name, Math.round((after.get(name) - b) / wallSeconds * 1000) / 10.0));
        return percent;
    }

    /** CPU milliseconds each process used per unit (an expired order) between two readings. */
    static Map<String, Object> msPerUnit(Map<String, Double> before, Map<String, Double> after, long units) {
        Map<String, Object> ms = new LinkedHashMap<>();
        before.forEach((name, b) ->
                ms.put(name, Math.round((after.get(name) - b) * 1000 / Math.max(1, units) * 1000) / 1000.0));
        return ms;
    }

    private static double seconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // fields[11] = utime, fields[12] = stime (fields 14 and 15 of stat, counted after the command)
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS;
        } catch (Exception e) {
            return 0;
        }
    }
}
