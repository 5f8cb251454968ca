package io.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ferry.app.cli.Ferry;
import io.ferry.devstack.KafkaService;
import io.ferry.devstack.PostgresService;
import io.ferry.devstack.Service;
import io.ferry.devstack.junit.ChildJvm;
import io.ferry.devstack.junit.WithServices;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code ferry run} killed with SIGKILL in the middle of its initial snapshot, rows deleted at the source while it is
 * down, started again: Debezium reads the whole snapshot again and cannot tell what the first run delivered, so the
 * rows the second run no longer finds must be removed by Ferry (transform's sweep at the run's end), or they would
 * stay in the target for good. Found as a rare failure of {@link ServiceProcessIT} when the kill came within a second
 * of the snapshot's end.
 */
@WithServices({Service.POSTGRES, Service.KAFKA})
class SnapshotRestartIT {

    @Test
    void rowsDeletedWhileAnInterruptedSnapshotWasDownLeaveTheTarget(PostgresService pg, KafkaService kafka) throws Exception {
        UsersPipeline users = new UsersPipeline(pg, "resnap_src", "resnap_dst");
        users.createSource(20_000); // 60,000 sessions: the snapshot reads the users first (the order of source.tables)
        Path dataDir = UsersPipeline.freshDir("resnap-it");
        String file = users.config("resnap", dataDir, "  bootstrap_servers: " + kafka.bootstrapServers(),
                "http: {enabled: false}\nvalidation: {continuous: false}").file();
        Path firstLog = dataDir.resolveSibling("resnap-it-first.log");
        Path secondLog = dataDir.resolveSibling("resnap-it-second.log");
        Files.deleteIfExists(firstLog);
        Files.deleteIfExists(secondLog);

        // killed as capture reads the first session: every user is in Kafka, most sessions are not yet
        Process first = ChildJvm.start(Ferry.class, "768m", "schema of public.user_sessions is now version 1", firstLog,
                "run", "--config", file);
        first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        assertThat(Files.readString(firstLog)).as("killed before the snapshot ended").contains("snapshot run")
                .doesNotContainPattern("snapshot run \\d+ of resnap ends");
        users.execute("DELETE FROM user_sessions WHERE user_id IN (1, 6)", "DELETE FROM users WHERE user_id = 1",
                "UPDATE users SET name = 'Renamed while down' WHERE user_id = 2");

        Process second = ChildJvm.start(Ferry.class, "768m", "pipeline resnap running", secondLog, "run", "--config", file);
        try {
            users.awaitTargetMatches(Duration.ofMinutes(3), secondLog);
            // the sweep logs once its last slice is done, which may come after the target already lost user 1
            await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(Files.readString(secondLog))
                    .as("the second run's end removed what the first left")
                    .containsPattern("snapshot run \\d+ of public.users ended without 1 rows"));
            // the sessions the first run had not reached are read by Debezium's redone initial snapshot, not asked for again
            assertThat(Files.readString(secondLog)).doesNotContain("newly captured");
        } finally {
            second.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    /**
     * The same, but Ferry keeps running: Debezium loses its connections mid-snapshot (a retriable error), restarts its
     * task inside the same engine after a pause and reads the snapshot again. Capture must see a new run there, or the
     * redone snapshot continues the interrupted run's bounds and rows the first attempt read are never swept.
     */
    @Test
    void rowsDeletedWhileDebeziumRedoesAnInterruptedSnapshotLeaveTheTarget(PostgresService pg, KafkaService kafka) throws Exception {
        UsersPipeline users = new UsersPipeline(pg, "redo_src", "redo_dst");
        users.createSource(40_000); // 120,000 sessions: seconds of snapshot left when the connections are broken
        Path dataDir = UsersPipeline.freshDir("redo-it");
        String file = users.config("redo", dataDir, "  bootstrap_servers: " + kafka.bootstrapServers(),
                "http: {enabled: false}\nvalidation: {continuous: false}").file();
        Path log = dataDir.resolveSibling("redo-it.log");
        Files.deleteIfExists(log);

        Process ferry = ChildJvm.start(Ferry.class, "768m", "schema of public.user_sessions is now version 1", log,
                "run", "--config", file);
        try {
            // every user is in Kafka; the snapshot is reading the sessions
            users.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'redo_src'"
                    + " AND pid <> pg_backend_pid()");
            assertThat(Files.readString(log)).as("the connections broke before the snapshot ended")
                    .doesNotContainPattern("snapshot run \\d+ of redo ends");
            // Debezium waits 10 s before it restarts its task: the changes land before the snapshot is read again
            users.execute("DELETE FROM user_sessions WHERE user_id IN (1, 6)", "DELETE FROM users WHERE user_id = 1",
                    "UPDATE users SET name = 'Renamed during the pause' WHERE user_id = 2");
            users.awaitTargetMatches(Duration.ofMinutes(3), log);
            await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(Files.readString(log))
                    .as("Debezium restarted its task, and the redone snapshot's end removed what the first attempt left")
                    .contains("Going to restart connector")
                    .containsPattern("snapshot run \\d+ of redo was interrupted: Debezium reads the snapshot again")
                    .containsPattern("snapshot run \\d+ of public.users ended without 1 rows"));
        } finally {
            ferry.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }
}
