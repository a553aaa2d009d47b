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
 * {@code Payment-Signature} checked, and the signature remembered so the same request cannot be
 * played again. A request that passes carries the PAYMENT_PROVIDER role; one that fails carries
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
        signature
                .verify(request.getHeader(HEADER), body, clock.instant())
                .ifPresentOrElse(
                        accepted -> {
                            if (replays.firstUse(accepted)) {
                                SecurityContextHolder.getContext()
                                        .setAuthentication(
                                                new CallerAuthentication("payment-provider", Roles.PAYMENT_PROVIDER));
                            } else {
                                log.warn("Replayed payment signature refused on {}", request.getRequestURI());
                            }
                        },
                        () -> log.warn(
                                "Payment call with a missing, stale or wrong signature on {}",
                                request.getRequestURI()));
        chain.doFilter(new CachedBodyRequest(request, body), response);
    }
}
