package io.ferry.core.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Properties;

/**
 * Bounds on a JDBC connection's connect and on each wait for the server's answer, for pgjdbc and MariaDB's driver.
 * Without them a server that stops answering (a host gone without closing its sockets, a network partition) holds the
 * calling thread for ever: both drivers wait without limit by default. pgjdbc takes seconds (whole, at least one),
 * MariaDB's driver milliseconds. A bound the URL sets itself is left to it.
 */
public final class JdbcTimeouts {

    private JdbcTimeouts() {
    }

    /**
     * @param connect how long opening a connection may take, the handshake and login included
     * @param read how long one wait for the server's answer may take; a statement running longer fails and its connection
     *        is closed
     * @return {@code properties} with the bounds added
     */
    public static Properties bound(Properties properties, String url, Duration connect, Duration read) {
        String lower = url.toLowerCase(Locale.ROOT);
        boolean postgres = lower.startsWith("jdbc:postgresql:");
        long connectValue = postgres ? Math.max(1, connect.toSeconds()) : Math.max(1, connect.toMillis());
        long readValue = postgres ? Math.max(1, read.toSeconds()) : Math.max(1, read.toMillis());
        setUnlessInUrl(properties, lower, "connectTimeout", connectValue);
        if (postgres) {
            setUnlessInUrl(properties, lower, "loginTimeout", connectValue);
        }
        setUnlessInUrl(properties, lower, "socketTimeout", readValue);
        if (postgres) {
            // a peer gone without a word is also found by the system's TCP keepalive (MariaDB's driver has it on already)
            setUnlessInUrl(properties, lower, "tcpKeepAlive", "true");
        }
        return properties;
    }

    private static void setUnlessInUrl(Properties properties, String lowerUrl, String key, Object value) {
        if (!lowerUrl.contains(key.toLowerCase(Locale.ROOT) + "=")) {
            properties.setProperty(key, String.valueOf(value));
        }
    }
}
