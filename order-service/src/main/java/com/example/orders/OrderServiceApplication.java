package com.example.orders;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;
import tools.jackson.core.StreamReadConstraints;

// No user accounts: callers prove themselves with a bearer token or a request signature (security/).
@SpringBootApplication(exclude = UserDetailsServiceAutoConfiguration.class)
@ConfigurationPropertiesScan
public class OrderServiceApplication {

    /** No body of this API comes near it (an order of 100 lines is ~10 KB). */
    static final long MAX_JSON_BODY_BYTES = 1_000_000;

    public static void main(String[] args) {
        // Jackson 3 reads documents of any length and strings of up to 100M chars by default: one
        // huge JSON string in a request exhausted the heap (OutOfMemoryError, a 500). Now it is a 400.
        StreamReadConstraints.overrideDefaultStreamReadConstraints(StreamReadConstraints.builder()
                .maxDocumentLength(MAX_JSON_BODY_BYTES)
                .build());
        SpringApplication.run(OrderServiceApplication.class, args);
    }
}
