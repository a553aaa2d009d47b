package com.example.orders;

import com.example.orders.contracts.DelayTransport;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code ORDERS_DELAY_TRANSPORT}, the setting both services read: on {@code auto} or {@code quorum-delay}
 * the worker parks waiting messages in the work queue where the broker can (RabbitMQ 4.3+); otherwise it
 * sends them round the delay cascade, which every RabbitMQ has.
 */
@ConfigurationProperties("orders")
public record DelayTransportProperties(@DefaultValue("auto") DelayTransport delayTransport) {}
