package io.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.app.cli.Ferry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code ferry bench}'s scenarios other than PostgreSQL → PostgreSQL, small: Ferry alone (no peer, no floor) from devstack's
 * PostgreSQL into its Cassandra, and from its MariaDB into its MongoDB-protocol server, every phase, read on the target itself;
 * the second with Ferry against a broker of its own ({@code --ferry-kafka external}).
 */
class BenchScenariosIT {

    @ParameterizedTest
    @CsvSource({"postgres-to-cassandra, PostgreSQL, Cassandra, embedded", "mariadb-to-mongodb, MariaDB, mongo, external"})
    void ferryAloneRunsEveryPhaseIntoTheTarget(String scenario, String source, String target, String kafka) throws Exception {
        Path dir = Path.of("target", "bench-" + scenario).toAbsolutePath();
        Path json = Path.of("target", "bench-" + scenario + ".json").toAbsolutePath();
        Files.deleteIfExists(json);
        StringWriter out = new StringWriter();
        int code = Ferry.execute(new PrintWriter(out, true), new PrintWriter(System.err, true), "bench", "--scenario", scenario, "--rows",
                "5000", "--rate", "50", "--duration", "4s", "--warmup", "1s", "--backlog", "2000", "--pairs", "1", "--ferry-jvm-options",
                "-Xmx768m", "--ferry-kafka", kafka, "--data-dir", dir.toString(), "--out", json.toString());
        System.out.print(out);
        assertThat(code).as("ferry bench's exit code").isZero();
        assertThat(out.toString()).contains("Ferry alone", "ferry 1", "VALIDATION rows/s", "(match)").doesNotContain("peer 1");

        JsonNode r = new ObjectMapper().readTree(json.toFile());
        assertThat(r.path("scenario").asText()).isEqualTo(scenario);
        assertThat(r.path("machine").path("source").asText()).contains(source);
        assertThat(r.path("machine").path("target").asText()).containsIgnoringCase(target);
        assertThat(r.path("floor").isNull()).as("no floor outside PostgreSQL -> PostgreSQL").isTrue();
        assertThat(r.path("ferry_over_peer")).isEmpty();
        JsonNode runs = r.path("runs");
        assertThat(runs).hasSize(1);
        JsonNode run = runs.get(0);
        assertThat(run.path("snapshot").path("rows").asLong()).isEqualTo(5000);
        assertThat(run.path("snapshot").path("rows_per_s").asLong()).isPositive();
        BenchIT.assertSteady(scenario, run.path("steady"), 50, 4);
        assertThat(run.path("steady").path("latency_ms").path("p99").asDouble()).isPositive();
        assertThat(run.path("backlog").path("events").asLong()).isEqualTo(2000);
        assertThat(run.path("backlog").path("events_per_s").asLong()).isPositive();
        BenchIT.assertTimeline(scenario, run.path("backlog"), true);
        BenchIT.assertNearMax(scenario, run);
        JsonNode validation = run.path("validation");
        assertThat(validation.path("clean").asBoolean()).as("validation: " + validation).isTrue();
        assertThat(validation.path("source_rows").asLong()).isGreaterThan(5000 + run.path("backlog").path("inserts").asLong());
        assertThat(validation.path("target_rows").asLong()).isEqualTo(validation.path("source_rows").asLong());
        assertThat(run.path("process").path("peak_rss_mib").asDouble()).isGreaterThan(100.0);
        String pipelineFile = Files.readString(dir.resolve("runs").resolve("ferry-1").resolve("pipeline.yaml"));
        if (kafka.equals("external")) {
            // a broker of its own, up while Ferry restarted for the backlog, counted with Ferry
            assertThat(pipelineFile).contains("bootstrap_servers: 127.0.0.1:");
            assertThat(run.path("process").path("note").asText()).contains("broker's JVM", "added");
            assertThat(r.path("summaries").get(0).path("what").asText()).contains("against a broker in a JVM of its own");
            assertThat(out.toString()).contains("and its broker's JVM");
        } else {
            assertThat(pipelineFile).doesNotContain("bootstrap_servers");
            assertThat(run.path("process").path("note").asText()).contains("its embedded Kafka included");
            assertThat(r.path("summaries").get(0).path("what").asText()).contains("with its embedded Kafka");
        }
    }
}
