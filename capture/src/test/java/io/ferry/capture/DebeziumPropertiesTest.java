package io.ferry.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.capture.source.SourceDialect;
import io.ferry.core.config.KafkaSettings;
import io.ferry.core.config.Secret;
import io.ferry.core.config.SourceSettings;
import io.ferry.core.event.TableId;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class DebeziumPropertiesTest {

    private static CaptureSettings settings(boolean readOnly) {
        SourceSettings source = new SourceSettings("postgres", "db", 5432, "shop", "ferry", Optional.of(new Secret("pw")),
                List.of("public.users", "public.orders_\\d+"), ZoneId.of("UTC"), readOnly, "initial", "ferry_shop", "ferry_shop", 5400,
                Duration.ofSeconds(5), "ferry");
        return new CaptureSettings("shop", source, new KafkaSettings(Optional.of("k:9092"), 6, Optional.of((short) 3),
                Optional.empty(), Map.of("security.protocol", "SSL",
                "offset.commit.policy", "com.example.CountingPolicy")), "k:9092");
    }

    @Test
    void offsetsAndHistoryLiveInKafkaAndValuesAreLossless() {
        Properties p = DebeziumProperties.of(settings(false), SourceDialect.of(settings(false).source()));
        assertThat(p).containsEntry("offset.storage", "io.ferry.capture.publish.ClosingKafkaOffsetStore")
                .containsEntry("offset.storage.topic", "ferry.shop.capture-offsets")
                .containsEntry("offset.storage.replication.factor", "3")
                .containsEntry("schema.history.internal.kafka.topic", "ferry.shop.schema-history")
                .containsEntry("schema.history.internal.producer.security.protocol", "SSL")
                .containsEntry("security.protocol", "SSL")
                .containsEntry("decimal.handling.mode", "string")
                .containsEntry("time.precision.mode", "adaptive_time_microseconds")
                .containsEntry("tombstones.on.delete", "false")
                .containsEntry("include.schema.changes", "false") // pgoutput carries no DDL; a binlog's is read (MariaDbCaptureIT)
                .containsEntry("plugin.name", "pgoutput")
                .containsEntry("slot.name", "ferry_shop")
                .containsEntry("database.password", "pw")
                // BatchHandler marks only each batch's last record per partition: the policy must not count records
                .containsEntry("offset.commit.policy", "io.debezium.engine.spi.OffsetCommitPolicy$PeriodicCommitOffsetPolicy");
        assertThat(p.getProperty("table.include.list")).isEqualTo("public.users,public.orders_\\d+,ferry\\.heartbeat,ferry\\.debezium_signal");
        assertThat(p).containsEntry("signal.data.collection", "ferry.debezium_signal").doesNotContainKey("heartbeat.interval.ms");
        // truncates become records (capture bounds them as a run that reads nothing); notifications come in the record
        // stream, where capture learns whether an incremental snapshot read a table to its end
        assertThat(p).containsEntry("skipped.operations", "none").containsEntry("notification.enabled.channels", "sink")
                .containsEntry("notification.sink.topic.name", DebeziumProperties.NOTIFICATIONS);
    }

    /**
     * PostgreSQL's partitions are not tables of their own (their changes come as their partitioned table's): each pattern
     * leaves out the partitions the preflight found, as Debezium reads the list (split at unescaped commas, each entry
     * matched whole and case-insensitively), however odd their names.
     */
    @Test
    void thePatternsLeaveOutThePartitionsPreflightFound() {
        CaptureSettings base = settings(false);
        SourceSettings src = base.source();
        CaptureSettings s = new CaptureSettings(base.pipeline(), new SourceSettings(src.type(), src.host(), src.port(), src.database(),
                src.user(), src.password(), List.of("public\\..*"), src.timeZone(), false, src.snapshot(), src.slot(), src.publication(),
                src.serverId(), src.heartbeatInterval(), src.heartbeatSchema()), base.kafka(), base.bootstrapServers());
        SourceDialect pg = SourceDialect.of(s.source());
        SourceDialect withPartitions = (SourceDialect) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {SourceDialect.class}, (proxy, method, args) -> method.getName().equals("notTables")
                        ? List.of(TableId.parse("public.orders_1"), TableId.parse("public.orders_$2,x(y"))
                        : method.invoke(pg, args));
        String list = DebeziumProperties.of(s, withPartitions).getProperty("table.include.list");
        java.util.Set<java.util.regex.Pattern> patterns = io.debezium.util.Strings.setOfRegex(list, java.util.regex.Pattern.CASE_INSENSITIVE);
        java.util.function.Predicate<String> included = t -> patterns.stream().anyMatch(p -> p.matcher(t).matches());
        assertThat(included).accepts("public.users", "public.orders_3", "public.orders_12", "PUBLIC.Orders_3", "ferry.heartbeat",
                "ferry.debezium_signal").rejects("public.orders_1", "public.orders_$2,x(y", "PUBLIC.ORDERS_1", "shop.users");
    }

    @Test
    void aBinlogSourceReportsItsDdl() {
        CaptureSettings pg = settings(false);
        SourceSettings maria = new SourceSettings("mariadb", "db", 3306, "shop", "ferry", Optional.of(new Secret("pw")),
                List.of("shop\\..*"), ZoneId.of("UTC"), false, "initial", "ferry_shop", "ferry_shop", 5400, Duration.ofSeconds(5), "ferry");
        CaptureSettings binlog = new CaptureSettings(pg.pipeline(), maria, pg.kafka(), pg.bootstrapServers());
        assertThat(DebeziumProperties.of(binlog, SourceDialect.of(maria))).containsEntry("include.schema.changes", "true");
    }

    @Test
    void tablesTheSinksCopyAreSnapshottedOneRowEachForTheirSchema() {
        CaptureSettings base = settings(false);
        CaptureSettings copying = new CaptureSettings(base.pipeline(), base.source(), base.kafka(), base.bootstrapServers(),
                java.util.Set.of(TableId.parse("public.users")), java.util.Set.of(TableId.parse("public.users")));
        Properties p = DebeziumProperties.of(copying, SourceDialect.of(copying.source()));
        assertThat(p).containsEntry("snapshot.select.statement.overrides", "public.users")
                .containsEntry("snapshot.select.statement.overrides.public.users", "SELECT * FROM \"public\".\"users\" LIMIT 1");
        assertThat(DebeziumProperties.of(base, SourceDialect.of(base.source()))).doesNotContainKey("snapshot.select.statement.overrides");
    }

    @Test
    void aReadOnlySourceGetsNoFootprintAndDebeziumsHeartbeats() {
        Properties p = DebeziumProperties.of(settings(true), SourceDialect.of(settings(true).source()));
        assertThat(p.getProperty("table.include.list")).isEqualTo("public.users,public.orders_\\d+");
        assertThat(p).containsEntry("heartbeat.interval.ms", "5000").doesNotContainKey("signal.data.collection")
                .doesNotContainKey("notification.enabled.channels");
    }

    @Test
    void tablePatternsSelectAndReportWhatMatchesNothing() {
        var all = List.of(TableId.parse("public.users"), TableId.parse("public.orders_1"), TableId.parse("public.orders_22"),
                TableId.parse("audit.users"));
        var selection = SourceDialect.select(List.of("public.users", "public\\.orders_\\d+", "public.nope"), all);
        assertThat(selection.tables()).containsExactly(TableId.parse("public.users"), TableId.parse("public.orders_1"),
                TableId.parse("public.orders_22"));
        assertThat(selection.unmatched()).containsExactly("public.nope");
    }
}
