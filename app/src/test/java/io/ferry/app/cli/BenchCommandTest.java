package io.ferry.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ferry bench}'s command line: help and usage errors, none of which starts a server. */
class BenchCommandTest {

    @TempDir
    Path dir;

    private static int run(StringWriter out, StringWriter err, String... args) {
        return Ferry.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void helpSaysWhatIsMeasured() {
        StringWriter out = new StringWriter();
        assertThat(run(out, new StringWriter(), "bench", "--help")).isZero();
        assertThat(out.toString()).contains("PostgreSQL ->\nPostgreSQL, same shape", "postgres-to-cassandra", "mariadb-to-mongodb",
                "Ferry alone", "--scenario", "at 80 % of that", "POST /validate", "--rows", "--rate", "--duration", "--backlog",
                "PostgreSQL's own logical\nreplication", "--no-floor", "Kafka\nConnect standalone", "--pairs", "--peer-classpath",
                "--no-peer", "--ferry-jvm-options", "--ferry-kafka", "Exit codes:");
    }

    @Test
    void aMissingPeerClasspathSaysHowToBuildItBeforeAnyServerStarts() {
        StringWriter err = new StringWriter();
        Path missing = dir.resolve("none").resolve("peer.classpath");
        assertThat(run(new StringWriter(), err, "bench", "--data-dir", dir.resolve("bench").toString(), "--peer-classpath",
                missing.toString())).isEqualTo(3);
        assertThat(err.toString()).contains(missing + " does not exist", "bench-peer", "--no-peer");
        assertThat(dir.resolve("bench").resolve("servers")).doesNotExist();
    }

    @Test
    void badOptionsAreUsageErrors() {
        StringWriter err = new StringWriter();
        assertThat(run(new StringWriter(), err, "bench", "--rows", "10")).isEqualTo(2);
        assertThat(err.toString()).contains("--rows must be at least 1000");
        StringWriter err3 = new StringWriter();
        assertThat(run(new StringWriter(), err3, "bench", "--pairs", "0")).isEqualTo(2);
        assertThat(err3.toString()).contains("--pairs between 1 and 20");
        StringWriter err2 = new StringWriter();
        assertThat(run(new StringWriter(), err2, "bench", "--duration", "60")).isEqualTo(2);
        assertThat(err2.toString()).contains("expected a duration with a unit");
        StringWriter err4 = new StringWriter();
        assertThat(run(new StringWriter(), err4, "bench", "--scenario", "postgres-to-oracle")).isEqualTo(2);
        assertThat(err4.toString()).contains("--scenario: unknown scenario 'postgres-to-oracle'",
                "known: postgres-to-postgres, postgres-to-cassandra, mariadb-to-mongodb");
        StringWriter err5 = new StringWriter();
        assertThat(run(new StringWriter(), err5, "bench", "--ferry-kafka", "remote")).isEqualTo(2);
        assertThat(err5.toString()).contains("--ferry-kafka: 'remote' is neither embedded nor external");
    }

    @Test
    void aDirectoryOfSomethingElseIsNeverWiped() throws Exception {
        Path keep = Files.writeString(dir.resolve("precious.txt"), "keep me");
        StringWriter err = new StringWriter();
        assertThat(run(new StringWriter(), err, "bench", "--data-dir", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("is not empty and no earlier benchmark's directory");
        assertThat(keep).hasContent("keep me");
    }
}
