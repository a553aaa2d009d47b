package com.example.orders;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;

// No user accounts: callers prove themselves with a bearer token or a request signature (security/).
@SpringBootApplication(exclude = UserDetailsServiceAutoConfiguration.class)
@ConfigurationPropertiesScan
public class OrderServiceApplication {

    // JSON bodies are limited to 1 MB: spring.jackson.factory.constraints.read in application.yml.
    public static void main(String[] args) {
        SpringApplication.run(OrderServiceApplication.class, args);
    }
}
