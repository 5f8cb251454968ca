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
 * snapshot under a concurrent writer, truncate a table (the migrations that make one), SIGKILL and restart the service,
 * restart the target and the broker, add a column, poison one change, stop the writer, drain, validate, gate READY,
 * then compare independently.
 */
final class MigrationRun {

    /** Scales every data set: {@code -Dferry.e2e.scale=10} for a long run by hand. */
    static final int SCALE = Integer.getInteger("ferry.e2e.scale", 1);
    /** Runs the crash and restart steps on every migration, not only on the two that run them in CI. */
    static final boolean FULL = Boolean.getBoolean("ferry.e2e.full");
    /** {@code -Dferry.e2e.crashes=false} leaves the crash and restart steps out everywhere (to tell their failures apart). */
    static final boolean NO_CRASHES = "false".equals(System.getProperty("ferry.e2e.crashes"));

    /** Which crash steps run where they run: {@code -Dferry.e2e.steps=kill,target,kafka} (the default: all three). */
    static final java.util.Set<String> STEPS = java.util.Set.of(System.getProperty("ferry.e2e.steps", "kill,target,kafka").split(","));

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
        this.crashes = (crashesInCi || FULL) && !NO_CRASHES;
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

            // validation while the writer runs, once the pipeline has caught up (a pipeline still replaying is out of
            // sync, and says so): rows that change under it are checked again once the lag has passed them, so nothing
            // in flight may be reported as a difference
            await("caught up: every table's lag under 10 s").atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> ferry.lagBelow(10_000));
            long before = writer.committed();
            FerryProcess.Cli live = ferry.cli("validate");
            assertThat(live.exitCode()).as("ferry validate under live writes (%d transactions meanwhile):%n%s",
                    writer.committed() - before, live.output()).isZero();
            assertThat(writer.committed()).as("the writer kept writing during the validation").isGreaterThan(before);
            step(t0, "validated under live writes (" + (writer.committed() - before) + " transactions meanwhile)");
            try (Connection c = migration.connectSource()) {
                if (migration.truncate(c)) {
                    step(t0, "a source table truncated while the writer runs");
                }
            }

            if (crashes && STEPS.contains("kill")) {
                awaitTransactions(writer, 60);
                // Killed once streaming has begun, when capture's offsets (flushed every second) hold the snapshot as
                // complete. A kill before that makes Debezium snapshot again at a newer log position, and rows deleted
                // in between stay in the target: a known gap (README.md, "Known gaps"), not what this step is about.
                await("a heartbeat through every sink").atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1))
                        .until(ferry::lagKnown);
                awaitTransactions(writer, writer.committed() + 20);
                ferry.kill();
                step(t0, "service killed (SIGKILL)");
                awaitTransactions(writer, writer.committed() + 30); // changes pile up while it is down
                ferry.start();
                step(t0, "service started again");
            }
            if (crashes && STEPS.contains("target")) {
                for (DevService target : migration.targets()) {
                    awaitTransactions(writer, writer.committed() + 30);
                    target.restart();
                    step(t0, target.version() + " restarted");
                }
            }
            if (crashes && STEPS.contains("kafka")) {
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
            step(t0, "drain and final validation: exit code " + drain.exitCode());
            FerryProcess.Cli validate = ferry.cli("validate");
            String independent = differences(migration.expected(), migration.actual());
            String trace = drain.exitCode() == 0 && validate.exitCode() == 0 && independent.isEmpty() ? ""
                    : Trace.of(kafka.bootstrapServers(), pipeline, Trace.needles(independent, 4));
            assertThat(drain.exitCode()).as("cutover drain (drain, then a final validation):%n%s%nferry validate again:%n%s%n"
                    + "independent check:%n%s%ndead letters: %s%n%s", drain.output(), validate.output(), independent,
                    describe(deadLetters.read()), trace).isZero();
            assertThat(validate.exitCode()).as("ferry validate:%n%s%n%s", validate.output(), trace).isZero();
            assertThat(independent).as("source and target compared independently of Ferry%n%s", trace).isEmpty();
            step(t0, "validated twice; independent check equal");

            await("gate READY").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> ferry.cli("cutover", "check").exitCode() == 0);
            JsonNode status = ferry.status();
            assertThat(status.path("deadLetters").asLong()).as("dead letters").isZero();
            assertThat(deadLetters.read()).isEmpty();
            step(t0, "gate READY");
            assertThat(ferry.stop()).as("exit code after SIGTERM").isEqualTo(143);
        }
    }

    /**
     * Per target table, the rows only expected and only found (a few of each), or "" when equal; an empty table on
     * both sides counts as a difference, since every run's data set fills every table.
     */
    static String differences(Map<String, List<String>> expected, Map<String, List<String>> actual) {
        StringBuilder out = new StringBuilder();
        java.util.Set<String> tables = new java.util.TreeSet<>(expected.keySet());
        tables.addAll(actual.keySet());
        for (String table : tables) {
            List<String> want = expected.getOrDefault(table, List.of());
            List<String> got = actual.getOrDefault(table, List.of());
            if (want.isEmpty()) {
                out.append(table).append(": no rows expected (the data set should fill every table)\n");
                continue;
            }
            java.util.Set<String> gotSet = new java.util.HashSet<>(got);
            java.util.Set<String> wantSet = new java.util.HashSet<>(want);
            List<String> missing = want.stream().filter(r -> !gotSet.contains(r)).toList();
            List<String> extra = got.stream().filter(r -> !wantSet.contains(r)).toList();
            if (!missing.isEmpty() || !extra.isEmpty() || want.size() != got.size()) {
                out.append(table).append(": ").append(want.size()).append(" rows expected, ").append(got.size()).append(" found; ")
                        .append(missing.size()).append(" missing or different, ").append(extra.size()).append(" unexpected\n");
                missing.stream().limit(5).forEach(r -> out.append("  expected: ").append(abbreviate(r)).append('\n'));
                extra.stream().limit(5).forEach(r -> out.append("  found:    ").append(abbreviate(r)).append('\n'));
            }
        }
        return out.toString();
    }

    private static String abbreviate(String row) {
        return row.length() > 600 ? row.substring(0, 600) + "..." : row;
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
