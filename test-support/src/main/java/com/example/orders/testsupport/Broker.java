package com.example.orders.testsupport;

import com.example.orders.contracts.DelayCascade;
import com.example.orders.contracts.DelayWindow;
import com.example.orders.contracts.Topology;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The test's own hands on the broker, over one connection ({@link Servers#broker}): publish expiry
 * messages by hand, count and purge queues (the delay cascade's levels as one), read the dead-letter
 * queue, watch the events exchange, delete what an earlier run left.
 */
public final class Broker implements AutoCloseable {

    /**
     * The one-hop queues of the payment windows the test stacks configure (system-tests 3 s, chaos 4 s):
     * their usual order waits there, not in the cascade. A stack with another window has its own
     * ({@link #withWindow}).
     */
    public static final List<String> WINDOW_QUEUES = List.of(
            DelayWindow.of(3_000).orElseThrow().name(),
            DelayWindow.of(4_000).orElseThrow().name());

    /** Where delayed messages wait: every level of the cascade and {@link #WINDOW_QUEUES}. */
    public static final List<String> DELAY_QUEUES = testDelayQueues();

    /** Queues the expiry pipeline owns: {@link #DELAY_QUEUES} and the work queue. */
    public static final List<String> PIPELINE_QUEUES = pipelineQueues();

    /** Every queue either service declares, the old per-message-TTL ones of an upgraded broker too. */
    public static final List<String> ALL_QUEUES = allQueues();

    private final Connection connection;
    private final Channel channel;
    private final List<String> windowQueues = new ArrayList<>(WINDOW_QUEUES);

    Broker(Connection connection) {
        this.connection = connection;
        try {
            channel = connection.createChannel();
            channel.confirmSelect();
        } catch (IOException e) {
            close();
            throw new IllegalStateException("cannot open a channel", e);
        }
    }

    private static List<String> testDelayQueues() {
        List<String> queues = new ArrayList<>(DelayCascade.levelQueues());
        queues.addAll(WINDOW_QUEUES);
        return List.copyOf(queues);
    }

    private static List<String> pipelineQueues() {
        List<String> queues = new ArrayList<>(DELAY_QUEUES);
        queues.add(Topology.EXPIRY_QUEUE);
        return List.copyOf(queues);
    }

    private static List<String> allQueues() {
        List<String> queues = new ArrayList<>(PIPELINE_QUEUES);
        queues.addAll(List.of(Topology.WAIT_QUEUE, Topology.RETRY_QUEUE, Topology.DEAD_LETTER_QUEUE));
        return List.copyOf(queues);
    }

    /**
     * Also counts, purges and deletes the window queue of a stack configured with the payment window
     * {@code window} (besides {@link #WINDOW_QUEUES}); none when the window has no queue. Returns this.
     */
    public Broker withWindow(Duration window) {
        DelayWindow.of(window.toMillis())
                .map(DelayWindow::name)
                .filter(queue -> !windowQueues.contains(queue))
                .ifPresent(windowQueues::add);
        return this;
    }

    /** The window queues this broker counts, purges and deletes: {@link #WINDOW_QUEUES} and {@link #withWindow}'s. */
    public List<String> windowQueues() {
        return List.copyOf(windowQueues);
    }

    /** Where delayed messages wait: every level of the cascade and {@link #windowQueues}. */
    public List<String> delayQueues() {
        List<String> queues = new ArrayList<>(DelayCascade.levelQueues());
        queues.addAll(windowQueues);
        return queues;
    }

    /** The connection, for what a scenario does on its own (its own channels). */
    public Connection connection() {
        return connection;
    }

    /** Publishes a raw body straight to the work queue, confirmed; returns its message id. */
    public String publishExpiry(byte[] body, Map<String, Object> headers) throws IOException {
        String messageId = UUID.randomUUID().toString();
        var properties = new AMQP.BasicProperties.Builder()
                .contentType("application/json")
                .deliveryMode(2)
                .messageId(messageId)
                .headers(headers)
                .build();
        channel.basicPublish(Topology.EXPIRY_EXCHANGE, Topology.EXPIRE_KEY, properties, body);
        try {
            channel.waitForConfirmsOrDie(5_000);
        } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
            throw new IOException("publish not confirmed", e);
        }
        return messageId;
    }

    public String publishExpiry(String body, Map<String, Object> headers) throws IOException {
        return publishExpiry(body.getBytes(StandardCharsets.UTF_8), headers);
    }

    /** An {@code OrderCreated} body, schema version 1, as order-service writes it. */
    public static String orderCreated(String orderId, Instant expiresAt) {
        return """
                {"schemaVersion":1,"eventId":"%s","occurredAt":"%s","orderId":"%s","customerId":"c","totalCents":1,"expiresAt":"%s"}
                """.formatted(UUID.randomUUID(), Instant.now(), orderId, expiresAt)
                .strip();
    }

    public long messageCount(String queue) throws IOException {
        return channel.queueDeclarePassive(queue).getMessageCount();
    }

    /** Deletes the queue's ready messages; returns how many. */
    public int purge(String queue) throws IOException {
        return channel.queuePurge(queue).getMessageCount();
    }

    /** Deletes the binding of level {@code n}'s exchange to its queue, as an operator might by hand. */
    public void unbindDelayLevel(int n) throws IOException {
        channel.queueUnbind(DelayCascade.level(n), DelayCascade.level(n), DelayCascade.waitBindingKey(n));
    }

    public void bindDelayLevel(int n) throws IOException {
        channel.queueBind(DelayCascade.level(n), DelayCascade.level(n), DelayCascade.waitBindingKey(n));
    }

    /** Deletes the binding of a payment window's exchange to its queue, as an operator might by hand. */
    public void unbindWindow(Duration window) throws IOException {
        DelayWindow queue = DelayWindow.of(window.toMillis()).orElseThrow();
        channel.queueUnbind(queue.name(), queue.name(), queue.routingKey());
    }

    public void bindWindow(Duration window) throws IOException {
        DelayWindow queue = DelayWindow.of(window.toMillis()).orElseThrow();
        channel.queueBind(queue.name(), queue.name(), queue.routingKey());
    }

    /**
     * Messages waiting for their delay, over every level of the cascade and the window queues (one
     * not declared in this vhost counts 0).
     */
    public long delayedCount() throws IOException {
        long waiting = 0;
        for (String queue : delayQueues()) {
            waiting += ifDeclared(queue, own -> own.queueDeclarePassive(queue).getMessageCount());
        }
        return waiting;
    }

    /**
     * Deletes every message waiting for its delay, at every level of the cascade and in the window
     * queues (a lost message). Returns how many.
     */
    public int purgeDelayed() throws IOException {
        int purged = 0;
        for (String queue : delayQueues()) {
            purged += ifDeclared(queue, own -> own.queuePurge(queue).getMessageCount());
        }
        return purged;
    }

    private interface OnChannel {
        int apply(Channel channel) throws IOException;
    }

    /** Runs on a channel of its own, which the broker closes (404) when the queue is not declared: 0 then. */
    private int ifDeclared(String queue, OnChannel action) throws IOException {
        Channel own = connection.createChannel();
        try {
            return action.apply(own);
        } catch (IOException e) {
            if (e.getCause() instanceof com.rabbitmq.client.ShutdownSignalException closed
                    && closed.getReason() instanceof AMQP.Channel.Close close
                    && close.getReplyCode() == 404) {
                return 0;
            }
            throw e;
        } finally {
            if (own.isOpen()) {
                try {
                    own.close();
                } catch (java.util.concurrent.TimeoutException e) {
                    throw new IOException(e);
                }
            }
        }
    }

    public record Dead(String messageId, String body, Map<String, Object> headers) {

        public String header(String name) {
            Object value = headers.get(name);
            return value == null ? null : value.toString();
        }
    }

    /** Takes every message out of the dead-letter queue. */
    public List<Dead> drainDeadLetters() throws IOException {
        List<Dead> dead = new ArrayList<>();
        GetResponse response;
        while ((response = channel.basicGet(Topology.DEAD_LETTER_QUEUE, true)) != null) {
            Map<String, Object> headers = response.getProps().getHeaders() == null
                    ? Map.of()
                    : response.getProps().getHeaders();
            dead.add(new Dead(
                    response.getProps().getMessageId(),
                    new String(response.getBody(), StandardCharsets.UTF_8),
                    headers));
        }
        return dead;
    }

    /** A fresh queue bound to the events exchange, for watching OrderExpired; it lives with this connection. */
    public String bindEventsQueue(String routingKey) throws IOException {
        String queue = channel.queueDeclare("", false, true, true, null).getQueue();
        channel.queueBind(queue, Topology.EVENTS_EXCHANGE, routingKey);
        return queue;
    }

    /** Takes every message out of the queue; returns their bodies. */
    public List<String> drain(String queue) throws IOException {
        List<String> bodies = new ArrayList<>();
        GetResponse response;
        while ((response = channel.basicGet(queue, true)) != null) {
            bodies.add(new String(response.getBody(), StandardCharsets.UTF_8));
        }
        return bodies;
    }

    public String serverVersion() {
        return String.valueOf(connection.getServerProperties().get("version"));
    }

    /**
     * Whether the broker parks messages in quorum queues (RabbitMQ 4.3+): the services then delay every
     * message in the work queue itself ({@code quorum-delay}), not in the window queue or the cascade.
     */
    public boolean parksMessages() {
        Matcher version = Pattern.compile("^(\\d+)\\.(\\d+)").matcher(serverVersion());
        if (!version.find()) {
            return false;
        }
        int major = Integer.parseInt(version.group(1));
        return major > 4 || (major == 4 && Integer.parseInt(version.group(2)) >= 3);
    }

    /** Removes the work queue's binding for new messages ({@code orders.expiry.direct}, {@code expire}). */
    public void unbindWorkQueue() throws IOException {
        connection.createChannel().queueUnbind(Topology.EXPIRY_QUEUE, Topology.EXPIRY_EXCHANGE, Topology.EXPIRE_KEY);
    }

    public void bindWorkQueue() throws IOException {
        connection.createChannel().queueBind(Topology.EXPIRY_QUEUE, Topology.EXPIRY_EXCHANGE, Topology.EXPIRE_KEY);
    }

    /**
     * Deletes {@link #ALL_QUEUES} and {@link #windowQueues}, so that a run starts from nothing (each on a
     * channel of its own).
     */
    public void deleteQueues() throws IOException {
        List<String> queues = new ArrayList<>(ALL_QUEUES);
        windowQueues.stream().filter(queue -> !queues.contains(queue)).forEach(queues::add);
        for (String queue : queues) {
            Channel own = connection.createChannel();
            own.queueDelete(queue);
            try {
                own.close();
            } catch (java.util.concurrent.TimeoutException e) {
                throw new IOException(e);
            }
        }
    }

    @Override
    public void close() {
        try {
            if (connection.isOpen()) {
                connection.close();
            }
        } catch (IOException | com.rabbitmq.client.AlreadyClosedException e) {
            // closed by the broker meanwhile (a fault)
        }
    }
}
