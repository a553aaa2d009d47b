package com.example.orders.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * The same {@code 503} for the database calls made before any controller runs: the payment replay
 * guard, inside the security filters, remembers each signature in the database. Their exceptions
 * never reach {@link ProblemHandler}; without this filter the container would answer them {@code 500}.
 * The same holds for a transaction of theirs the database kept aborting ({@link DatabaseBusy}).
 * Runs outside (before) the security filter chain.
 */
final class DatabaseUnavailableFilter extends OncePerRequestFilter {

    private final JsonMapper json;

    DatabaseUnavailableFilter(JsonMapper json) {
        this.json = json;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            chain.doFilter(request, response);
        } catch (RuntimeException | ServletException e) {
            if (response.isCommitted() || !(DatabaseUnavailable.causedBy(e) || DatabaseBusy.causedBy(e))) {
                throw e;
            }
            var answer = DatabaseUnavailable.causedBy(e) ? DatabaseUnavailable.answer(e) : DatabaseBusy.answer(e);
            response.resetBuffer();
            response.setStatus(answer.getStatusCode().value());
            response.setHeader(HttpHeaders.RETRY_AFTER, answer.getHeaders().getFirst(HttpHeaders.RETRY_AFTER));
            response.setContentType(String.valueOf(answer.getHeaders().getContentType()));
            json.writeValue(response.getOutputStream(), answer.getBody());
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Registration {

        @Bean
        FilterRegistrationBean<DatabaseUnavailableFilter> databaseUnavailableFilter(JsonMapper json) {
            var registration = new FilterRegistrationBean<>(new DatabaseUnavailableFilter(json));
            // Inside Boot's HTTP observation filter (HIGHEST_PRECEDENCE + 1), outside the security chain:
            // outside the observation, an exception passing through it was recorded as a 500 in
            // http_server_requests (it sets 500 before rethrowing) while this filter answered 503.
            registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 2);
            return registration;
        }
    }
}
