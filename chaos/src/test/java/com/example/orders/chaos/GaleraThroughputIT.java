package com.example.orders.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.orders.testsupport.Api;
import com.example.orders.testsupport.Database;
import com.example.orders.testsupport.Metrics;
import com.example.orders.testsupport.ServiceProcess;
import com.example.orders.testsupport.Services;
import com.example.orders.testsupport.Services.Role;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 20's measurement of {@code POST /api/orders} on a three-node Galera cluster against a single
 * server, in the same run: the same order-service jar, two instances per arm, the same closed-loop
 * clients (half on each instance), one-item orders over 1,000 skus. Three arms, all started at once and
 * driven one at a time in alternating slices (as bench/ab does), so that the shared machine's other
 * load falls on each alike:
 *
 * <ul>
 *   <li>{@code single}: one private MariaDB with the cluster nodes' own settings, no replication
 *       ({@link PrivateGaleraCluster#standalone});
 *   <li>{@code cluster-one-node}: the three-node cluster, both order-services writing through node 1
 *       (the README's advice);
 *   <li>{@code cluster-two-nodes}: the same cluster, order-service 1 through node 1 and order-service 2
 *       through node 2 (what {@link GaleraChaosIT} does on purpose);
 *   <li>{@code single-packaged}: the single server with server-side prepared statements on (packaged
 *       until 2026-12-07; now off everywhere, as Galera needs, and the other three arms run as
 *       packaged, {@link GaleraChaosIT#GALERA_SETTINGS}): what a single server saves with them.
 * </ul>
 *
 * <p>Ratios are to {@code single}, the same settings as the cluster arms.
 *
 * <p>Per arm: creates per second, the CPU of every process per create (both order-services, every
 * database node, RabbitMQ, this JVM as the load generator), the 1-minute load average during its
 * slices, transactions run again, and the answers. A measurement, not a test of speed: it asserts only
 * that every arm placed orders and none was answered {@code 500}. Skipped unless {@code
 * -Dchaos.galera.throughput=true}; the figures go to {@code target/chaos/galera-throughput.txt}.
 */
class GaleraThroughputIT {

    private static final int CLIENTS = Integer.getInteger("chaos.galera.clients", 32);
    private static final Duration SLICE = Duration.ofSeconds(Long.getLong("chaos.galera.slice.seconds", 10));
    private static final int WARMUP_ROUNDS = Integer.getInteger("chaos.galera.warmup.rounds", 2);
    private static final int ROUNDS = Integer.getInteger("chaos.galera.rounds", 4);
    private static final int SKUS = 1000;

    /**
     * Long enough that no order expires during the run. Its messages wait in this window's own queue,
     * which the run deletes at its end with the services stopped: left behind, they came due 15
     * minutes later in the next Galera scenario on the same vhost and were dead-lettered there as
     * unknown orders.
     */
    private static final Duration PAYMENT_TIMEOUT = Duration.ofMinutes(15);

    private static final Path RESULT = Path.of("target", "chaos", "galera-throughput.txt");
    private static final String RETRIES = "orders_transaction_retries_total";

    /** Eight order-services start one after the other, each warming itself up: slow on a loaded machine. */
    private static final Duration STARTUP = Duration.ofMinutes(5);

    private static PrivateGaleraCluster single;
    private static PrivateGaleraCluster cluster;
    private static final List<Arm> ARMS = new ArrayList<>();

    @BeforeAll
    static void servers() throws IOException {
        Assumptions.assumeTrue(Boolean.getBoolean("chaos.galera.throughput"), "-Dchaos.galera.throughput=true only");
        Files.deleteIfExists(RESULT);
        Assumptions.assumeTrue(
                PrivateGaleraCluster.available(), "mariadbd, galera-4 (libgalera_smm.so) or rsync missing here");
        single = PrivateGaleraCluster.standalone("galera-throughput-single");
        cluster = PrivateGaleraCluster.create("galera-throughput-cluster", 3);
    }

    @AfterAll
    static void stop() {
        ARMS.forEach(arm -> arm.services().close());
        Stream.of(cluster, single).filter(s -> s != null).forEach(PrivateGaleraCluster::close);
    }

    @Test
    void createsOnTheClusterAgainstTheSingleServerNoAnswerIsA500() throws Exception {
        deleteQueues();
        ARMS.add(arm("single", single, "orders_tp_single", instance -> 0, GaleraChaosIT.GALERA_SETTINGS));
        ARMS.add(arm("cluster-one-node", cluster, "orders_tp_one", instance -> 0, GaleraChaosIT.GALERA_SETTINGS));
        ARMS.add(arm(
                "cluster-two-nodes", cluster, "orders_tp_two", instance -> instance, GaleraChaosIT.GALERA_SETTINGS));
        ARMS.add(arm(
                "single-packaged",
                single,
                "orders_tp_packaged",
                instance -> 0,
                Map.of(
                        "SPRING_APPLICATION_JSON",
                        "{\"spring.datasource.hikari.data-source-properties.useServerPrepStmts\": \"true\"}")));

        for (int round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
            for (Arm arm : ARMS) {
                Slice slice = drive(arm);
                if (round >= WARMUP_ROUNDS) {
                    arm.slices().add(slice);
                }
            }
        }

        StringBuilder out =
                new StringBuilder("galera-throughput: %d clients, %d x %d s slices per arm after %d warm-up rounds%n"
                        .formatted(CLIENTS, ROUNDS, SLICE.toSeconds(), WARMUP_ROUNDS));
        double singleRate = ARMS.get(0).rate();
        for (Arm arm : ARMS) {
            out.append(arm.render(singleRate));
        }
        Report.print(out.toString(), RESULT);
        ARMS.forEach(arm -> arm.services().close());
        deleteQueues();

        for (Arm arm : ARMS) {
            assertThat(arm.total(Slice::created))
                    .as(arm.name() + ": orders placed")
                    .isPositive();
            assertThat(arm.total(Slice::answered500))
                    .as(arm.name() + ": answers 500")
                    .isZero();
        }
    }

    /** One arm's slices and what they add up to. */
    private record Arm(String name, PrivateGaleraCluster db, Services services, Api api, List<Slice> slices) {

        long total(java.util.function.ToLongFunction<Slice> field) {
            return slices.stream().mapToLong(field).sum();
        }

        double rate() {
            double seconds = slices.stream().mapToDouble(Slice::seconds).sum();
            return total(Slice::created) / seconds;
        }

        String render(double singleRate) {
            long created = total(Slice::created);
            Map<String, Double> cpu = new LinkedHashMap<>();
            slices.forEach(s -> s.cpuSeconds().forEach((process, used) -> cpu.merge(process, used, Double::sum)));
            StringBuilder perCreate = new StringBuilder();
            cpu.forEach((process, used) ->
                    perCreate.append(" %s %.2f".formatted(process, used * 1000 / Math.max(1, created))));
            double total =
                    cpu.values().stream().mapToDouble(Double::doubleValue).sum();
            double[] load = slices.stream().mapToDouble(Slice::load).sorted().toArray();
            double[] rates = slices.stream()
                    .mapToDouble(s -> s.created() / s.seconds())
                    .sorted()
                    .toArray();
            return ("  %-18s %6.0f creates/s (slices %.0f-%.0f) = %.2fx single | %d created, %d answered 503, %d"
                            + " answered 500, %d other | transactions run again %d | load average %.1f-%.1f%n"
                            + "  %-18s CPU ms per create:%s | all %.2f%n")
                    .formatted(
                            name,
                            rate(),
                            rates[0],
                            rates[rates.length - 1],
                            rate() / singleRate,
                            created,
                            total(Slice::answered503),
                            total(Slice::answered500),
                            total(Slice::other),
                            total(Slice::retried),
                            load[0],
                            load[load.length - 1],
                            "",
                            perCreate,
                            total * 1000 / Math.max(1, created));
        }
    }

    private record Slice(
            long created,
            long answered503,
            long answered500,
            long other,
            long retried,
            double seconds,
            double load,
            Map<String, Double> cpuSeconds) {}

    /**
     * Two order-services on {@code database} of {@code db}, instance n writing through node {@code
     * node(n)}, with {@code settings} added; the skus.
     */
    private static Arm arm(
            String name,
            PrivateGaleraCluster db,
            String database,
            java.util.function.IntUnaryOperator node,
            Map<String, String> settings) {
        new Database(db.url(database, 0), Settings.SERVERS.dbUser(), Settings.SERVERS.dbPassword()).recreate();
        Map<String, String> env = new HashMap<>(Settings.SERVERS.springLocation());
        env.putAll(Settings.SERVERS.springAccounts());
        env.putAll(Map.of(
                "ORDERS_PAYMENT_TIMEOUT",
                "PT15M",
                "ORDERS_DELAY_TRANSPORT",
                "auto",
                "ORDERS_STOREFRONT_TOKENS",
                Settings.STOREFRONT_TOKEN,
                "ORDERS_PAYMENT_SECRETS",
                Settings.PAYMENT_SECRET));
        List<String> jvm = List.of("-Xmx256m");
        Services services = Services.start(
                Path.of("target", "chaos", "galera-throughput-" + name).toAbsolutePath(),
                STARTUP,
                Role.orderService(env, jvm)
                        .withInstanceEnv(instance ->
                                Map.of("SPRING_DATASOURCE_URL", db.url(database, node.applyAsInt(instance)))),
                2,
                Role.worker(env, jvm),
                0);
        Api api = new Api(services::liveOrderServiceUrls, null, Settings.CREDENTIALS, Duration.ofSeconds(20));
        for (int i = 0; i < SKUS; i++) {
            api.putProduct("sku-" + i, Map.of("name", "sku " + i, "priceCents", 100, "stock", 100_000_000));
        }
        return new Arm(name, db, services, api, new ArrayList<>());
    }

    /** {@link #CLIENTS} closed-loop clients, half on each order-service, for one {@link #SLICE}. */
    private static Slice drive(Arm arm) throws Exception {
        List<ServiceProcess> instances = arm.services().orderServices();
        HttpClient http = HttpClient.newHttpClient();
        double retriedBefore = retries(http, instances);
        Map<String, Long> pids = new LinkedHashMap<>();
        for (ServiceProcess instance : instances) {
            pids.put(instance.label(), instance.pid());
        }
        List<Long> nodes = arm.db().pids();
        for (int i = 0; i < nodes.size(); i++) {
            pids.put("mariadbd-" + (i + 1), nodes.get(i));
        }
        pids.put("rabbitmq", listening(Settings.SERVERS.rabbitPort()));
        pids.put("load-generator", ProcessHandle.current().pid());
        Map<String, Double> cpuBefore = cpuSeconds(pids);

        AtomicLong created = new AtomicLong();
        AtomicLong answered503 = new AtomicLong();
        AtomicLong answered500 = new AtomicLong();
        AtomicLong other = new AtomicLong();
        long start = System.nanoTime();
        long end = start + SLICE.toNanos();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        for (int c = 0; c < CLIENTS; c++) {
            Api api = arm.api().on(instances.get(c % instances.size()).url());
            clients.submit(() -> {
                while (System.nanoTime() < end) {
                    String body = """
                            {"customerId":"c-%s","items":[{"sku":"sku-%d","quantity":1}]}""".formatted(
                            UUID.randomUUID(), ThreadLocalRandom.current().nextInt(SKUS));
                    int status;
                    try {
                        status = api.placeOrder(body, UUID.randomUUID().toString())
                                .status();
                    } catch (RuntimeException unanswered) {
                        status = -1;
                    }
                    (status == 201 ? created : status == 503 ? answered503 : status == 500 ? answered500 : other)
                            .incrementAndGet();
                }
            });
        }
        clients.shutdown();
        clients.awaitTermination(SLICE.toSeconds() + 60, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Double> cpuAfter = cpuSeconds(pids);
        Map<String, Double> used = new LinkedHashMap<>();
        cpuBefore.forEach((process, before) -> used.put(process, cpuAfter.get(process) - before));
        return new Slice(
                created.get(),
                answered503.get(),
                answered500.get(),
                other.get(),
                Math.round(retries(http, instances) - retriedBefore),
                seconds,
                loadAverage(),
                used);
    }

    /** The vhost's queues, this payment window's included. */
    private static void deleteQueues() throws IOException {
        try (var broker = Settings.broker()) {
            broker.withWindow(PAYMENT_TIMEOUT).deleteQueues();
        }
    }

    private static double retries(HttpClient http, List<ServiceProcess> instances) {
        return instances.stream()
                .mapToDouble(instance -> Metrics.sum(Metrics.scrape(http, instance.url()), RETRIES))
                .sum();
    }

    /** CPU seconds (user + system) each process has used so far, from /proc; 0 for one that is gone. */
    private static Map<String, Double> cpuSeconds(Map<String, Long> pids) {
        Map<String, Double> seconds = new LinkedHashMap<>();
        pids.forEach((process, pid) -> {
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                seconds.put(process, (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0);
            } catch (IOException | RuntimeException gone) {
                seconds.put(process, 0.0);
            }
        });
        return seconds;
    }

    private static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The broker's process: the one listening on its AMQP port (not another broker's beam beside it). */
    private static long listening(int port) {
        try {
            Process ss = new ProcessBuilder("ss", "-Hltnp", "sport = :" + port)
                    .redirectErrorStream(true)
                    .start();
            String out = new String(ss.getInputStream().readAllBytes());
            var pid = Pattern.compile("pid=(\\d+)").matcher(out);
            return pid.find() ? Long.parseLong(pid.group(1)) : -1;
        } catch (IOException e) {
            return -1;
        }
    }
}
