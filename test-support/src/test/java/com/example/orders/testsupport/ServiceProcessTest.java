package com.example.orders.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceProcessTest {

    private static final String JAVA = ProcessHandle.current().info().command().orElse("java");

    @TempDir
    Path logs;

    @Test
    void aServiceThatExitsDuringStartUpFailsAtOnceWithItsExitCodeAndTheEndOfItsLog() {
        // A "service" that prints why it cannot start and exits, as one with a bad setting does.
        var service = new ServiceProcess(
                "crashing",
                ServiceProcess.freePort(),
                List.of(JAVA, "-XX:+UnlockDiagnosticVMOptions", "-XX:NoSuchOption"),
                Map.of(),
                logs);
        service.start();

        long started = System.nanoTime();
        assertThatThrownBy(() -> service.awaitUp(Duration.ofSeconds(90)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("crashing exited with code 1 during start-up")
                .hasMessageContaining("NoSuchOption")
                .hasMessageContaining(logs.resolve("crashing.log").toString());
        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .as("failed fast, not at the 90 s timeout")
                .isLessThan(Duration.ofSeconds(30));
        assertThat(service.alive()).isFalse();
    }

    @Test
    void eachLaunchLogsToAFileOfItsOwn() throws Exception {
        var service = new ServiceProcess(
                "short", ServiceProcess.freePort(), List.of(JAVA, "-version"), Map.of("ANY", "value"), logs);
        service.start();
        assertThatThrownBy(() -> service.awaitUp(Duration.ofSeconds(90))).hasMessageContaining("exited with code 0");
        service.start();
        service.stop();

        assertThat(service.log()).isEqualTo(logs.resolve("short.2.log"));
        assertThat(logs.resolve("short.log")).content().contains("version");
    }

    @Test
    void metricsAreSummedOverTheirLabelSets() {
        String scrape = """
                # HELP orders_expiry_republished_total
                orders_expiry_republished_total{reason="early"} 2.0
                orders_expiry_republished_total{reason="lock-conflict"} 3.0
                orders_expiry_republished_total_created 1.7E9
                orders_expired_total 4.0
                """;

        assertThat(Metrics.sum(scrape, "orders_expiry_republished_total")).isEqualTo(5.0);
        assertThat(Metrics.sum(scrape, "orders_expiry_republished_total{reason=\"early\"}"))
                .isEqualTo(2.0);
        assertThat(Metrics.sum(scrape, "orders_expired_total")).isEqualTo(4.0);
        assertThat(Metrics.sum(scrape, "orders_expiry_dead_lettered_total")).isZero();
    }

    @Test
    void theSignatureIsTheHmacOfTimestampDotBody() {
        // printf '1700000000.{"paymentId":"p"}' | openssl dgst -sha256 -hmac secret
        assertThat(PaymentSigner.sign("secret", 1_700_000_000L, "{\"paymentId\":\"p\"}"))
                .isEqualTo("t=1700000000,v1=bfd4cd250d36f3815b7a868c6c0708dde4600075858731ea064c66f09d2ea9bd");
        assertThat(PaymentSigner.fresh("secret", "same body")).isNotEqualTo(PaymentSigner.fresh("secret", "same body"));
    }
}
