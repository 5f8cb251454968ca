package io.ferry.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.core.topic.DeadLetter;
import io.ferry.devstack.DevService;
import io.ferry.devstack.KafkaService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end-to-end run every migration goes through (e2e/README.md): seed, start the service on the example pipeline,
 * snapshot under a concurrent writer, SIGKILL and restart the service, restart the target and the broker, add a
 * column, poison one change, stop the writer, drain, validate, gate READY, then compare independently.
 */
final class MigrationRun {

    /** Scales every data set: {@code -Dferry.e2e.scale=10} for a long run by hand. */
    static final int SCALE = Integer.getInteger("ferry.e2e.scale", 1);
    /** Runs the crash and restart steps on every migration, not only on the two that run them in CI. */
    static final boolean FULL = Boolean.getBoolean("ferry.e2e.full");

    private static final Logger log = LoggerFactory.getLogger(MigrationRun.class);

    private final Migration migration;
    private final KafkaService kafka;
    private final boolean crashes;

    /**
     * @param crashesInCi whether this migration runs the crash and restart steps in CI (two of them do); every
     *     migration runs them with {@code -Dferry.e2e.full=true}
     */
    MigrationRun(Migration migration, KafkaService kafka, boolean crashesInCi) {
        this.migration = migration;
        this.kafka = kafka;
        this.crashes = crashesInCi || FULL;
    }

    void run() throws Exception {
        long t0 = System.nanoTime();
        migration.prepare(SCALE);
        step(t0, "source seeded (scale " + SCALE + ")");

        PipelineFile file = PipelineFile.example(migration.example());
        String pipeline = file.pipelineName();
        Path dir = freshDir(Path.of("target", "e2e", migration.example()).toAbsolutePath());
        int port = FerryProcess.freePort();
        file.set("pipeline.data_dir", dir.resolve("data").toString());
        file.set("kafka.bootstrap_servers", kafka.bootstrapServers());
        file.set("kafka.partitions", 3);
        file.set("http.bind", "127.0.0.1");
        file.set("http.port", port);
        // The examples' 30 s window is for production; a test proves the gate opens without waiting that long.
        file.set("validation.stable_for", "3s");
        migration.configure(file);
        Path config = file.write(dir.resolve("pipeline.yaml"));
        KafkaLeftovers.delete(kafka.bootstrapServers(), pipeline);
        DeadLetters deadLetters = new DeadLetters(kafka.bootstrapServers(), pipeline);

        try (FerryProcess ferry = new FerryProcess(pipeline, config, dir.resolve("ferry.log"), port);
                SourceWriter writer = new SourceWriter(migration::connectSource, migration::transaction, 10, 42)) {
            ferry.start();
            writer.start();
            step(t0, "service started on " + config + ", log " + ferry.log());
            await("snapshot done").atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1)).until(ferry::snapshotDone);
            step(t0, "snapshot done, " + writer.committed() + " transactions so far");

            if (crashes) {
                awaitTransactions(writer, 60);
                ferry.kill();
                step(t0, "service killed (SIGKILL)");
                awaitTransactions(writer, writer.committed() + 30); // changes pile up while it is down
                ferry.start();
                step(t0, "service started again");
                for (DevService target : migration.targets()) {
                    awaitTransactions(writer, writer.committed() + 30);
                    target.restart();
                    step(t0, target.version() + " restarted");
                }
                awaitTransactions(writer, writer.committed() + 30);
                kafka.restart();
                step(t0, "Kafka restarted");
            }

            try (Connection c = migration.connectSource()) {
                migration.addColumn(c);
            }
            step(t0, "column added at the source");
            awaitTransactions(writer, writer.committed() + 50);

            if (migration.poison().isPresent()) {
                Migration.Poison poison = migration.poison().get();
                try (Connection c = migration.connectSource()) {
                    poison.write(c);
                }
                await("the poisoned change in the dead-letter topic").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> !deadLetters.read().isEmpty());
                List<DeadLetter> letters = deadLetters.read();
                assertThat(letters).as("exactly the poisoned change is dead-lettered").hasSize(1);
                assertThat(letters.get(0).reason() + " / " + letters.get(0).error()).contains(poison.expectedReason());
                await("the gate names the dead letter").atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(
                        ferry.cli("cutover", "check").output()).contains("dead-letter"));
                step(t0, "poisoned change dead-lettered: " + letters.get(0).reason());
                // what an operator does: repair the row at the source, then clear the handled dead letters
                try (Connection c = migration.connectSource()) {
                    poison.repair(c);
                }
                deadLetters.clear();
            }

            awaitTransactions(writer, writer.committed() + 50);
            writer.stop();
            step(t0, "writer stopped after " + writer.committed() + " transactions (" + writer.retried() + " retried)");

            FerryProcess.Cli drain = ferry.cli("cutover", "drain", "--timeout", "300s");
            assertThat(drain.exitCode()).as("cutover drain (drain, then a final validation):%n%s%ndead letters:%n%s", drain.output(),
                    describe(deadLetters.read())).isZero();
            step(t0, "drained and validated");
            FerryProcess.Cli validate = ferry.cli("validate");
            assertThat(validate.exitCode()).as("ferry validate:%n%s", validate.output()).isZero();

            Map<String, List<String>> expected = migration.expected();
            Map<String, List<String>> actual = migration.actual();
            assertThat(actual.keySet()).isEqualTo(expected.keySet());
            for (String table : expected.keySet()) {
                assertThat(actual.get(table)).as("target %s, read independently of Ferry", table).isNotEmpty()
                        .containsExactlyElementsOf(expected.get(table));
            }
            step(t0, "independent check: " + expected.values().stream().mapToInt(List::size).sum() + " target rows equal");

            await("gate READY").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> ferry.cli("cutover", "check").exitCode() == 0);
            JsonNode status = ferry.status();
            assertThat(status.path("deadLetters").asLong()).as("dead letters").isZero();
            assertThat(deadLetters.read()).isEmpty();
            step(t0, "gate READY");
            assertThat(ferry.stop()).as("exit code after SIGTERM").isEqualTo(143);
        }
    }

    /** The first few dead letters with reason, error and the record they carry, for a failure message. */
    private static String describe(List<DeadLetter> letters) {
        StringBuilder s = new StringBuilder(letters.size() + " record(s)");
        for (DeadLetter d : letters.subList(0, Math.min(3, letters.size()))) {
            String value = d.originValue() == null ? "" : new String(d.originValue(), java.nio.charset.StandardCharsets.UTF_8);
            s.append("\n- ").append(d.stage().wireName()).append(' ').append(d.component()).append(": ").append(d.reason()).append(" (")
                    .append(d.error()).append(")\n  ").append(value.length() > 3000 ? value.substring(0, 3000) + "..." : value);
        }
        return s.toString();
    }

    private static void awaitTransactions(SourceWriter writer, long n) {
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).until(() -> writer.committed() >= n);
    }

    private void step(long t0, String what) {
        log.info("e2e {}: {} s: {}", migration.example(), (System.nanoTime() - t0) / 1_000_000_000, what);
    }

    static Path freshDir(Path dir) throws java.io.IOException {
        if (Files.exists(dir)) {
            try (var all = Files.walk(dir)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(dir);
        return dir;
    }
}
