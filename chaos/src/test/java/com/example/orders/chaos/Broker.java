package com.example.orders.chaos;

import com.example.orders.contracts.DelayCascade;
import com.example.orders.contracts.Topology;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Address;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The chaos run's own hands on the {@code orders-chaos} vhost. Every call opens its own short
 * connection, because the broker fault closes every connection of the vhost, ours included.
 */
final class Broker {

    /** Queues the expiry pipeline owns; all must be drained (nothing ready, nothing unacked) at rest. */
    static final List<String> PIPELINE_QUEUES = pipelineQueues();

    private static List<String> pipelineQueues() {
        List<String> queues = new ArrayList<>(DelayCascade.levelQueues());
        queues.add(Topology.EXPIRY_QUEUE);
        return List.copyOf(queues);
    }

    private Broker() {}

    @FunctionalInterface
    interface ChannelWork<T> {
        T run(Channel channel) throws Exception;
    }

    /** Publishes a raw body straight to the work queue, confirmed; returns its message id. */
    static String publishExpiry(byte[] body, Map<String, Object> headers) {
        String messageId = UUID.randomUUID().toString();
        withChannel(channel -> {
            channel.confirmSelect();
            var properties = new AMQP.BasicProperties.Builder()
                    .contentType("application/json")
                    .deliveryMode(2)
                    .messageId(messageId)
                    .headers(headers)
                    .build();
            channel.basicPublish(Topology.EXPIRY_EXCHANGE, Topology.EXPIRE_KEY, properties, body);
            channel.waitForConfirmsOrDie(5_000);
            return null;
        });
        return messageId;
    }

    static String publishExpiry(String body) {
        return publishExpiry(body.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    /** The lost-message fault: deletes every message waiting for its delay, at every level. Returns how many. */
    static int purgeWaitQueue() {
        return withChannel(channel -> {
            int purged = 0;
            for (String queue : DelayCascade.levelQueues()) {
                purged += channel.queuePurge(queue).getMessageCount();
            }
            return purged;
        });
    }

    record Dead(String messageId, String body, Map<String, Object> headers) {

        String header(String name) {
            Object value = headers.get(name);
            return value == null ? null : value.toString();
        }
    }

    /** Takes every message out of the dead-letter queue. */
    static List<Dead> drainDeadLetters() {
        return withChannel(channel -> {
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
        });
    }

    record QueueState(long ready, long unacked) {}

    /** What rabbitmqctl reports for each queue of the vhost: ready and unacknowledged messages. */
    static Map<String, QueueState> queues() {
        String out = rabbitmqctl(
                "-q",
                "list_queues",
                "-p",
                Settings.RABBIT_VHOST,
                "--no-table-headers",
                "name",
                "messages_ready",
                "messages_unacknowledged");
        Map<String, QueueState> queues = new HashMap<>();
        for (String line : out.split("\n")) {
            String[] cols = line.trim().split("\\s+");
            if (cols.length == 3 && cols[1].matches("\\d+")) {
                queues.put(cols[0], new QueueState(Long.parseLong(cols[1]), Long.parseLong(cols[2])));
            }
        }
        return queues;
    }

    /** The broker fault: closes every client connection of the vhost (and only of the vhost). */
    static void closeAllConnections() {
        rabbitmqctl("-q", "close_all_connections", "-p", Settings.RABBIT_VHOST, "chaos: broker fault");
    }

    /** Removes what an earlier run left in the vhost, so each scenario starts from nothing. */
    static void deleteQueues() {
        withChannel(channel -> {
            for (String queue : PIPELINE_QUEUES) {
                channel.queueDelete(queue);
            }
            channel.queueDelete(Topology.DEAD_LETTER_QUEUE);
            return null;
        });
    }

    static <T> T withChannel(ChannelWork<T> work) {
        try (Connection connection = Settings.RABBIT_ADDRESSES == null
                ? factory().newConnection("chaos")
                : factory().newConnection(Address.parseAddresses(Settings.RABBIT_ADDRESSES), "chaos")) {
            Channel channel = connection.createChannel();
            return work.run(channel);
        } catch (Exception e) {
            throw new IllegalStateException("broker call failed", e);
        }
    }

    private static String rabbitmqctl(String... args) {
        List<String> command = new ArrayList<>();
        command.addAll(Settings.RABBITMQCTL);
        command.addAll(List.of(args));
        return run(command);
    }

    /** Runs a broker command line and returns its output; throws if it fails or takes over a minute. */
    static String run(List<String> command) {
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("rabbitmqctl is needed for the chaos run", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static ConnectionFactory factory() {
        var factory = new ConnectionFactory();
        factory.setHost(Settings.RABBIT_HOST);
        factory.setVirtualHost(Settings.RABBIT_VHOST);
        factory.setUsername(Settings.RABBIT_USER);
        factory.setPassword(Settings.RABBIT_PASSWORD);
        factory.setAutomaticRecoveryEnabled(false);
        return factory;
    }
}
