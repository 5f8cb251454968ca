package io.ferry.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.config.KafkaSettings;
import io.ferry.core.config.Secret;
import io.ferry.core.config.SourceSettings;
import io.ferry.devstack.KafkaService;
import io.ferry.devstack.MysqlService;
import io.ferry.devstack.PostgresService;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/** Capture settings pointing at devstack's servers. */
final class TestSources {

    private TestSources() {
    }

    static KafkaSettings kafka() {
        return new KafkaSettings(Optional.empty(), 3, Optional.empty(), Optional.empty(), Map.of());
    }

    static CaptureSettings postgres(String pipeline, PostgresService pg, String database, KafkaService kafka, String... tables) {
        SourceSettings source = new SourceSettings("postgres", pg.host(), pg.port(), database, pg.user(),
                Optional.of(new Secret(pg.password())), List.of(tables), ZoneId.of("UTC"), false, "initial",
                "ferry_" + pipeline.replace('-', '_'), "ferry_" + pipeline.replace('-', '_'), 5400,
                Duration.ofMillis(500), "ferry");
        return new CaptureSettings(pipeline, source, kafka(), kafka.bootstrapServers());
    }

    static CaptureSettings mariadb(String pipeline, MysqlService db, String database, KafkaService kafka, int serverId,
            String... tables) {
        SourceSettings source = new SourceSettings("mariadb", db.host(), db.port(), database, db.user(),
                Optional.of(new Secret(db.password())), List.of(tables), ZoneId.of("UTC"), false, "initial", "", "", serverId,
                Duration.ofMillis(500), "ferry");
        return new CaptureSettings(pipeline, source, kafka(), kafka.bootstrapServers());
    }

    /**
     * Debezium's metrics name the last change's table in their JMX attribute {@code LastEvent} (Ferry's {@code LastEventSummary}),
     * not the summary Debezium renders as JSON with a Jackson mapper made per change.
     */
    static void assertLastEventIsATable(String pipeline) throws Exception {
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        for (String context : List.of("snapshot", "streaming")) {
            Set<ObjectName> names = jmx.queryNames(new ObjectName(
                    "debezium.*:type=connector-metrics,context=" + context + ",server=" + pipeline + ",*"), null);
            assertThat(names).as("Debezium's %s metrics of %s", context, pipeline).isNotEmpty();
            for (ObjectName name : names) {
                // Debezium's summary: "position: {...}, key: {...}, operation: ..."; a binlog reader's own events set theirs
                assertThat(String.valueOf(jmx.getAttribute(name, "LastEvent"))).as("%s LastEvent", name).doesNotContain("position: {", "key: ");
            }
        }
    }
}
