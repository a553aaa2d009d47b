package com.example.orders.delay;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the broker's version (the {@code version} server property it sends when a connection opens)
 * says about the ways of delaying: from RabbitMQ 4.3 on, quorum queues park a message until a given
 * time ({@link ParkedTransport}), and the delayed-message-exchange plugin cannot be there (4.3 removed
 * the storage it keeps its messages in, and refuses every build of it).
 */
public final class BrokerVersion {

    private static final Pattern MAJOR_MINOR = Pattern.compile("^(\\d{1,6})\\.(\\d{1,6})");

    private BrokerVersion() {}

    /**
     * True for RabbitMQ 4.3 or later (it parks messages, and has no plugin); false for an older one, or
     * when the version is missing or not of the form {@code major.minor...}: then only asking the broker
     * tells.
     */
    public static boolean isRabbitMq43OrLater(Object version) {
        if (version == null) {
            return false;
        }
        Matcher m = MAJOR_MINOR.matcher(version.toString().trim());
        if (!m.find()) {
            return false;
        }
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        return major > 4 || (major == 4 && minor >= 3);
    }
}
