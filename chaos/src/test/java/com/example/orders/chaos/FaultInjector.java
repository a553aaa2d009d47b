package com.example.orders.chaos;

import com.example.orders.testsupport.Broker;
import com.example.orders.testsupport.ServiceProcess;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Injects one fault at a time into a {@link Stack} and keeps count of what it did. */
final class FaultInjector {

    private final Stack stack;
    private final Random random;
    private final Map<Fault, Integer> injected = new EnumMap<>(Fault.class);
    private int messagesDeleted;
    private int messagesDuplicated;
    private int connectionsKilled;

    FaultInjector(Stack stack, long seed) {
        this.stack = stack;
        this.random = new Random(seed);
    }

    void inject(Fault fault) {
        switch (fault) {
            case WORKER_KILL -> killAndRestart(stack.workers);
            case ORDER_SERVICE_KILL -> killAndRestart(stack.orderServices);
            case BROKER_CONNECTIONS ->
                Settings.rabbitmqctl().closeAllConnections(Settings.vhost(), "chaos: broker fault");
            case DATABASE_CONNECTIONS -> connectionsKilled += Settings.db().killConnections();
            case DUPLICATES -> duplicateExpiryMessages();
            case LOST_MESSAGES -> messagesDeleted += Settings.withBroker(Broker::purgeDelayed);
        }
        injected.merge(fault, 1, Integer::sum);
    }

    int total() {
        return injected.values().stream().mapToInt(Integer::intValue).sum();
    }

    int count(Fault fault) {
        return injected.getOrDefault(fault, 0);
    }

    int messagesDeleted() {
        return messagesDeleted;
    }

    String describe() {
        List<String> parts = new ArrayList<>();
        injected.forEach((fault, n) -> parts.add(fault.name().toLowerCase().replace('_', '-') + " x" + n));
        if (messagesDeleted > 0) {
            parts.add(messagesDeleted + " waiting messages deleted");
        }
        if (messagesDuplicated > 0) {
            parts.add(messagesDuplicated + " messages duplicated");
        }
        if (connectionsKilled > 0) {
            parts.add(connectionsKilled + " db connections killed");
        }
        return parts.isEmpty() ? "none" : String.join(", ", parts);
    }

    /** A process killed with SIGKILL while it works, then started again; waits until it is back up. */
    private void killAndRestart(List<ServiceProcess> services) {
        List<ServiceProcess> alive =
                services.stream().filter(ServiceProcess::alive).toList();
        ServiceProcess victim = alive.get(random.nextInt(alive.size()));
        victim.kill();
        victim.start();
        victim.awaitUp(Stack.STARTUP);
    }

    /** Real OrderCreated messages, taken from the outbox, published twice each in shuffled order. */
    private void duplicateExpiryMessages() {
        List<String> payloads = Settings.db()
                .query(
                        "SELECT payload FROM outbox WHERE event_type = 'OrderCreated' ORDER BY RAND() LIMIT 30",
                        rs -> rs.getString(1));
        List<String> copies = new ArrayList<>(payloads);
        copies.addAll(payloads);
        Collections.shuffle(copies, random);
        Settings.withBroker(broker -> {
            for (String payload : copies) {
                broker.publishExpiry(payload.getBytes(StandardCharsets.UTF_8), Map.of());
            }
            return null;
        });
        messagesDuplicated += copies.size();
    }
}
