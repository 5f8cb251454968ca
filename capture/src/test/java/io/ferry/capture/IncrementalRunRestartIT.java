package io.ferry.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.event.ChangeEvent;
import io.ferry.core.event.Marker;
import io.ferry.core.event.TableId;
import io.ferry.core.topic.TopicNames;
import io.ferry.devstack.KafkaService;
import io.ferry.devstack.PostgresService;
import io.ferry.devstack.Service;
import io.ferry.devstack.junit.WithServices;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A re-snapshot that a restart interrupts in the middle of its table: Debezium resumes it from its stored offsets after
 * the last chunk it read, so the rows read before the restart are not the resumed read's. A run bounded from the restart
 * on would end with a sweep of every row read before it (the worst outcome: rows the source has deleted from the
 * targets). Capture leaves such a read unbounded: the run begun before the restart never ends, and nothing is swept.
 */
@WithServices({Service.POSTGRES, Service.KAFKA})
class IncrementalRunRestartIT {

    private static final int ROWS = 200_000;

    @Test
    void aReSnapshotResumedInTheMiddleOfItsTableAfterARestartIsNotBounded(PostgresService pg, KafkaService kafka) throws Exception {
        pg.createDatabase("incr_restart");
        try (Connection c = pg.connect("incr_restart"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE big (id int PRIMARY KEY, v text NOT NULL)");
            s.execute("INSERT INTO big SELECT g, 'row ' || g FROM generate_series(1, " + ROWS + ") g");
        }
        CaptureSettings settings = TestSources.postgres("incr-restart", pg, "incr_restart", kafka, "public.big");
        TableId big = TableId.parse("public.big");
        TopicNames names = new TopicNames("incr-restart");
        try (Capture capture = Capture.start(settings, null);
                TopicReader reader = new TopicReader(kafka.bootstrapServers(), names.change(big))) {
            // the initial snapshot's end on every partition, and streaming under way
            reader.until(r -> r.stream().anyMatch(TopicReader.Received::heartbeat)
                    && bounds(r, Marker.Kind.SNAPSHOT_END).size() == partitions(r), java.time.Duration.ofMinutes(2));
            capture.resnapshot(List.of("public\\.big"));
            // stop in the middle of the incremental read
            reader.until(r -> reads(r) >= ROWS + 5_000);
        }
        List<TopicReader.Received> before;
        try (TopicReader reader = new TopicReader(kafka.bootstrapServers(), names.change(big))) {
            int[] polls = {0};
            before = reader.until(r -> reads(r) >= ROWS + 5_000 && polls[0]++ >= 25); // what the stopped capture wrote
        }
        try (Capture capture = Capture.start(settings, null);
                TopicReader reader = new TopicReader(kafka.bootstrapServers(), names.change(big))) {
            assertThat(reads(before)).as("the restart came in the middle of the re-snapshot").isLessThan(2L * ROWS);
            assertThat(bounds(before, Marker.Kind.SNAPSHOT_START).values()).as("the initial run's start and the re-snapshot's")
                    .allSatisfy(ids -> assertThat(ids).hasSize(2));
            // the resumed read goes on to the table's end
            List<TopicReader.Received> all = reader.until(r -> reads(r) >= 2L * ROWS
                    && capture.progress().tables().stream().allMatch(SnapshotProgress.TableProgress::done), java.time.Duration.ofMinutes(3));
            int[] polls = {0};
            all = reader.until(r -> polls[0]++ >= 15); // and a little longer, for an end that would follow
            assertThat(bounds(all, Marker.Kind.SNAPSHOT_START)).as("no new run for the resumed read").isEqualTo(bounds(before,
                    Marker.Kind.SNAPSHOT_START));
            assertThat(bounds(all, Marker.Kind.SNAPSHOT_END).values()).as("only the initial run ended: nothing read before the"
                    + " restart is swept").allSatisfy(ids -> assertThat(ids).hasSize(1));
        }
    }

    private static long reads(List<TopicReader.Received> received) {
        return received.stream().filter(x -> x.event() instanceof ChangeEvent.RowChange row && row.op() == ChangeEvent.Op.READ).count();
    }

    private static long partitions(List<TopicReader.Received> received) {
        return received.stream().map(TopicReader.Received::partition).distinct().count();
    }

    /** The ids of the bounds of a kind on each partition. */
    private static Map<Integer, List<Long>> bounds(List<TopicReader.Received> received, Marker.Kind kind) {
        return received.stream().filter(x -> x.event() instanceof ChangeEvent.MarkerEvent m && m.marker().kind() == kind)
                .collect(Collectors.groupingBy(TopicReader.Received::partition,
                        Collectors.mapping(x -> ((ChangeEvent.MarkerEvent) x.event()).marker().id(), Collectors.toList())));
    }
}
