package com.example.orders.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates a storefront by {@code Authorization: Bearer <token>} against the configured tokens,
 * compared in constant time. A missing or unknown token leaves the request anonymous.
 */
final class StorefrontTokenFilter extends OncePerRequestFilter {

    private static final String BEARER = "Bearer ";

    private final List<byte[]> tokens;

    StorefrontTokenFilter(List<String> tokens) {
        this.tokens = tokens.stream()
                .filter(token -> !token.isBlank())
                .map(token -> token.trim().getBytes(StandardCharsets.UTF_8))
                .toList();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header != null
                && header.regionMatches(true, 0, BEARER, 0, BEARER.length())
                && known(header.substring(BEARER.length()).trim())) {
            SecurityContextHolder.getContext()
                    .setAuthentication(new CallerAuthentication("storefront", Roles.STOREFRONT));
        }
        chain.doFilter(request, response);
    }

    private boolean known(String presented) {
        byte[] candidate = presented.getBytes(StandardCharsets.UTF_8);
        boolean match = false;
        for (byte[] token : tokens) {
            match |= MessageDigest.isEqual(token, candidate); // no early exit: same time for every token
        }
        return match;
    }
}
