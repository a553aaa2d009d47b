package com.example.orders.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates the payment provider on the payment endpoint: the raw body is read, its
 * {@code Payment-Signature} checked, and the signature remembered with the order and body it was
 * first used for: the identical request again (a provider's retry) passes, the same signature on
 * another order does not (a replay of a captured request). A request that passes carries the PAYMENT_PROVIDER role; one that fails carries
 * nothing, and authorization answers 401.
 */
final class PaymentSignatureFilter extends OncePerRequestFilter {

    static final String HEADER = "Payment-Signature";
    static final int MAX_BODY_BYTES = 16 * 1024;

    private static final Logger log = LoggerFactory.getLogger(PaymentSignatureFilter.class);

    private final RequestMatcher paymentRequests;
    private final PaymentSignature signature;
    private final ReplayGuard replays;
    private final Clock clock;

    PaymentSignatureFilter(
            RequestMatcher paymentRequests, PaymentSignature signature, ReplayGuard replays, Clock clock) {
        this.paymentRequests = paymentRequests;
        this.signature = signature;
        this.replays = replays;
        this.clock = clock;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !paymentRequests.matches(request);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        byte[] body = request.getInputStream().readNBytes(MAX_BODY_BYTES + 1);
        if (body.length > MAX_BODY_BYTES) {
            response.sendError(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE);
            return;
        }
        String orderId = paymentRequests.matcher(request).getVariables().getOrDefault("id", "");
        var accepted = signature.verify(request.getHeader(HEADER), body, clock.instant());
        if (accepted.isEmpty()) {
            log.warn("Payment call with a missing, stale or wrong signature on {}", request.getRequestURI());
        } else {
            switch (replays.use(accepted.get(), orderId, body)) {
                case FIRST -> authenticate();
                case RETRY -> {
                    log.info(
                            "Payment request for order {} received again (a provider's retry); answered anew", orderId);
                    authenticate();
                }
                case REPLAY ->
                    log.warn(
                            "Replayed payment signature refused on {}: it was first used for another request",
                            request.getRequestURI());
            }
        }
        chain.doFilter(new CachedBodyRequest(request, body), response);
    }

    private static void authenticate() {
        SecurityContextHolder.getContext()
                .setAuthentication(new CallerAuthentication("payment-provider", Roles.PAYMENT_PROVIDER));
    }
}
