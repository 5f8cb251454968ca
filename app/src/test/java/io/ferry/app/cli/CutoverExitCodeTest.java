package io.ferry.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * How the cutover commands turn the service's answers into exit codes, against a stand-in HTTP server that answers as the
 * service does: a refusal (409) is 2, which a script does not retry; a failure that may pass (503) is 3.
 */
class CutoverExitCodeTest {

    private HttpServer server;
    /** path → {status, body} */
    private final Map<String, Object[]> answers = new java.util.concurrent.ConcurrentHashMap<>();

    @BeforeEach
    void serve() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4);
        server.createContext("/", x -> {
            Object[] a = answers.getOrDefault(x.getRequestURI().getPath(), new Object[] {404, "not found"});
            byte[] body = ((String) a[1]).getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders((Integer) a[0], body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private record Result(int code, String out, String err) {
    }

    private Result run(String... args) {
        CommandLine cli = Ferry.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args),
                java.util.stream.Stream.of("--url", "http://127.0.0.1:" + server.getAddress().getPort())).toArray(String[]::new);
        return new Result(cli.execute(all), out.toString(), err.toString());
    }

    @Test
    void aDrainTheServiceRefusesExitsTwoAndOneThatMayPassThree() {
        answers.put("/drain", new Object[] {409, "{\"drained\":false,\"reason\":\"source.read_only is true: Ferry cannot write the drain marker\"}"});
        Result refused = run("cutover", "drain", "--timeout", "5s");
        assertThat(refused.code()).isEqualTo(2);
        assertThat(refused.out()).contains("HTTP 409", "source.read_only is true");

        answers.put("/drain", new Object[] {503, "{\"drained\":false,\"reason\":\"cannot write the drain marker into the source: refused\"}"});
        Result unreachable = run("cutover", "drain", "--timeout", "5s");
        assertThat(unreachable.code()).isEqualTo(3);
        assertThat(unreachable.out()).contains("cannot write the drain marker");
    }

    @Test
    void aDrainWhoseFinalValidationIsRefusedExitsTwo() {
        answers.put("/drain", new Object[] {200, "{\"drained\":true,\"heartbeat\":7}"});
        answers.put("/validate", new Object[] {409, "{\"reason\":\"this process does not run the validate role; ask a process that does\"}"});
        Result r = run("cutover", "drain", "--timeout", "5s");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).contains("drained", "does not run the validate role");
    }

    @Test
    void aValidationOnAProcessWithoutTheRoleExitsTwo() {
        answers.put("/validate", new Object[] {409, "{\"reason\":\"this process does not run the validate role; ask a process that does\"}"});
        Result r = run("validate");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("does not run the validate role");

        answers.put("/validate", new Object[] {503, "{\"reason\":\"cannot reach the source\"}"});
        assertThat(run("validate").code()).isEqualTo(3);
    }

    @Test
    void aGateAskedOfAProcessWithoutTheValidateRoleExitsTwo() {
        answers.put("/status", new Object[] {200, "{\"pipeline\":\"p\",\"stages\":[]}"});
        Result r = run("cutover", "check");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("does not run the validate role");
    }
}
