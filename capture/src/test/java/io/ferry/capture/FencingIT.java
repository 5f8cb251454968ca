package io.ferry.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ferry.core.event.ChangeEvent;
import io.ferry.core.event.TableId;
import io.ferry.core.topic.TopicNames;
import io.ferry.devstack.KafkaService;
import io.ferry.devstack.PostgresService;
import io.ferry.devstack.Service;
import io.ferry.devstack.junit.WithServices;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A second capture of the same source fences the first: the old one can no longer write. */
@WithServices({Service.POSTGRES, Service.KAFKA})
class FencingIT {

    @Test
    void theNewerCaptureFencesTheOlderAndTakesOver(PostgresService pg, KafkaService kafka) throws Exception {
        pg.createDatabase("capture_fence");
        try (Connection c = pg.connect("capture_fence"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE items (id int PRIMARY KEY)");
            s.execute("INSERT INTO items VALUES (1)");
        }
        CaptureSettings settings = TestSources.postgres("pg-fence", pg, "capture_fence", kafka, "public.items");
        String topic = new TopicNames("pg-fence").change(TableId.parse("public.items"));
        try (Capture old = Capture.start(settings, null);
                TopicReader reader = new TopicReader(kafka.bootstrapServers(), topic)) {
            reader.until(r -> r.stream().anyMatch(TopicReader.Received::heartbeat));
            try (Capture newer = Capture.start(settings, null)) {
                // the old capture's next transaction (a heartbeat at the latest) is refused
                await().atMost(Duration.ofSeconds(60)).until(() -> old.state() == Capture.State.FENCED);
                assertThat(old.lastFailure()).hasValueSatisfying(e -> assertThat(e).hasMessageContaining("fenced"));
                try (Connection c = pg.connect("capture_fence"); Statement s = c.createStatement()) {
                    s.execute("INSERT INTO items VALUES (2)");
                }
                // the newer one takes the slot once the old one let go, and carries on
                reader.until(r -> reader.rows().stream().anyMatch(e -> e.key().get("id").asInt() == 2));
                assertThat(newer.state()).isEqualTo(Capture.State.RUNNING);
                // a fenced capture's engine has stopped already: closing it has nothing to wait for
                long began = System.nanoTime();
                old.close();
                assertThat((System.nanoTime() - began) / 1e9).as("seconds to close the fenced capture").isLessThan(30);
            }
        }
    }
}
