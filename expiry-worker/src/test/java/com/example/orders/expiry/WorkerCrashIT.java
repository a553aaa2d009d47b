package com.example.orders.expiry;

import static com.example.orders.expiry.ItDatabase.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.example.orders.contracts.Topology;
import com.sun.jdi.Bootstrap;
import com.sun.jdi.ReferenceType;
import com.sun.jdi.VirtualMachine;
import com.sun.jdi.connect.AttachingConnector;
import com.sun.jdi.event.BreakpointEvent;
import com.sun.jdi.event.EventSet;
import com.sun.jdi.request.BreakpointRequest;
import com.sun.jdi.request.EventRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of the worker after a batch committed and before its messages were acknowledged: the
 * broker delivers them again to the next worker, which finds the orders expired and acks them. No
 * order is expired twice, no stock given back twice, no event written twice.
 *
 * <p>The moment is caught exactly, not by luck: the worker jar runs with a debug agent, the test
 * sets a breakpoint on the acknowledgement (which suspends the whole JVM there), then kills it. Both
 * consumers: the 0-9-1 one on every broker, and on RabbitMQ 4.3+ the one that parks messages, killed
 * while it holds messages that were parked until their deadline and delivered again.
 */
class WorkerCrashIT {

    private static final int ORDERS = 12;

    private final List<Process> workers = new ArrayList<>();

    @BeforeAll
    static void emptyStack() throws Exception {
        reset();
    }

    @AfterEach
    void stopWorkers() {
        workers.forEach(Process::destroyForcibly);
    }

    @Test
    void workerKilledBetweenCommitAndAckLeavesEveryOrderExpiredOnceWithItsStockBackOnce() throws Exception {
        killBetweenCommitAndSettlement("dead-letter-ttl", ExpiryListener.class, "acknowledge", -1);
    }

    @Test
    void workerKilledHoldingParkedThenRedeliveredMessagesLosesNoneAndExpiresEachOrderOnce() throws Exception {
        assumeTrue(brokerParksMessages(), "RabbitMQ 4.3+ parks messages; this broker has no quorum-delay");
        // due in 3 s: each message is parked when published, delivered again at the deadline, and the
        // worker dies after committing a batch of them and before settling it
        killBetweenCommitAndSettlement("quorum-delay", ParkingExpiryListener.class, "settle", 3);
    }

    private void killBetweenCommitAndSettlement(
            String transport, Class<?> listener, String settlement, int dueInSeconds) throws Exception {
        String sku = "crash-" + System.nanoTime();
        product(sku, 100);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < ORDERS; i++) {
            ids.add(order(sku, 1, "PENDING", dueInSeconds));
        }
        Worker first = launch("expiry-worker-killed-" + transport, true, transport);
        VirtualMachine vm = attach(first.debugPort());
        breakOn(vm, listener, settlement);

        try (var broker = broker()) {
            var channel = broker.createChannel();
            for (String id : ids) {
                channel.basicPublish(
                        Topology.EXPIRY_EXCHANGE,
                        Topology.EXPIRE_KEY,
                        null,
                        orderCreated(id, java.time.Instant.now().plusSeconds(dueInSeconds)));
            }
        }
        awaitBreakpoint(vm);
        long committed = expiredCount(ids);
        first.process().destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, no ack
        assertThat(committed).as("a batch had committed when the worker died").isPositive();

        int port =
                launch("expiry-worker-restarted-" + transport, false, transport).port();
        await().atMost(Duration.ofSeconds(60)).until(() -> expiredCount(ids) == ORDERS);
        await().atMost(Duration.ofSeconds(20)).until(() -> readyIn(Topology.EXPIRY_QUEUE) == 0);
        for (String id : ids) {
            assertThat(expiredEvents(id)).as("one OrderExpired for " + id).isEqualTo(1);
        }
        assertThat(stock(sku)).as("stock given back once per order").isEqualTo(100);
        assertThat(readyIn(Topology.DEAD_LETTER_QUEUE)).isZero();
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(expiredByMessage(port))
                        .as("the restarted worker expired only what had not committed")
                        .isEqualTo(ORDERS - committed));
    }

    /** A worker started from the packaged jar, on the ports it bound (HTTP, and JDWP when debugged). */
    private record Worker(Process process, int port, int debugPort) {}

    /**
     * Starts a worker on ports of the system's choosing, read back from its log: ports picked free
     * beforehand could be taken by another process before the worker binds them.
     */
    private Worker launch(String log, boolean debug, String transport) throws Exception {
        Path jar = Path.of("target", "expiry-worker.jar").toAbsolutePath();
        List<String> command =
                new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx256m"));
        if (debug) {
            command.add("-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=127.0.0.1:0");
        }
        command.addAll(List.of("-jar", jar.toString()));
        Path logFile = Path.of("target", "it", log + ".log");
        Files.createDirectories(logFile.getParent());
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(logFile.toFile());
        builder.environment().put("SPRING_DATASOURCE_URL", DB_URL);
        builder.environment().put("SPRING_DATASOURCE_USERNAME", DB_USER);
        builder.environment().put("SPRING_DATASOURCE_PASSWORD", DB_PASSWORD);
        builder.environment().put("SPRING_RABBITMQ_HOST", RABBIT_HOST);
        builder.environment().put("SPRING_RABBITMQ_PORT", Integer.toString(RABBIT_PORT));
        builder.environment().put("SPRING_RABBITMQ_VIRTUAL_HOST", RABBIT_VHOST);
        builder.environment().put("SERVER_PORT", "0");
        builder.environment().put("ORDERS_DELAY_TRANSPORT", transport);
        Process process = builder.start();
        workers.add(process);
        HttpClient http = HttpClient.newHttpClient();
        int[] port = {0};
        await().atMost(Duration.ofSeconds(240)) // a debug agent on a loaded 2-core machine: over 90 s seen
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .until(() -> {
                    assertThat(process.isAlive())
                            .as("worker running; see " + logFile)
                            .isTrue();
                    if (port[0] == 0) {
                        port[0] = boundPort(logFile, "Tomcat started on port (\\d+)");
                    }
                    return http.send(
                                    HttpRequest.newBuilder(
                                                    URI.create("http://127.0.0.1:" + port[0] + "/actuator/health"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .body()
                            .contains("\"UP\"");
                });
        int debugPort = debug ? boundPort(logFile, "Listening for transport dt_socket at address: (\\d+)") : 0;
        return new Worker(process, port[0], debugPort);
    }

    /** The port in the first line of the log that matches {@code line}; throws while there is none yet. */
    private static int boundPort(Path log, String line) throws IOException {
        Matcher matcher = Pattern.compile(line).matcher(new String(Files.readAllBytes(log), StandardCharsets.UTF_8));
        if (!matcher.find()) {
            throw new IllegalStateException("not in " + log + " yet: " + line);
        }
        return Integer.parseInt(matcher.group(1));
    }

    private static VirtualMachine attach(int port) throws Exception {
        AttachingConnector socket = Bootstrap.virtualMachineManager().attachingConnectors().stream()
                .filter(c -> c.name().equals("com.sun.jdi.SocketAttach"))
                .findFirst()
                .orElseThrow();
        var arguments = socket.defaultArguments();
        arguments.get("hostname").setValue("127.0.0.1");
        arguments.get("port").setValue(Integer.toString(port));
        return socket.attach(arguments);
    }

    /** Suspends the whole worker when a consumer is about to acknowledge (settle) a handled batch. */
    private static void breakOn(VirtualMachine vm, Class<?> listenerClass, String settlement) {
        ReferenceType listener = vm.classesByName(listenerClass.getName()).stream()
                .findFirst()
                .orElseThrow(
                        () -> new IllegalStateException(listenerClass.getSimpleName() + " not loaded in the worker"));
        BreakpointRequest request = vm.eventRequestManager()
                .createBreakpointRequest(
                        listener.methodsByName(settlement).get(0).location());
        request.setSuspendPolicy(EventRequest.SUSPEND_ALL);
        request.enable();
    }

    private static void awaitBreakpoint(VirtualMachine vm) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < end) {
            EventSet events = vm.eventQueue().remove(1_000);
            if (events != null && events.stream().anyMatch(BreakpointEvent.class::isInstance)) {
                return;
            }
            if (events != null) {
                events.resume();
            }
        }
        throw new IllegalStateException("the worker never reached the settlement of a batch");
    }

    private static long expiredCount(List<String> ids) throws Exception {
        long n = 0;
        for (String id : ids) {
            if ("EXPIRED".equals(status(id))) {
                n++;
            }
        }
        return n;
    }

    private static long readyIn(String queue) throws Exception {
        try (var broker = broker()) {
            return broker.createChannel().queueDeclarePassive(queue).getMessageCount();
        }
    }

    private static double expiredByMessage(int port) throws Exception {
        String metrics = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        return metrics.lines()
                .filter(l -> l.startsWith("orders_expired_total{") && l.contains("trigger=\"message\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }
}
