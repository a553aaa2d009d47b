package com.example.orders.bench;

import com.example.orders.contracts.DelayCascade;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scenario 7: the broker's CPU per delayed message, the delay cascade against the single hop of
 * earlier versions (one queue with per-message TTLs). A 15-minute delay is 9000 units of 100 ms,
 * five 1-bits, so it waits in five queues; the broker's cost is per hop, not per second waited, so
 * the bench uses a delay of the same five hops that ends in seconds (31 units: levels 4 to 0, 3.1 s)
 * and the single hop with the same 3.1 s TTL. Each variant publishes N messages (confirmed) and
 * counts them arriving in a sink queue at the end of the cascade; the broker's CPU seconds over that
 * time, less its idle rate measured just before, divided by N. A third variant, straight to the sink,
 * is the cost of publishing and consuming without any delay.
 */
final class HopsScenario {

    private static final String SINK = "bench.sink";
    private static final String DESTINATION = "benchsink";
    private static final String SINGLE_HOP = "bench.single-hop";

    private HopsScenario() {}

    static void run(Run run, Stack stack) throws Exception {
        int n = run.options.integer("messages", 20_000);
        long beam = stack.rabbitPid();
        try (Connection connection = stack.broker()) {
            Channel setup = connection.createChannel();
            setup.queueDelete(SINK);
            setup.queueDelete(SINGLE_HOP);
            setup.queueDeclare(SINK, true, false, false, Map.of("x-queue-type", "quorum"));
            setup.queueBind(SINK, DelayCascade.DELIVERY_EXCHANGE, DelayCascade.deliveryBindingKey(DESTINATION));
            setup.queueDeclare(
                    SINGLE_HOP,
                    true,
                    false,
                    false,
                    Map.of(
                            "x-queue-type", "quorum",
                            "x-dead-letter-exchange", DelayCascade.DELIVERY_EXCHANGE,
                            "x-dead-letter-routing-key", DESTINATION,
                            "x-dead-letter-strategy", "at-least-once",
                            "x-overflow", "reject-publish"));
            AtomicLong arrived = new AtomicLong();
            Channel sink = connection.createChannel();
            sink.basicQos(500);
            sink.basicConsume(SINK, false, new DefaultConsumer(sink) {
                @Override
                public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties p, byte[] body)
                        throws java.io.IOException {
                    arrived.incrementAndGet();
                    getChannel().basicAck(envelope.getDeliveryTag(), false);
                }
            });
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("messages", n);
            DelayCascade.Route cascade = DelayCascade.route(3_100, DESTINATION);
            figures.put("cascadeRoutingKey", cascade.routingKey());
            figures.put(
                    "noDelay",
                    variant(connection, beam, n, arrived, DelayCascade.DELIVERY_EXCHANGE, DESTINATION, null));
            figures.put("singleHop3100ms", variant(connection, beam, n, arrived, "", SINGLE_HOP, "3100"));
            figures.put(
                    "cascadeFiveHops3100ms",
                    variant(connection, beam, n, arrived, cascade.exchange(), cascade.routingKey(), null));
            double single = micros(figures, "singleHop3100ms");
            double five = micros(figures, "cascadeFiveHops3100ms");
            double direct = micros(figures, "noDelay");
            figures.put("cascadeOverSingleHopCpu", five / single);
            figures.put("delayCpuMicrosPerMessage: single hop", single - direct);
            figures.put("delayCpuMicrosPerMessage: cascade (15-minute-like, 5 hops)", five - direct);
            figures.forEach(run::put);
            setup.queueDelete(SINGLE_HOP);
            setup.queueDelete(SINK);
        }
    }

    private static double micros(Map<String, Object> figures, String variant) {
        return (Double) ((Map<?, ?>) figures.get(variant)).get("brokerCpuMicrosPerMessage");
    }

    private static Map<String, Object> variant(
            Connection connection,
            long beam,
            int n,
            AtomicLong arrived,
            String exchange,
            String routingKey,
            String expiration)
            throws Exception {
        Cpu cpu = new Cpu().watch("rabbitmq", beam);
        double idleBefore = cpu.seconds().get("rabbitmq");
        long idleStart = System.nanoTime();
        Thread.sleep(5_000);
        double idleRate = (cpu.seconds().get("rabbitmq") - idleBefore) / ((System.nanoTime() - idleStart) / 1e9);
        arrived.set(0);
        Channel channel = connection.createChannel();
        channel.confirmSelect();
        AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
                .deliveryMode(2)
                .contentType("application/json")
                .expiration(expiration)
                .build();
        byte[] body = "{\"schemaVersion\":1,\"orderId\":\"bench-hops\"}".getBytes();
        double cpuStart = cpu.seconds().get("rabbitmq");
        long start = System.nanoTime();
        for (int i = 1; i <= n; i++) {
            channel.basicPublish(exchange, routingKey, properties, body);
            if (i % 1000 == 0) {
                channel.waitForConfirmsOrDie(60_000);
            }
        }
        channel.waitForConfirmsOrDie(60_000);
        long end = System.nanoTime() + 300_000_000_000L;
        while (arrived.get() < n && System.nanoTime() < end) {
            Thread.sleep(100);
        }
        double wall = (System.nanoTime() - start) / 1e9;
        double used = cpu.seconds().get("rabbitmq") - cpuStart - idleRate * wall;
        channel.close();
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("arrived", arrived.get());
        v.put("wallSeconds", wall);
        v.put("brokerIdleCpuPerSecond", idleRate);
        v.put("brokerCpuSecondsBeyondIdle", used);
        v.put("brokerCpuMicrosPerMessage", used / n * 1e6);
        v.put("loadAverage", Machine.load());
        return v;
    }
}
