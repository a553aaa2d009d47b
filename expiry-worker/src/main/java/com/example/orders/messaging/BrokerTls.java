package com.example.orders.messaging;

import com.rabbitmq.client.amqp.ConnectionBuilder;
import javax.net.ssl.SSLContext;
import org.springframework.boot.amqp.autoconfigure.RabbitConnectionDetails;
import org.springframework.boot.amqp.autoconfigure.RabbitProperties;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.jks.JksSslStoreBundle;
import org.springframework.boot.ssl.jks.JksSslStoreDetails;

/**
 * TLS for the worker's AMQP 1.0 connection ({@code quorum-delay}), from the same {@code spring.rabbitmq.ssl.*}
 * settings Spring Boot gives the 0-9-1 connection, so that both reach the broker the same way: an SSL
 * bundle ({@code spring.rabbitmq.ssl.bundle}) as it is; else the key and trust stores
 * ({@code key-store}, {@code trust-store}, their types and passwords; without a trust store, the
 * JVM's), made into a bundle by Spring Boot's own {@link JksSslStoreBundle}; {@code
 * validate-server-certificate: false} trusts any certificate (and then offers no client certificate
 * of its own), and {@code verify-hostname} is kept. Built at start: a store that cannot be read stops
 * the worker there, as it stops the 0-9-1 connection.
 * TLS is on where Boot turns it on for 0-9-1: {@code enabled: true}, a bundle, or {@code amqps://}
 * addresses.
 */
public record BrokerTls(SSLContext context, boolean trustEverything, boolean verifyHostname) {

    /** The settings, or null where the broker is reached without TLS. */
    public static BrokerTls of(RabbitProperties properties, RabbitConnectionDetails broker) {
        RabbitProperties.Ssl ssl = properties.getSsl();
        if (!ssl.determineEnabled()) {
            return null;
        }
        if (!ssl.isValidateServerCertificate()) {
            return new BrokerTls(null, true, false);
        }
        SslBundle bundle = broker.getSslBundle();
        if (bundle == null) {
            bundle = SslBundle.of(
                    new JksSslStoreBundle(
                            store(ssl.getKeyStore(), ssl.getKeyStoreType(), ssl.getKeyStorePassword()),
                            store(ssl.getTrustStore(), ssl.getTrustStoreType(), ssl.getTrustStorePassword())),
                    null,
                    null,
                    ssl.getAlgorithm() == null ? SslBundle.DEFAULT_PROTOCOL : ssl.getAlgorithm());
        }
        return new BrokerTls(bundle.createSslContext(), false, ssl.isVerifyHostname());
    }

    private static JksSslStoreDetails store(String location, String type, String password) {
        return location == null ? null : new JksSslStoreDetails(type, null, location, password);
    }

    /** The URI scheme for these settings' addresses. */
    public static String scheme(BrokerTls tls) {
        return tls == null ? "amqp" : "amqps";
    }

    /** {@code builder} over TLS with these settings. */
    public ConnectionBuilder applyTo(ConnectionBuilder builder) {
        var settings = builder.tls();
        if (trustEverything) {
            settings.trustEverything();
        } else {
            settings.sslContext(context).hostnameVerification(verifyHostname);
        }
        return builder;
    }
}
