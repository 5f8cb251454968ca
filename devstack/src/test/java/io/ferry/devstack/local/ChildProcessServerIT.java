package io.ferry.devstack.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ferry.devstack.DevstackException;
import io.ferry.devstack.Service;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A server that died before the end is reported when devstack stops it, with its exit code and its logs. */
class ChildProcessServerIT {

    @TempDir
    Path dir;

    @Test
    void aServerThatExitedOnItsOwnIsReportedAtClose() throws Exception {
        Files.writeString(dir.resolve("own.log"), "own log line\n");
        ShortLived server = new ShortLived(dir, List.of("sh", "-c", "echo 'fatal: out of something'; exit 3"));
        server.launch();
        ServerProcess process = server.process();
        await().atMost(Duration.ofSeconds(30)).until(() -> !process.isAlive());

        assertThatThrownBy(server::close).isInstanceOf(DevstackException.class)
                .hasMessageContaining("short-lived had exited on its own with code 3")
                .hasMessageContaining("fatal: out of something")
                .hasMessageContaining("own log line");
        server.close(); // reported once; closing again is a no-op
    }

    @Test
    void aRunningServerClosesQuietly() throws Exception {
        ShortLived server = new ShortLived(dir, List.of("sleep", "600"));
        server.launch();
        ServerProcess process = server.process();
        assertThat(process.isAlive()).isTrue();

        server.close();

        assertThat(process.isAlive()).isFalse();
    }

    @Test
    void aServerThatNeverGotReadyIsStoppedAndNotReportedAsDeadAtClose() {
        ShortLived server = new ShortLived(dir, List.of("sleep", "600"), false);

        assertThatThrownBy(server::launch).isInstanceOf(DevstackException.class).hasMessageContaining("not done after 1 s");

        assertThat(server.process()).isNull();
        server.close(); // devstack stopped it itself: nothing to report
    }

    private static final class ShortLived extends ChildProcessServer {
        private final Path dir;
        private final List<String> command;
        private final boolean getsReady;

        ShortLived(Path dir, List<String> command) {
            this(dir, command, true);
        }

        ShortLived(Path dir, List<String> command, boolean getsReady) {
            super("short-lived", 1);
            this.dir = dir;
            this.command = command;
            this.getsReady = getsReady;
        }

        @Override
        void launch() {
            launch(command, dir, "TERM", Duration.ofSeconds(getsReady ? 30 : 1), () -> getsReady);
        }

        @Override
        List<Path> ownLogs() {
            return List.of(dir.resolve("own.log"));
        }

        @Override
        public Service kind() {
            return Service.CASSANDRA;
        }

        @Override
        public String version() {
            return "short-lived 1";
        }
    }
}
