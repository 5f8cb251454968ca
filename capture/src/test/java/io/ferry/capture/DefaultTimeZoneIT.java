package io.ferry.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.event.ChangeEvent;
import io.ferry.core.event.TableId;
import io.ferry.core.topic.TopicNames;
import io.ferry.devstack.KafkaService;
import io.ferry.devstack.PostgresService;
import io.ferry.devstack.Service;
import io.ferry.devstack.junit.WithServices;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import java.util.TimeZone;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A host whose time zone has summer time: Debezium's snapshot reads a {@code timestamp} through the JVM's default zone,
 * and a time in its spring-forward gap ({@code 2024-03-31 02:30} in Berlin) came out an hour later in every target,
 * while streaming gave it right (so a re-snapshot could not repair it either).
 */
@WithServices({Service.POSTGRES, Service.KAFKA})
class DefaultTimeZoneIT {

    @Test
    void aTimestampInTheHostZonesSummerTimeGapIsCapturedAsItIs(PostgresService pg, KafkaService kafka) throws Exception {
        TimeZone before = TimeZone.getDefault();
        TimeZone.setDefault(TimeZone.getTimeZone("Europe/Berlin"));
        try {
            pg.createDatabase("capture_zone");
            try (Connection c = pg.connect("capture_zone"); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE moments (id int PRIMARY KEY, at timestamp)");
                s.execute("INSERT INTO moments VALUES (1, '2024-03-31 02:30:00'), (2, '2024-10-27 02:30:00.5')");
            }
            CaptureSettings settings = TestSources.postgres("pg-zone", pg, "capture_zone", kafka, "public.moments");
            try (Capture capture = Capture.start(settings, null);
                    TopicReader reader = new TopicReader(kafka.bootstrapServers(), new TopicNames("pg-zone").change(TableId.parse("public.moments")))) {
                reader.until(r -> reader.rows().size() >= 2);
                try (Connection c = pg.connect("capture_zone"); Statement s = c.createStatement()) {
                    s.execute("INSERT INTO moments VALUES (3, '2024-03-31 02:45:00')");
                }
                reader.until(r -> reader.rows().size() >= 3);
                Map<String, String> at = reader.rows().stream().collect(Collectors.toMap(r -> r.key().get("id").asText(),
                        r -> r.after().get("at").asText(), (a, b) -> b));
                assertThat(at).containsEntry("1", "2024-03-31T02:30:00.000000").containsEntry("2", "2024-10-27T02:30:00.500000")
                        .containsEntry("3", "2024-03-31T02:45:00.000000");
                assertThat(reader.rows().stream().filter(r -> r.op() == ChangeEvent.Op.READ).count()).as("snapshot rows").isEqualTo(2);
            }
        } finally {
            TimeZone.setDefault(before);
        }
    }
}
