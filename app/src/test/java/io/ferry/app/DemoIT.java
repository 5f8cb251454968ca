package io.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.app.cli.Ferry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's demo command in a short mode, end to end: its own servers, embedded Kafka, live writes, gate READY, drain. */
class DemoIT {

    @Test
    void theDemoReachesACleanCutover() {
        Path dir = Path.of("target", "demo-it").toAbsolutePath();
        StringWriter out = new StringWriter();
        int code = Ferry.execute(new PrintWriter(out, true), new PrintWriter(System.err, true), "demo", "--data-dir", dir.toString(),
                "--users", "200", "--rate", "10", "--port", "0", "--timeout", "5m");
        System.out.print(out);
        assertThat(code).as("ferry demo's exit code").isZero();
        assertThat(out.toString()).contains("[demo] status page: http://127.0.0.1:", "snapshot [", "lag [pg/users ",
                "clean: 3 of 3 table(s) match", "[demo] gate: READY", "[demo] drained: every sink applied heartbeat",
                "[demo] final validation: every table matches");
    }
}
