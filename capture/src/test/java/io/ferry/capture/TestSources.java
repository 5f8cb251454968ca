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
import org.awaitility.Awaitility;

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
     * Capture replaced Debezium's per-change summary ({@code LastEventSummary}); on PostgreSQL, the streaming metrics' JMX
     * attribute {@code LastEvent} after a streamed change is then a table's id, not the summary Debezium renders as JSON with
     * a Jackson mapper made per change ("position: {...}, key: {...}, ..."). (A binlog connector's streaming metrics show
     * their binlog client's own statistics there, and the snapshot's may hold a row read before the replacement: the
     * snapshot begins inside the task's start.)
     */
    static void assertLastEventSummaryReplaced(Capture capture, String pipeline, boolean streamingAttribute) throws Exception {
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(
                () -> assertThat(capture.lastEventSummary().status()).as(capture.lastEventSummary().detail())
                        .isEqualTo(LastEventSummary.Outcome.Status.REPLACED));
        if (!streamingAttribute) {
            return;
        }
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        Set<ObjectName> names = jmx.queryNames(new ObjectName("debezium.*:type=connector-metrics,context=streaming,server=" + pipeline + ",*"),
                null);
        assertThat(names).as("Debezium's streaming metrics of %s", pipeline).isNotEmpty();
        for (ObjectName name : names) {
            assertThat(String.valueOf(jmx.getAttribute(name, "LastEvent"))).as("%s LastEvent", name).isNotEmpty()
                    .doesNotContain("position: {", "key: ");
        }
    }

    /** The same settings, connecting as another user (any password: devstack's server trusts local connections). */
    static CaptureSettings asUser(CaptureSettings base, String user) {
        SourceSettings s = base.source();
        SourceSettings other = new SourceSettings(s.type(), s.host(), s.port(), s.database(), user, Optional.of(new Secret("x")),
                s.tables(), s.timeZone(), s.readOnly(), s.snapshot(), s.slot(), s.publication(), s.serverId(), s.heartbeatInterval(),
                s.heartbeatSchema());
        return new CaptureSettings(base.pipeline(), other, base.kafka(), base.bootstrapServers());
    }
}
