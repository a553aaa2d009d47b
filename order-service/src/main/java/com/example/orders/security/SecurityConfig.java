package com.example.orders.security;

import com.example.orders.OrdersProperties;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import tools.jackson.databind.json.JsonMapper;

/**
 * Who may call what (README, "Who may call"): the payment endpoint only with a
 * valid {@code Payment-Signature}, every other {@code /api/**} call only with a storefront bearer
 * token; health, info, Prometheus metrics and the OpenAPI description are open. Anything else, and any
 * wrong or missing credential, gets a 401 problem.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfig {

    private static final RequestMatcher PAYMENT =
            PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.POST, "/api/orders/{id}/payment");

    /**
     * Spring Security would otherwise wrap each of its ~15 filters in an observation of its own on
     * every request: the largest single item in a profile of a cold start under load, and still 2-3%
     * of a request thread's CPU with those observations disabled by property (the wrapping stays).
     * {@code http.server.requests} is unaffected.
     */
    @Bean
    SecurityObservationSettings noFilterObservations() {
        return SecurityObservationSettings.noObservations();
    }

    @Bean
    SecurityFilterChain api(HttpSecurity http, OrdersProperties properties, ReplayGuard replays, JsonMapper json)
            throws Exception {
        var payments = new PaymentSignatureFilter(
                PAYMENT,
                new PaymentSignature(properties.paymentSecrets(), properties.paymentSignatureTolerance()),
                replays,
                Clock.systemUTC());
        http.csrf(csrf -> csrf.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .httpBasic(basic -> basic.disable())
                .formLogin(form -> form.disable())
                .logout(logout -> logout.disable())
                .requestCache(cache -> cache.disable())
                .addFilterBefore(new StorefrontTokenFilter(properties.storefrontTokens()), AuthorizationFilter.class)
                .addFilterBefore(payments, AuthorizationFilter.class)
                .authorizeHttpRequests(requests -> requests.requestMatchers(PAYMENT)
                        .hasRole(Roles.PAYMENT_PROVIDER)
                        .requestMatchers("/api/**")
                        .hasRole(Roles.STOREFRONT)
                        .requestMatchers(
                                "/actuator/health", "/actuator/health/**", "/actuator/info", "/actuator/prometheus")
                        .permitAll()
                        .requestMatchers("/v3/api-docs", "/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**")
                        .permitAll()
                        .requestMatchers("/error")
                        .permitAll()
                        .anyRequest()
                        .denyAll())
                .exceptionHandling(errors -> errors.authenticationEntryPoint(
                                (request, response, e) -> unauthorized(request, response, json))
                        .accessDeniedHandler((request, response, e) -> unauthorized(request, response, json)));
        return http.build();
    }

    private static void unauthorized(HttpServletRequest request, HttpServletResponse response, JsonMapper json)
            throws IOException {
        boolean payment = PAYMENT.matches(request);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(
                org.springframework.http.HttpStatus.UNAUTHORIZED,
                payment
                        ? "Sign the request: Payment-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<raw body>\">, within 300 s; one signature per order and body"
                        : "Send Authorization: Bearer <storefront token>");
        problem.setType(java.net.URI.create("https://github.com/order-expiry/problems/unauthorized"));
        problem.setTitle("Unauthorized");
        problem.setInstance(java.net.URI.create(request.getRequestURI()));
        response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        response.setHeader("WWW-Authenticate", payment ? "Payment-Signature" : "Bearer");
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(response.getOutputStream(), problem);
    }
}
