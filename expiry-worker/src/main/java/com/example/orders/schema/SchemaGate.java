package com.example.orders.schema;

import com.example.orders.ExpiryProperties;
import com.example.orders.expiry.ExpiryWarmUp;
import com.example.orders.expiry.WorkQueueConsumers;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpException;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * order-service owns the schema (Flyway). The worker waits, at start-up, until the version it was
 * built for is applied, reporting DOWN on its health endpoint meanwhile, and only then starts
 * consuming; after {@code expiry.schema-wait} it gives up and the process exits with the reason.
 */
@Component
public class SchemaGate implements ApplicationRunner, HealthIndicator {

    /** The schema version this worker's SQL needs (order-service's V1__orders_schema.sql). */
    static final int REQUIRED_VERSION = 1;

    private static final String APPLIED = """
            SELECT COALESCE(MAX(CAST(version AS UNSIGNED)), 0) FROM flyway_schema_history WHERE success = 1
            """;

    private static final Logger log = LoggerFactory.getLogger(SchemaGate.class);

    private final JdbcClient jdbc;
    private final WorkQueueConsumers consumers;
    private final Duration patience;
    private final ExpiryWarmUp warmUp;
    private volatile boolean ready;
    private volatile String waitingFor = "not checked yet";

    SchemaGate(JdbcClient jdbc, WorkQueueConsumers consumers, ExpiryProperties properties, ExpiryWarmUp warmUp) {
        this.jdbc = jdbc;
        this.warmUp = warmUp;
        this.consumers = consumers;
        this.patience = properties.schemaWait();
    }

    public boolean ready() {
        return ready;
    }

    @Override
    public void run(ApplicationArguments args) throws InterruptedException {
        Instant giveUp = Instant.now().plus(patience);
        while (!schemaApplied()) {
            if (Instant.now().isAfter(giveUp)) {
                throw new IllegalStateException(
                        "Gave up after %s waiting for order-service to apply schema version %d: %s"
                                .formatted(patience, REQUIRED_VERSION, waitingFor));
            }
            log.warn("Waiting for order-service to apply schema version {}: {}", REQUIRED_VERSION, waitingFor);
            Thread.sleep(2_000);
        }
        waitingFor = "warm-up";
        warmUp.run();
        ready = true; // as before consumers existed per broker: the broker being away is the consumer's to wait out
        startConsuming();
        log.info(
                "Schema version {} is in place; consuming expiry messages ({})", REQUIRED_VERSION, consumers.started());
    }

    /**
     * The broker's version decides how to consume: while it cannot be asked, the worker waits for it, as
     * a listener container waits for its connection.
     */
    private void startConsuming() throws InterruptedException {
        while (true) {
            try {
                consumers.start();
                return;
            } catch (AmqpException e) {
                log.warn("Waiting for the broker to start consuming: {}", e.getMessage());
                Thread.sleep(2_000);
            }
        }
    }

    @Override
    public Health health() {
        return ready
                ? Health.up().build()
                : Health.down().withDetail("waitingFor", waitingFor).build();
    }

    private boolean schemaApplied() {
        try {
            long applied = jdbc.sql(APPLIED).query(Long.class).single();
            waitingFor = "schema version " + applied + " found";
            return applied >= REQUIRED_VERSION;
        } catch (DataAccessException e) {
            waitingFor = e.getMostSpecificCause().getMessage();
            return false;
        }
    }
}
