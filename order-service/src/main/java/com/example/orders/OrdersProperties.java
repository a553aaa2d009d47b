package com.example.orders;

import com.example.orders.contracts.DelayTransport;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.validation.annotation.Validated;

/**
 * Everything order-service lets an operator set, under {@code orders.*}; defaults in application.yml.
 * The credentials have no default: the service refuses to start without them.
 *
 * @param paymentTimeout how long an order waits for payment before it expires
 * @param paymentTimeoutMin the shortest payment window an order may ask for ({@code paymentTimeout})
 * @param paymentTimeoutMax the longest payment window an order may ask for
 * @param delayTransport how the expiry message is delayed until the deadline
 * @param outbox how the relay publishes the outbox
 * @param storefrontTokens bearer tokens a storefront may call {@code /api/**} with (several, to rotate)
 * @param paymentSecrets HMAC secrets a payment provider may sign with (several, to rotate)
 * @param paymentSignatureTolerance how far a signature's timestamp may be from now
 * @param database how long a request waits for a pooled connection while the database answers
 * @param warmUp what the service runs through before it reports UP
 */
@ConfigurationProperties("orders")
@Validated
public record OrdersProperties(
        @NotNull Duration paymentTimeout,
        @NotNull Duration paymentTimeoutMin,
        @NotNull Duration paymentTimeoutMax,
        @NotNull DelayTransport delayTransport,
        @NotNull Outbox outbox,

        @NotEmpty(message = "set ORDERS_STOREFRONT_TOKENS (comma-separated)")
        List<String> storefrontTokens,

        @NotEmpty(message = "set ORDERS_PAYMENT_SECRETS (comma-separated)")
        List<String> paymentSecrets,

        @NotNull Duration paymentSignatureTolerance,
        @NotNull Database database,
        @NotNull WarmUp warmUp) {

    /**
     * @param pollInterval pause between relay runs when nothing wakes the relay (no order committed)
     * @param batchSize rows published per transaction, confirmed together
     * @param confirmTimeout how long to wait for the broker's confirms before retrying the batch
     * @param wakeInterval the shortest time between two relay runs woken by commits: the commits of that
     *     time go out in one batch (one relay transaction) instead of one each. Unset (null): 20 ms while
     *     a message's wait starts when it is published (window queue, cascade, plugin: a later publish is a
     *     later expiry), 100 ms where the broker parks it until the deadline it carries ({@code
     *     quorum-delay}: a later publish costs no lateness, and fewer, larger batches cost the broker,
     *     the database and the service less)
     */
    public record Outbox(Duration pollInterval, int batchSize, Duration confirmTimeout, Duration wakeInterval) {

        @ConstructorBinding
        public Outbox {}

        /** With the default wake interval, chosen by the transport. */
        public Outbox(Duration pollInterval, int batchSize, Duration confirmTimeout) {
            this(pollInterval, batchSize, confirmTimeout, null);
        }
    }

    /**
     * @param busyWait how long in all a request waits for a connection while every pooled one is in
     *     use and the database answers (an unreachable database is answered 503 after the pool's own
     *     {@code connection-timeout})
     */
    public record Database(@NotNull Duration busyWait) {}

    /** @param requests requests the service sends itself before it reports UP (0: none; see warmup/WarmUp) */
    public record WarmUp(int requests) {}
}
