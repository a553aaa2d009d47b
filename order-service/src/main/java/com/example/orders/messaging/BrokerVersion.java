package com.example.orders.messaging;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the broker's version (the {@code version} server property it sends when a connection opens)
 * says about the delayed-message-exchange plugin: RabbitMQ 4.3 removed the storage the plugin keeps
 * its messages in, and refuses every build of it, so from 4.3 on the plugin cannot be there.
 */
final class BrokerVersion {

    private static final Pattern MAJOR_MINOR = Pattern.compile("^(\\d{1,6})\\.(\\d{1,6})");

    private BrokerVersion() {}

    /**
     * True when a broker of this version cannot have the plugin (RabbitMQ 4.3 or later); false when it
     * may have it, or when the version is missing or not of the form {@code major.minor...}: then only
     * asking the broker tells.
     */
    static boolean cannotHaveThePlugin(Object version) {
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
