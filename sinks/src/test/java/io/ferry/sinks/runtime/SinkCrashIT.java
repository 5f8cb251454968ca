package io.ferry.sinks.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.ferry.core.event.Row;
import io.ferry.core.event.SourceInfo;
import io.ferry.core.event.TargetEvent;
import io.ferry.core.event.TargetEventCodec;
import io.ferry.core.topic.TopicAdmin;
import io.ferry.core.topic.TopicLayout;
import io.ferry.core.topic.TopicNames;
import io.ferry.devstack.KafkaService;
import io.ferry.devstack.PostgresService;
import io.ferry.devstack.Service;
import io.ferry.devstack.junit.ChildJvm;
import io.ferry.devstack.junit.WithServices;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** Killing a sink process mid-batch and starting another leaves the target exactly as a run without the kill. */
@WithServices({Service.POSTGRES, Service.KAFKA})
class SinkCrashIT {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final int KEYS = 2_000;
    private static final int CHANGES = 30_000;

    @Test
    void aSinkKilledMidBatchEndsIdenticalToAnUninterruptedRun(PostgresService pg, KafkaService kafka) throws Exception {
        pg.createDatabase("sink_crash");
        String pipeline = "sink-crash";
        TopicNames names = new TopicNames(pipeline);
        TopicLayout layout = new TopicLayout(names, 3, Optional.empty(), Optional.empty());
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            List<io.ferry.core.topic.TopicSpec> specs = new ArrayList<>(layout.pipelineTopics());
            specs.add(layout.target("pg", "accounts"));
            TopicAdmin.ensure(admin, specs);
        }
        // The expected final state: the last change of each key (a delete removes it).
        Map<Integer, String> expected = new TreeMap<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int n = 1; n <= CHANGES; n++) {
                int id = (int) ((n * 7919L) % KEYS) + 1;
                Row key = Row.builder().put("id", F.numberNode(id)).build();
                SourceInfo source = new SourceInfo("src", "0/" + n, n, null, 1_700_000_000_000_000L + n, false);
                TargetEvent e;
                if (n % 13 == 0) {
                    e = new TargetEvent.Delete("accounts", key, source);
                    expected.remove(id);
                } else {
                    String balance = (n % 100_000) + ".25";
                    e = new TargetEvent.Upsert("accounts", key, key.with("balance", F.textNode(balance)).with("note", F.textNode("n" + n)), source);
                    expected.put(id, balance + "|n" + n);
                }
                producer.send(new ProducerRecord<>(names.target("pg", "accounts"), TargetEventCodec.key(e, 0), TargetEventCodec.value(e)));
            }
        }
        String url = pg.jdbcUrl("sink_crash");
        Process first = launch(pipeline, url, kafka);
        try {
            await().atMost(Duration.ofSeconds(120)).until(() -> rows(pg) > 300);
            first.destroyForcibly(); // SIGKILL, mid-stream: the batch in hand is written but not committed
            first.waitFor(30, TimeUnit.SECONDS);
        } finally {
            first.destroyForcibly();
        }
        Process second = launch(pipeline, url, kafka);
        try {
            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1)).until(() -> state(pg).equals(expected));
        } finally {
            second.destroy();
            second.waitFor(60, TimeUnit.SECONDS);
        }
        assertThat(state(pg)).isEqualTo(expected);
    }

    private static int rows(PostgresService pg) throws Exception {
        try (Connection c = pg.connect("sink_crash"); ResultSet rs = c.createStatement().executeQuery(
                "SELECT count(*) FROM information_schema.tables WHERE table_name = 'accounts'")) {
            rs.next();
            if (rs.getInt(1) == 0) {
                return 0;
            }
        }
        try (Connection c = pg.connect("sink_crash"); ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM accounts")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static Map<Integer, String> state(PostgresService pg) throws Exception {
        Map<Integer, String> out = new TreeMap<>();
        if (rows(pg) == 0) {
            return out;
        }
        try (Connection c = pg.connect("sink_crash"); ResultSet rs = c.createStatement().executeQuery("SELECT id, balance, note FROM accounts")) {
            while (rs.next()) {
                out.put(rs.getInt(1), rs.getBigDecimal(2).toPlainString() + "|" + rs.getString(3));
            }
        }
        return out;
    }

    private static Process launch(String pipeline, String url, KafkaService kafka) {
        return ChildJvm.start(SinkProcess.class, "256m", "sinking", pipeline, url, kafka.bootstrapServers());
    }
}
