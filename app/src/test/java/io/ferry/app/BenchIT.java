package io.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.app.cli.Ferry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.common.utils.AppInfoParser;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * {@code ferry bench} in a small mode, end to end: its own PostgreSQL, Ferry and the Kafka Connect peer each in a child
 * JVM (one pair), the floor, every phase (near the maximum and Ferry's validation included), the table and the JSON file.
 */
class BenchIT {

    @Test
    void aSmallBenchmarkRunsEveryPhaseForFerryThePeerAndTheFloor() throws Exception {
        Path dir = Path.of("target", "bench-it").toAbsolutePath();
        Path json = Path.of("target", "bench-it.json").toAbsolutePath();
        Files.deleteIfExists(json);
        StringWriter out = new StringWriter();
        int code = Ferry.execute(new PrintWriter(out, true), new PrintWriter(System.err, true), "bench", "--rows", "20000", "--rate", "100",
                "--duration", "5s", "--warmup", "1s", "--backlog", "5000", "--pairs", "1", "--ferry-jvm-options", "-Xmx768m", "--data-dir", dir.toString(),
                "--out", json.toString());
        System.out.print(out);
        assertThat(code).as("ferry bench's exit code").isZero();
        assertThat(out.toString()).contains("RUN", "ferry 1", "peer 1", "snapshot rows/s", "latency p99 ms", "backlog events/s",
                "peak RSS MiB", "Ferry / peer, each pair", "Kafka Connect " + AppInfoParser.getVersion() + " standalone", "-Xmx768m");

        JsonNode r = new ObjectMapper().readTree(json.toFile());
        assertThat(r.path("scenario").asText()).isEqualTo("postgres-to-postgres");
        assertThat(r.path("command").asText()).startsWith("ferry bench --rows 20000");
        assertThat(r.path("machine").path("cores").asInt()).isPositive();
        assertThat(r.path("pairs").asInt()).isEqualTo(1);
        JsonNode runs = r.path("runs");
        assertThat(runs).hasSize(2);
        assertThat(runs.get(0).path("contender").asText()).isEqualTo("ferry");
        assertThat(runs.get(1).path("contender").asText()).isEqualTo("peer");
        for (JsonNode run : runs) {
            String who = run.path("contender").asText();
            JsonNode snapshot = run.path("snapshot");
            assertThat(snapshot.path("rows").asLong()).as(who).isEqualTo(20_000);
            assertThat(snapshot.path("rows_per_s").asLong()).as(who).isPositive();
            assertThat(snapshot.path("seconds").asDouble()).as(who).isGreaterThan(snapshot.path("service_start_seconds").asDouble());
            assertThat(snapshot.path("service_start_seconds").asDouble()).as(who + ": until its JVM said it was up").isPositive();
            JsonNode steady = run.path("steady");
            assertSteady(who, steady, 100, 5);
            assertThat(steady.path("inserts").asLong() + steady.path("updates").asLong()).isEqualTo(steady.path("transactions").asLong());
            JsonNode latency = steady.path("latency_ms");
            assertThat(latency.path("p50").asDouble()).as(who).isPositive();
            assertThat(latency.path("p95").asDouble()).isGreaterThanOrEqualTo(latency.path("p50").asDouble());
            assertThat(latency.path("p99").asDouble()).isGreaterThanOrEqualTo(latency.path("p95").asDouble());
            assertThat(latency.path("max").asDouble()).isGreaterThanOrEqualTo(latency.path("p99").asDouble());
            assertThat(steady.path("poll_gap_ms").path("p50").asDouble()).as("the probe polls every 10 ms").isBetween(9.0, 100.0);
            JsonNode backlog = run.path("backlog");
            assertThat(backlog.path("events").asLong()).as(who).isEqualTo(5000);
            assertThat(backlog.path("inserts").asLong() + backlog.path("updates").asLong()).isEqualTo(5000);
            assertThat(backlog.path("events_per_s").asLong()).as(who).isPositive();
            assertThat(backlog.path("stopped_cleanly").isBoolean()).as(who + ": whether SIGTERM stopped it or it was killed").isTrue();
            assertTimeline(who, backlog, true);
            JsonNode process = run.path("process");
            assertThat(process.path("cpu_seconds").asDouble()).as(who + ": its own JVM's CPU").isPositive();
            assertThat(process.path("cpu_seconds").asDouble()).as(who + ": CPU over its phases")
                    .isGreaterThanOrEqualTo(snapshot.path("cpu_seconds").asDouble() + steady.path("cpu_seconds").asDouble());
            assertThat(process.path("peak_rss_mib").asDouble()).as(who + ": its own JVM's peak RSS").isGreaterThan(100.0);
            assertNearMax(who, run);
        }
        JsonNode validation = runs.get(0).path("validation");
        assertThat(validation.path("clean").asBoolean()).as("Ferry's validation after the last phase: " + validation).isTrue();
        assertThat(validation.path("source_rows").asLong()).as("the snapshot's rows and every insert since")
                .isGreaterThan(20_000 + runs.get(0).path("backlog").path("inserts").asLong());
        assertThat(validation.path("target_rows").asLong()).isEqualTo(validation.path("source_rows").asLong());
        assertThat(validation.path("rows_per_s").asLong()).isPositive();
        assertThat(runs.get(1).path("validation").isNull()).as("the peer has no validation").isTrue();
        assertThat(runs.get(1).path("process").path("note").asText()).as("the peer's broker is counted with it")
                .contains("broker's JVM", "added");
        assertThat(out.toString()).contains("NEAR MAX 50 %", "VALIDATION rows/s", "(match)", "p99 ms at 80 % max");
        assertThat(runs.get(0).path("process").path("peak_rss_mib").asDouble()).as("Ferry ran with -Xmx768m, bounded").isLessThan(2048.0);

        JsonNode summaries = r.path("summaries");
        assertThat(summaries).hasSize(2);
        assertThat(summaries.get(1).path("what").asText()).contains("JdbcSinkConnector", "upsert", "use.reduction.buffer");
        assertThat(summaries.get(0).path("what").asText()).contains("the direct path (transform.direct)");
        assertThat(summaries.get(0).path("snapshot_rows_per_s").path("median").asDouble())
                .isEqualTo(runs.get(0).path("snapshot").path("rows_per_s").asDouble());
        JsonNode ratios = r.path("ferry_over_peer");
        assertThat(ratios).hasSize(1);
        assertThat(ratios.get(0).path("snapshot_rows_per_s").asDouble()).isEqualTo(Math.round(
                (double) runs.get(0).path("snapshot").path("rows_per_s").asLong() / runs.get(1).path("snapshot").path("rows_per_s").asLong()
                        * 100) / 100.0);
        assertThat(ratios.get(0).path("latency_p99").asDouble()).isPositive();

        JsonNode floor = r.path("floor");
        assertThat(floor.path("what").asText()).contains("logical replication");
        assertThat(floor.path("snapshot").path("rows").asLong()).isEqualTo(20_000);
        assertThat(floor.path("snapshot").path("rows_per_s").asLong()).isPositive();
        assertSteady("the floor", floor.path("steady"), 100, 5);
        assertThat(floor.path("steady").path("latency_ms").path("p99").asDouble()).isPositive();
        assertThat(floor.path("backlog").path("events").asLong()).isEqualTo(5000);
        assertThat(floor.path("backlog").path("events_per_s").asLong()).isPositive();
        assertTimeline("the floor", floor.path("backlog"), false);
        assertThat(floor.path("ferry_over_floor").path("backlog_events_per_s").asDouble()).isPositive();
        assertNearMax("the floor", floor);
        assertThat(out.toString()).contains("floor: PostgreSQL", "Ferry / floor");
    }

    /**
     * The steady phase's schedule: it lasts its measured seconds by the clock and never sends ahead of the rate. How far
     * below the rate it falls is the machine's business (a VM stalled for seconds sends fewer), so no lower bound but one.
     * A transaction due in the warm-up but sent late, after it, counts as measured (so a phase far above what the source
     * takes measures something), so after a stall across the warm-up's end up to a warm-up's worth more may count.
     */
    static void assertSteady(String who, JsonNode steady, int rate, int seconds) {
        double measured = steady.path("seconds").asDouble();
        double warmup = steady.path("warmup_seconds").asDouble();
        long transactions = steady.path("transactions").asLong();
        assertThat(measured).as(who + ": the measured window lasts its duration").isGreaterThan(seconds - 0.1);
        assertThat(transactions).as(who + ": %d s at %d/s, never ahead of the schedule", seconds, rate).isPositive()
                .isLessThanOrEqualTo(Math.round((measured + warmup + 0.1) * rate) + 1); // seconds are rounded to 0.1
        assertThat(steady.path("achieved_rate").asDouble()).as(who + ": transactions over the measured seconds")
                .isCloseTo(transactions / measured, Offset.offset(0.03 * rate));
    }

    /** The backlog phase second by second: the last point has every row, the server (and a JVM contender) worked. */
    static void assertTimeline(String who, JsonNode backlog, boolean ownProcess) {
        JsonNode timeline = backlog.path("timeline");
        assertThat(timeline).as(who + ": the drain second by second").isNotEmpty();
        JsonNode last = timeline.get(timeline.size() - 1);
        assertThat(last.path("rows").asLong()).as(who + ": the last point, taken once the target caught up").isEqualTo(backlog.path("events").asLong());
        // the drain's seconds end at the start of the look that passed; the last point is taken after it
        assertThat(last.path("at").asDouble()).as(who + ": seconds since the restart").isGreaterThanOrEqualTo(backlog.path("seconds").asDouble() - 0.2);
        assertThat(timeline.findValues("server_cores")).as(who + ": the source server's processes worked").anyMatch(c -> c.asDouble() > 0);
        if (ownProcess) {
            assertThat(timeline.findValues("contender_cores")).as(who + ": its own JVM worked").anyMatch(c -> c.asDouble() > 0);
        } else {
            assertThat(timeline.findValues("contender_cores")).as(who + ": no JVM of its own").allMatch(c -> c.asDouble() == 0);
        }
    }

    /** The steady phase again at 50 % and 80 % of the contender's own backlog drain rate. */
    static void assertNearMax(String who, JsonNode run) {
        JsonNode near = run.path("near_max");
        assertThat(near).as(who).hasSize(2);
        long drain = run.path("backlog").path("events_per_s").asLong();
        assertThat(near.get(0).path("target_rate").asLong()).as(who + ": 50 %").isEqualTo(Math.max(1, Math.round(drain * 0.5)));
        assertThat(near.get(1).path("target_rate").asLong()).as(who + ": 80 %").isEqualTo(Math.max(1, Math.round(drain * 0.8)));
        for (JsonNode steady : near) {
            assertThat(steady.path("target_rate_from").asText()).as(who).contains("of its backlog drain's");
            assertThat(steady.path("transactions").asLong()).as(who).isPositive();
            assertThat(steady.path("latency_ms").path("p99").asDouble()).as(who).isPositive();
        }
    }
}
