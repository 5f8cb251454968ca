package io.ferry.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class FerryCommandTest {

    @TempDir
    Path dir;

    private record Result(int code, String out, String err) {
    }

    private static Result run(String... args) {
        CommandLine cli = Ferry.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    private Path file(String yaml) throws Exception {
        Path f = dir.resolve("pipeline.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    private static final String VALID = """
            pipeline: {name: shop}
            source: {type: postgres, host: db, database: shop, user: ferry, password: s3cret-value, tables: [public.users]}
            sinks:
              - {name: pg, type: postgres, url: "jdbc:postgresql://t/x", password: other-secret}
            mappings:
              - {to: users, from: public.users}
            """;

    @Test
    void helpListsEveryCommandAndTheExitCodes() {
        Result r = run("--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("run", "status", "config").contains("Exit codes:", "2  usage or configuration error");
        assertThat(run("run", "--help").out()).contains("--config", "--roles", "3  could not tell");
    }

    @Test
    void configCheckPrintsTheEffectiveConfigurationWithSecretsMasked() throws Exception {
        Result r = run("config", "check", file(VALID).toString());
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("OK, pipeline 'shop', 1 sink").contains("partitions: 6").doesNotContain("s3cret-value", "other-secret");
    }

    @Test
    void configCheckReportsEveryErrorAndExitsTwo() throws Exception {
        Result r = run("config", "check", file(VALID.replace("host: db", "hots: db").replace("type: postgres, url", "type: postgress, url"))
                .toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("did you mean 'host'").contains("postgress").contains("3 errors");
    }

    @Test
    void aBadCommandLineExitsTwo() {
        assertThat(run("run").code()).isEqualTo(2);
        assertThat(run("frobnicate").code()).isEqualTo(2);
    }

    /** A malformed value is a usage error (2) naming the flag, not "could not tell" (3), which a cutover script retries. */
    @Test
    void aMalformedDurationOrUrlExitsTwoNamingTheFlag() {
        Result timeout = run("validate", "--timeout", "10");
        assertThat(timeout.code()).isEqualTo(2);
        assertThat(timeout.err()).contains("--timeout 10");
        Result url = run("status", "--url", "localhost:7878");
        assertThat(url.code()).isEqualTo(2);
        assertThat(url.err()).contains("--url localhost:7878").contains("http://127.0.0.1:7878");
        assertThat(run("cutover", "drain", "--timeout", "soon").code()).isEqualTo(2);
    }

    @Test
    void theStatusServersBindAddressBecomesAnAddressToConnectTo() {
        assertThat(ServiceClient.connectHost("0.0.0.0")).isEqualTo("127.0.0.1");
        assertThat(ServiceClient.connectHost("::")).isEqualTo("[::1]");
        assertThat(ServiceClient.connectHost("fe80::1")).isEqualTo("[fe80::1]");
        assertThat(ServiceClient.connectHost("10.0.0.5")).isEqualTo("10.0.0.5");
    }

    @Test
    void runRefusesPartialRolesOnTheEmbeddedKafka() throws Exception {
        Result r = run("run", "--config", file(VALID).toString(), "--roles", "sink");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("kafka.bootstrap_servers");
    }

    @Test
    void runWithTheStatusPortTakenExitsTwoBeforeAnythingStarts() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            Path data = dir.resolve("data");
            String yaml = VALID.replace("pipeline: {name: shop}", "pipeline: {name: shop, data_dir: '" + data + "'}")
                    + "http: {bind: 127.0.0.1, port: " + taken.getLocalPort() + "}\n";
            Result r = run("run", "--config", file(yaml).toString());
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).contains("http.port");
            assertThat(data).doesNotExist();
        }
    }

    /** Asking again cannot make a service with its status server off answer: 2, which scripts do not retry (it was 3). */
    @Test
    void aCommandWhosePipelineFileTurnsTheStatusServerOffExitsTwoNamingTheKey() throws Exception {
        Path f = file(VALID + "http: {enabled: false}\n");
        for (String[] command : List.of(new String[] {"status", "--config", f.toString()},
                new String[] {"cutover", "check", "--config", f.toString()})) {
            Result r = run(command);
            assertThat(r.code()).as(String.join(" ", command)).isEqualTo(2);
            assertThat(r.err()).contains("http.enabled").contains("--url");
        }
    }

    @Test
    void theDemoWithItsPortTakenExitsTwoBeforeAnythingStarts() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            Path data = dir.resolve("demo-data");
            Result r = run("demo", "--data-dir", data.toString(), "--port", Integer.toString(taken.getLocalPort()));
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).contains("--port " + taken.getLocalPort());
            assertThat(data).doesNotExist();
        }
    }

    @Test
    void aBindAddressThisHostLacksNamesHttpBind() throws Exception {
        Path data = dir.resolve("data-bind");
        String yaml = VALID.replace("pipeline: {name: shop}", "pipeline: {name: shop, data_dir: '" + data + "'}")
                + "http: {bind: 192.0.2.1, port: 0}\n";
        Result r = run("run", "--config", file(yaml).toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("http.bind");
    }

    @Test
    void aMalformedThresholdIsTheCallersEvenWithNoServiceToAsk() {
        Result r = run("cutover", "check", "--url", "http://127.0.0.1:1", "--stable-for", "5mins");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--stable-for 5mins");
    }

    @Test
    void statusWithoutAServiceExitsThree() {
        Result r = run("status", "--url", "http://127.0.0.1:1");
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).contains("no Ferry service answers");
    }
}
