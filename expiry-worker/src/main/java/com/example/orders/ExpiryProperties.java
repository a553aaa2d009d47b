package com.example.orders;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Everything expiry-worker lets an operator set, under {@code expiry.*}; defaults in application.yml.
 *
 * @param consumers concurrent consumers of the expiry queue
 * @param prefetch unacknowledged messages each consumer may hold
 * @param stockAttempts optimistic-lock attempts per item before the transaction is rolled back
 * @param retryDelay delay of the first republish after a rollback; doubled at each further one
 * @param maxRetryDelay cap of that delay
 * @param maxRepublishes republishes before a message goes to the dead-letter queue
 * @param sweepInterval how often the sweep looks for overdue orders whose message was lost
 * @param sweepGrace how long past its deadline an order must be before the sweep takes it
 * @param sweepBatchSize orders the sweep expires per run at most
 * @param schemaWait how long to wait at start-up for order-service to apply the schema
 * @param confirmTimeout how long to wait for the broker to confirm a republish
 * @param batchSize ready messages a consumer takes into one expiry transaction at most
 * @param batchWait how long a consumer waits for one more message before it runs the batch it has, and
 *     how long it gathers one batch at most
 * @param warmUpBatches batches of unknown orders run through the expiry code before consuming (0: none)
 * @param parkTogether where the broker parks messages (quorum-delay): new messages whose deadlines lie
 *     within this of each other are parked as one group until the latest of them, and come back together
 *     to be expired in one transaction (each at most this late, never early)
 */
@ConfigurationProperties("expiry")
public record ExpiryProperties(
        int consumers,
        int prefetch,
        int stockAttempts,
        Duration retryDelay,
        Duration maxRetryDelay,
        int maxRepublishes,
        Duration sweepInterval,
        Duration sweepGrace,
        int sweepBatchSize,
        Duration schemaWait,
        Duration confirmTimeout,
        int batchSize,
        Duration batchWait,
        int warmUpBatches,
        Duration parkTogether) {}
