package io.ferry.devstack.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A JVM that starts a long-running child under the watchdog, prints the child's pid and waits to be
 * killed; {@link WatchdogIT} runs it and kills it with SIGKILL.
 */
public final class OrphanProbe {

    private OrphanProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        ServerProcess child = ServerProcess.start("sleeper", List.of("sleep", "600"), dir, "TERM", Map.of());
        while (child.serverPid().isEmpty()) {
            Thread.sleep(10);
        }
        System.out.println("server-pid=" + child.serverPid().get());
        System.out.flush();
        Thread.sleep(600_000);
    }
}
