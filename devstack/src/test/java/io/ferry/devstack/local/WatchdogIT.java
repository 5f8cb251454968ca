package io.ferry.devstack.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A server child must never outlive the JVM that started it, however that JVM ends. */
class WatchdogIT {

    @TempDir
    Path dir;

    @Test
    void stopEndsTheServer() throws Exception {
        ServerProcess p = ServerProcess.start("sleeper", List.of("sleep", "600"), dir, "TERM", Map.of());
        await().atMost(Duration.ofSeconds(30)).until(() -> p.serverPid().isPresent());
        ProcessHandle server = ProcessHandle.of(p.serverPid().orElseThrow()).orElseThrow();

        p.stop(Duration.ofSeconds(30));

        await().atMost(Duration.ofSeconds(30)).until(() -> !server.isAlive());
        assertThat(p.isAlive()).isFalse();
    }

    @Test
    void serverDiesWhenItsJvmIsKilled() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process jvm = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                OrphanProbe.class.getName(), dir.resolve("probe").toString())
                .redirectErrorStream(true).start();
        long serverPid;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            do {
                line = out.readLine();
            } while (line != null && !line.startsWith("server-pid="));
            assertThat(line).as("probe JVM output").isNotNull();
            serverPid = Long.parseLong(line.substring("server-pid=".length()));
        }
        ProcessHandle server = ProcessHandle.of(serverPid).orElseThrow();
        assertThat(server.isAlive()).isTrue();

        jvm.destroyForcibly(); // SIGKILL: no shutdown hook runs
        jvm.waitFor();

        await().atMost(Duration.ofSeconds(30)).until(() -> !server.isAlive());
        assertThat(Files.readString(dir.resolve("probe/server.pid")).trim()).isEqualTo(Long.toString(serverPid));
    }

    @Test
    void staleDirectoryOfADeadJvmIsReapedAndItsServerKilled() throws Exception {
        Path stale = dir.resolve("stale-root");
        Path instance = stale.resolve("postgres-1-1");
        Files.createDirectories(instance);
        // A server whose watchdog is gone (as after a kill -9 of the whole process group), owned by a
        // JVM pid that no longer exists.
        Process orphan = new ProcessBuilder("sleep", "600").start();
        Files.writeString(instance.resolve("server.pid"), Long.toString(orphan.pid()));
        Files.writeString(instance.resolve("owner.pid"), deadPid() + " 2000-01-01T00:00:00Z\n");

        InstanceDirs.reapStale(stale);

        await().atMost(Duration.ofSeconds(30)).until(() -> !orphan.isAlive());
        assertThat(instance).doesNotExist();
    }

    @Test
    void aProcessThatReusedTheServersPidIsLeftAlone() throws Exception {
        Path stale = dir.resolve("stale-root-2");
        Path instance = stale.resolve("mariadb-1-1");
        Files.createDirectories(instance);
        Process bystander = new ProcessBuilder("sleep", "600").start();
        try {
            Path pidFile = instance.resolve("server.pid");
            Files.writeString(pidFile, Long.toString(bystander.pid()));
            // the file was written an hour before this process existed: its pid was reused
            Files.setLastModifiedTime(pidFile, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(3600)));
            Files.writeString(instance.resolve("owner.pid"), deadPid() + " 2000-01-01T00:00:00Z\n");

            InstanceDirs.reapStale(stale);

            assertThat(instance).doesNotExist();
            assertThat(bystander.isAlive()).isTrue();
        } finally {
            bystander.destroyForcibly();
        }
    }

    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }
}
