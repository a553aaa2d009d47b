package com.example.orders.security;

import com.example.orders.OrdersProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The local quick start (run-local.sh, docker compose) uses well-known development credentials; say
 * so loudly at start, with the values, so a developer can call the API and nobody ships them unaware.
 */
@Component
class DevelopmentCredentialsWarning {

    static final String DEV_TOKEN = "dev-storefront-token";
    static final String DEV_SECRET = "dev-payment-secret";

    private static final Logger log = LoggerFactory.getLogger(DevelopmentCredentialsWarning.class);

    private final OrdersProperties properties;

    DevelopmentCredentialsWarning(OrdersProperties properties) {
        this.properties = properties;
    }

    @EventListener(ApplicationReadyEvent.class)
    void warn() {
        if (properties.storefrontTokens().contains(DEV_TOKEN)) {
            log.warn("Development storefront token in use: Authorization: Bearer {} (never in production)", DEV_TOKEN);
        }
        if (properties.paymentSecrets().contains(DEV_SECRET)) {
            log.warn("Development payment secret in use: {} (never in production)", DEV_SECRET);
        }
    }
}
