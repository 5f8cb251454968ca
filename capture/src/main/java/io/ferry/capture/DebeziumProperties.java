package io.ferry.capture;

import io.ferry.capture.publish.ClosingKafkaOffsetStore;
import io.ferry.capture.source.SourceDialect;
import io.ferry.core.event.TableId;
import io.ferry.core.topic.TopicNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Debezium's configuration for one capture, built at the boundary from typed settings. Values land in
 * the canonical forms with: decimals as strings (exact, NaN kept), microsecond time types, bytes as bytes,
 * intervals as ISO strings, the source's column types propagated, no tombstones.
 */
final class DebeziumProperties {

    /** The topic Debezium's notifications name (BatchHandler reads and drops them; nothing is written to it). */
    static final String NOTIFICATIONS = "__ferry-debezium-notifications";

    private DebeziumProperties() {
    }

    static Properties of(CaptureSettings settings, SourceDialect dialect) {
        TopicNames names = settings.layout().names();
        Properties p = new Properties();
        p.putAll(dialect.debeziumProperties(settings.pipeline()));
        p.put("name", StoredOffsets.engineName(settings.pipeline()));
        p.put("topic.prefix", settings.pipeline());

        List<String> include = new ArrayList<>();
        // the patterns, but not for tables that are not tables of their own (PostgreSQL's partitions, whose changes come as
        // their partitioned table's: Debezium would snapshot them too, and their rows would come twice), nor for another
        // role's tables outside the publication, which Debezium's start may not add to it
        String not = dialect.notTables().stream().map(DebeziumProperties::escaped).distinct().sorted()
                .collect(java.util.stream.Collectors.joining("|"));
        for (String pattern : settings.source().tables()) {
            include.add(not.isEmpty() ? pattern : "(?!(?:" + not + ")$)(?:" + pattern + ")");
        }
        if (!settings.source().readOnly()) {
            include.add(escaped(dialect.heartbeatTable()));
            include.add(escaped(dialect.signalTable()));
            p.put("signal.data.collection", dialect.signalTable().toString());
            p.put("signal.enabled.channels", "source");
            // Debezium's notifications in the record stream, at their place among the rows: whether an incremental
            // snapshot read a table to its end, or skipped or stopped it (IncrementalRuns). Never published.
            p.put("notification.enabled.channels", "sink");
            p.put("notification.sink.topic.name", NOTIFICATIONS);
        } else {
            // No heartbeat table: Debezium's own heartbeats give the weaker, source-side lag.
            p.put("heartbeat.interval.ms", Long.toString(settings.source().heartbeatInterval().toMillis()));
        }
        p.put("table.include.list", String.join(",", include));
        if (!settings.copied().isEmpty()) {
            // The sinks copy these tables themselves (transform.bulk_copy). One row each is enough for the schema, which
            // capture publishes with a table's first change and from which the sinks' target tables are shaped.
            List<String> overridden = new ArrayList<>();
            for (TableId t : settings.copied()) {
                overridden.add(t.toString());
                p.put("snapshot.select.statement.overrides." + t, "SELECT * FROM " + quoted(t) + " LIMIT 1");
            }
            p.put("snapshot.select.statement.overrides", String.join(",", overridden));
        }

        p.put("offset.storage", ClosingKafkaOffsetStore.class.getName());
        p.put("offset.storage.topic", names.captureOffsets());
        p.put("offset.storage.partitions", "1");
        p.put("offset.storage.replication.factor", settings.kafka().replicationFactor().map(String::valueOf).orElse("-1"));
        p.put("offset.flush.interval.ms", "1000");
        p.put("bootstrap.servers", settings.bootstrapServers());
        p.putAll(settings.kafka().properties());
        // Commits by time, not by record counts: BatchHandler tells the committer only each batch's last record per
        // source partition (the offsets are the same), so a count-based policy would see fewer records than there were.
        p.put("offset.commit.policy", io.debezium.engine.spi.OffsetCommitPolicy.PeriodicCommitOffsetPolicy.class.getName());

        p.put("schema.history.internal", "io.debezium.storage.kafka.history.KafkaSchemaHistory");
        p.put("schema.history.internal.kafka.topic", names.schemaHistory());
        p.put("schema.history.internal.kafka.bootstrap.servers", settings.bootstrapServers());
        for (Map.Entry<String, String> e : settings.kafka().properties().entrySet()) {
            p.put("schema.history.internal.producer." + e.getKey(), e.getValue());
            p.put("schema.history.internal.consumer." + e.getKey(), e.getValue());
        }

        p.put("decimal.handling.mode", "string");
        p.put("time.precision.mode", "adaptive_time_microseconds");
        p.put("binary.handling.mode", "bytes");
        p.put("tombstones.on.delete", "false");
        // TRUNCATE as a record (Debezium skips it by default): capture turns it into an empty snapshot run of the table,
        // whose end makes transform delete the table's rows written before it (BatchHandler)
        p.put("skipped.operations", "none");
        p.put("column.propagate.source.type", ".*");
        // A binlog's DDL as a record of its own, at its place in the log: a foreign key added or dropped changes no
        // column, so no row shows it (BatchHandler reads the table's facts again). PostgreSQL's log carries no DDL. On
        // MariaDB it also keeps column comments in the schema history (Connect's field doc, which Ferry does not read).
        p.put("include.schema.changes", Boolean.toString(dialect.seesNewTablesWhileRunning()));
        // Each change's place within its transaction (total_order), kept in Debezium's offsets across restarts.
        p.put("provide.transaction.metadata", "true");
        // Debezium polls its queue every poll.interval.ms (500 by default): that is a floor on latency.
        p.put("poll.interval.ms", "50");
        p.put("max.batch.size", "2048");
        p.put("max.queue.size", "8192");
        return p;
    }

    /**
     * A table's name as a regular expression that matches it alone: every character but letters, digits and {@code _}
     * escaped (a backslash may stand before any of them; Debezium splits its lists at unescaped commas and unescapes
     * {@code \,}).
     */
    static String escaped(TableId table) {
        StringBuilder out = new StringBuilder();
        for (char ch : table.toString().toCharArray()) {
            if (!Character.isLetterOrDigit(ch) && ch != '_') {
                out.append('\\');
            }
            out.append(ch);
        }
        return out.toString();
    }

    private static String quoted(TableId t) {
        return "\"" + t.namespace().replace("\"", "\"\"") + "\".\"" + t.name().replace("\"", "\"\"") + "\"";
    }
}
