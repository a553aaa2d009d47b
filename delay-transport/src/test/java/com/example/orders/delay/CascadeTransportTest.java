package com.example.orders.delay;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.orders.contracts.DelayCascade;
import com.example.orders.contracts.Topology;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.Declarable;
import org.springframework.amqp.core.Exchange;
import org.springframework.amqp.core.Queue;

/** Where the stock-RabbitMQ transport sends a message, and what both services declare for it. */
class CascadeTransportTest {

    private final CascadeTransport orderService = CascadeTransport.withWindow(900_000);
    private final CascadeTransport worker = CascadeTransport.cascadeOnly();

    @Test
    void aNewMessageWithTheWindowOrUpToOneUnitLessTakesTheWindowQueueMandatory() {
        for (long delay : new long[] {900_000, 899_950, 899_900}) {
            Delayed delayed = orderService.publish(delay);

            assertThat(delayed.exchange()).as("%d ms", delay).isEqualTo("orders.delay.window-900000ms");
            assertThat(delayed.routingKey()).isEqualTo(Topology.EXPIRE_KEY);
            assertThat(delayed.headers()).isEmpty();
            assertThat(delayed.mandatory()).isTrue();
            assertThat(delayed.via()).isEqualTo("window");
        }
    }

    @Test
    void anyOtherDelayTakesTheCascadeWithItsDelayInTheRoutingKeyMandatory() {
        for (long delay : new long[] {899_899, 600_000, 900_001, 1_800_000, 1}) {
            Delayed delayed = orderService.publish(delay);

            DelayCascade.Route expected = DelayCascade.route(delay, DelayCascade.EXPIRY_DESTINATION);
            assertThat(delayed.exchange()).as("%d ms", delay).isEqualTo(expected.exchange());
            assertThat(delayed.routingKey()).isEqualTo(expected.routingKey());
            assertThat(delayed.mandatory()).isTrue();
            assertThat(delayed.via()).isEqualTo("cascade");
        }
    }

    @Test
    void aMessageSentRoundAgainAlwaysTakesTheCascadeEvenForTheWindowsDelay() {
        assertThat(orderService.again(900_000).exchange()).isEqualTo("orders.delay.level-13");
        assertThat(worker.publish(900_000).exchange()).isEqualTo("orders.delay.level-13");
        assertThat(worker.again(1_000).exchange()).isEqualTo("orders.delay.level-03");
    }

    @Test
    void aMessageAlreadyDueGoesStraightToTheWorkQueue() {
        for (Delayed delayed : List.of(orderService.publish(0), worker.again(-5))) {
            assertThat(delayed.exchange()).isEqualTo(Topology.EXPIRY_EXCHANGE);
            assertThat(delayed.routingKey()).isEqualTo(Topology.EXPIRE_KEY);
            assertThat(delayed.mandatory()).isTrue();
            assertThat(delayed.via()).isEqualTo("due");
        }
    }

    @Test
    void bothDeclareTheWorkQueueAndTheWholeCascadeOnlyOrderServiceTheWindow() {
        List<Declarable> workers = worker.declarables();
        List<Declarable> orderServices = orderService.declarables();

        assertThat(queues(workers)).hasSize(DelayCascade.LEVELS + 1).contains(Topology.EXPIRY_QUEUE);
        assertThat(exchanges(workers)).hasSize(DelayCascade.LEVELS + 2).contains(Topology.EXPIRY_EXCHANGE);
        assertThat(bindings(workers)).hasSize(2 * DelayCascade.LEVELS + 2);
        assertThat(queues(orderServices)).containsAll(queues(workers)).contains("orders.delay.window-900000ms");
        Queue window = orderServices.stream()
                .filter(d -> d instanceof Queue q && q.getName().equals("orders.delay.window-900000ms"))
                .map(Queue.class::cast)
                .findFirst()
                .orElseThrow();
        assertThat(window.getArguments())
                .containsEntry("x-message-ttl", 900_000L)
                .containsEntry("x-dead-letter-exchange", Topology.EXPIRY_EXCHANGE);
        Queue level = workers.stream()
                .filter(d -> d instanceof Queue q && q.getName().equals(DelayCascade.level(4)))
                .map(Queue.class::cast)
                .findFirst()
                .orElseThrow();
        assertThat(level.getArguments()).isEqualTo(DelayCascade.queueArguments(4));
    }

    private static List<String> queues(List<Declarable> declarables) {
        return declarables.stream()
                .filter(Queue.class::isInstance)
                .map(d -> ((Queue) d).getName())
                .toList();
    }

    private static List<String> exchanges(List<Declarable> declarables) {
        return declarables.stream()
                .filter(Exchange.class::isInstance)
                .map(d -> ((Exchange) d).getName())
                .toList();
    }

    private static List<Binding> bindings(List<Declarable> declarables) {
        return declarables.stream()
                .filter(Binding.class::isInstance)
                .map(Binding.class::cast)
                .toList();
    }
}
