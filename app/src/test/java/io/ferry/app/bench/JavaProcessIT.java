package io.ferry.app.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What stopping a contender's JVM reports: a clean stop only when SIGTERM ended it. */
class JavaProcessIT {

    @TempDir
    Path dir;

    @Test
    void aRunningJvmStopsCleanlyOnSigterm() throws Exception {
        JavaProcess p = process(Sleeper.class, "sleeper");
        p.start();
        p.awaitLine("sleeping", Duration.ofSeconds(60));

        StopOutcome outcome = p.stop();

        assertThat(outcome.clean()).isTrue();
        assertThat(outcome.kind()).isEqualTo(StopOutcome.Kind.CLEAN);
        assertThat(p.stop()).as("stopping again: nothing runs").isEqualTo(StopOutcome.CLEAN);
    }

    @Test
    void aJvmThatHadExitedIsNotACleanStop() throws Exception {
        JavaProcess p = process(Quitter.class, "quitter");
        p.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            try {
                p.checkAlive();
                return false;
            } catch (BenchAborted e) {
                return true;
            }
        });

        StopOutcome outcome = p.stop();

        assertThat(outcome.clean()).isFalse();
        assertThat(outcome.kind()).isEqualTo(StopOutcome.Kind.HAD_EXITED);
        assertThat(outcome.says()).isEqualTo("had already exited with code 3 before it was stopped");
    }

    private JavaProcess process(Class<?> main, String name) {
        return new JavaProcess(name, System.getProperty("java.class.path"), main.getName(), List.of("-Xmx32m"), List.of(),
                dir.resolve(name + ".log"));
    }

    /** Runs until it is stopped. */
    public static final class Sleeper {
        public static void main(String[] args) throws InterruptedException {
            System.out.println("sleeping");
            Thread.sleep(600_000);
        }
    }

    /** Exits at once with code 3. */
    public static final class Quitter {
        public static void main(String[] args) {
            System.exit(3);
        }
    }
}
