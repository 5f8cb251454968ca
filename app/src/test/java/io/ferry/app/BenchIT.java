package io.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.app.cli.Ferry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code ferry bench} in a small mode, end to end: its own PostgreSQL, embedded Kafka, the three phases, the table and the JSON file. */
class BenchIT {

    @Test
    void aSmallBenchmarkRunsEveryPhaseAndWritesItsFigures() throws Exception {
        Path dir = Path.of("target", "bench-it").toAbsolutePath();
        Path json = Path.of("target", "bench-it.json").toAbsolutePath();
        Files.deleteIfExists(json);
        StringWriter out = new StringWriter();
        int code = Ferry.execute(new PrintWriter(out, true), new PrintWriter(System.err, true), "bench", "--rows", "20000", "--rate", "100",
                "--duration", "10s", "--backlog", "5000", "--data-dir", dir.toString(), "--out", json.toString());
        System.out.print(out);
        assertThat(code).as("ferry bench's exit code").isZero();
        assertThat(out.toString()).contains("PHASE", "rows/s", "latency p99", "events/s", "peak RSS (VmHWM)", "no Kafka Connect peer");

        JsonNode r = new ObjectMapper().readTree(json.toFile());
        assertThat(r.path("scenario").asText()).isEqualTo("postgres-to-postgres");
        assertThat(r.path("command").asText()).startsWith("ferry bench --rows 20000");
        assertThat(r.path("machine").path("cores").asInt()).isPositive();
        JsonNode snapshot = r.path("snapshot");
        assertThat(snapshot.path("rows").asLong()).isEqualTo(20_000);
        assertThat(snapshot.path("rows_per_s").asLong()).isPositive();
        assertThat(snapshot.path("seconds").asDouble()).isGreaterThan(snapshot.path("service_start_seconds").asDouble());
        JsonNode steady = r.path("steady");
        assertThat(steady.path("transactions").asLong()).as("about 10 s at 100/s").isBetween(800L, 1100L);
        assertThat(steady.path("inserts").asLong() + steady.path("updates").asLong()).isEqualTo(steady.path("transactions").asLong());
        assertThat(steady.path("achieved_rate").asDouble()).isBetween(80.0, 110.0);
        JsonNode latency = steady.path("latency_ms");
        assertThat(latency.path("p50").asDouble()).isPositive();
        assertThat(latency.path("p95").asDouble()).isGreaterThanOrEqualTo(latency.path("p50").asDouble());
        assertThat(latency.path("p99").asDouble()).isGreaterThanOrEqualTo(latency.path("p95").asDouble());
        assertThat(latency.path("max").asDouble()).isGreaterThanOrEqualTo(latency.path("p99").asDouble());
        assertThat(steady.path("poll_gap_ms").path("p50").asDouble()).as("the probe polls every 10 ms").isBetween(9.0, 100.0);
        JsonNode backlog = r.path("backlog");
        assertThat(backlog.path("events").asLong()).isEqualTo(5000);
        assertThat(backlog.path("inserts").asLong() + backlog.path("updates").asLong()).isEqualTo(5000);
        assertThat(backlog.path("events_per_s").asLong()).isPositive();
        assertThat(r.path("process").path("cpu_seconds").asDouble()).isPositive();
        assertThat(r.path("process").path("peak_rss_mib").asDouble()).isGreaterThan(100.0);

        JsonNode floor = r.path("floor");
        assertThat(floor.path("what").asText()).contains("logical replication");
        assertThat(floor.path("snapshot").path("rows").asLong()).isEqualTo(20_000);
        assertThat(floor.path("snapshot").path("rows_per_s").asLong()).isPositive();
        assertThat(floor.path("steady").path("transactions").asLong()).as("about 10 s at 100/s").isBetween(800L, 1100L);
        assertThat(floor.path("steady").path("latency_ms").path("p99").asDouble()).isPositive();
        assertThat(floor.path("backlog").path("events").asLong()).isEqualTo(5000);
        assertThat(floor.path("backlog").path("events_per_s").asLong()).isPositive();
        JsonNode ratios = floor.path("ferry_over_floor");
        assertThat(ratios.path("snapshot_rows_per_s").asDouble()).isEqualTo(
                Math.round((double) snapshot.path("rows_per_s").asLong() / floor.path("snapshot").path("rows_per_s").asLong() * 100) / 100.0);
        assertThat(ratios.path("backlog_events_per_s").asDouble()).isPositive();
        assertThat(out.toString()).contains("floor: PostgreSQL", "Ferry / floor");
    }
}
