package io.ferry.devstack.local;

import io.ferry.devstack.DevstackException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One directory per server instance, named after the server and this JVM, holding an {@code owner.pid}
 * file. Before handing out new directories it reaps the ones whose owning JVM is gone: a server still
 * running there (the JVM was killed before its watchdog could act) is killed and the data deleted.
 */
final class InstanceDirs {

    private static final Logger log = LoggerFactory.getLogger(InstanceDirs.class);
    private static final String OWNER_FILE = "owner.pid";
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final Path root;
    private final Path reachableRoot;

    InstanceDirs(Path root) {
        this.root = root.toAbsolutePath();
        // Directories an unprivileged server user must enter: /root/... is closed to it, so as root
        // such servers live under the temporary directory when the given one is not reachable.
        this.reachableRoot = PosixUser.currentIsRoot() && !PosixUser.othersCanReach(this.root)
                ? Path.of(System.getProperty("java.io.tmpdir"), "ferry-devstack-reachable")
                : this.root;
        reapStale(this.root);
        if (!reachableRoot.equals(this.root)) {
            reapStale(reachableRoot);
        }
    }

    /**
     * A fresh directory for one server.
     *
     * @param foreignUser true when a server running as another user must enter it
     */
    Path create(String server, boolean foreignUser) {
        Path parent = foreignUser ? reachableRoot : root;
        if (foreignUser && !parent.equals(root)) {
            log.info("devstack: {} keeps its data under {} because {} is closed to other users", server, parent, root);
        }
        Path dir = parent.resolve(server + "-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet());
        try {
            Files.createDirectories(dir);
            if (foreignUser) {
                Files.setPosixFilePermissions(parent, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            ProcessHandle self = ProcessHandle.current();
            String started = self.info().startInstant().map(Instant::toString).orElse("");
            Files.writeString(dir.resolve(OWNER_FILE), self.pid() + " " + started + "\n");
            return dir;
        } catch (IOException e) {
            throw new DevstackException("cannot create the data directory " + dir + " (set -Dferry.devstack.dir)", e);
        }
    }

    /** Kills servers left behind by dead JVMs under {@code root} and deletes their directories. */
    static void reapStale(Path root) {
        if (!Files.isDirectory(root)) {
            return;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path dir : dirs) {
                Path owner = dir.resolve(OWNER_FILE);
                if (Files.exists(owner) && !ownerAlive(owner)) {
                    serverPid(dir).flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive)
                            .filter(p -> startedBefore(p, dir.resolve("server.pid"))).ifPresent(p -> {
                        log.warn("devstack: killing server pid {} left running by a dead JVM in {}", p.pid(), dir);
                        p.destroyForcibly();
                    });
                    Binaries.deleteTree(dir);
                }
            }
        } catch (IOException e) {
            log.warn("devstack: could not clean stale server directories under {}: {}", root, e.toString());
        }
    }

    private static boolean ownerAlive(Path ownerFile) throws IOException {
        String[] parts = Files.readString(ownerFile).trim().split(" ");
        Optional<ProcessHandle> handle;
        try {
            handle = ProcessHandle.of(Long.parseLong(parts[0]));
        } catch (NumberFormatException e) {
            return false;
        }
        if (handle.isEmpty() || !handle.get().isAlive()) {
            return false;
        }
        // A pid can be reused: it is the same JVM only if it started when the file says.
        String recorded = parts.length > 1 ? parts[1] : "";
        return recorded.isEmpty() || handle.get().info().startInstant().map(Instant::toString).orElse("").equals(recorded);
    }

    /**
     * The pid in server.pid is the server only if that process already ran when the file was written;
     * a process started later got the pid by reuse and must not be killed.
     */
    private static boolean startedBefore(ProcessHandle p, Path pidFile) {
        try {
            Instant written = Files.getLastModifiedTime(pidFile).toInstant();
            return p.info().startInstant().map(started -> !started.isAfter(written.plusSeconds(1))).orElse(false);
        } catch (IOException e) {
            return false;
        }
    }

    private static Optional<Long> serverPid(Path dir) {
        try {
            return Optional.of(Long.parseLong(Files.readString(dir.resolve("server.pid")).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }
}
