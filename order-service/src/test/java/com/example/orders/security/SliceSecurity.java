package com.example.orders.security;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.example.orders.OrdersProperties;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * The real security chain for {@code @WebMvcTest} slices: the storefront token and the payment
 * signature are checked as in production; only the replay guard's database is left out (every
 * signature counts as its first use).
 */
@TestConfiguration(proxyBeanMethods = false)
@EnableConfigurationProperties(OrdersProperties.class)
@Import(SecurityConfig.class)
public class SliceSecurity {

    public static final String TOKEN = "slice-storefront-token";
    public static final String SECRET = "slice-payment-secret";

    /** The slice's credentials, for {@code @WebMvcTest(properties = ...)}. */
    public static final String TOKENS = "orders.storefront-tokens=" + TOKEN;

    public static final String SECRETS = "orders.payment-secrets=" + SECRET;

    public static final String BEARER = "Bearer " + TOKEN;

    @Bean
    ReplayGuard replayGuard() {
        ReplayGuard replays = mock(ReplayGuard.class);
        when(replays.use(any(), any(), any())).thenReturn(ReplayGuard.Use.FIRST);
        return replays;
    }

    /** A {@code Payment-Signature} header for this body, signed now with the slice's secret. */
    public static String paymentSignature(String body) {
        long t = Instant.now().getEpochSecond();
        return "t=" + t + ",v1=" + hmac(SECRET, t, body.getBytes(StandardCharsets.UTF_8));
    }

    /** What a payment provider computes: hex HMAC-SHA256 of "{@code <t>.<raw body>}". */
    public static String hmac(String secret, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
