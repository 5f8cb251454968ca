package io.ferry.app.bench;

import io.ferry.app.cli.Ferry;
import org.apache.kafka.common.utils.AppInfoParser;

/** The versions the report names: Ferry's, and the Kafka and Debezium both Ferry and the peer are built on. */
final class Versions {

    private Versions() {
    }

    static String ferry() {
        String v = Ferry.class.getPackage().getImplementationVersion();
        return v == null ? "(built from source)" : v;
    }

    static String kafka() {
        return AppInfoParser.getVersion();
    }

    static String debezium() {
        return io.debezium.connector.postgresql.Module.version();
    }
}
