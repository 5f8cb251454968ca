package io.ferry.app.bench;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the peer's classpath: the file the {@code bench-peer} module writes ({@code bench-peer/target/peer.classpath},
 * Kafka Connect with Debezium's connectors, resolved by Maven), looked for above where Ferry's classes were loaded from
 * (the source tree {@code bin/ferry} runs from) unless given.
 */
final class PeerClasspath {

    static final String FILE = "bench-peer/target/peer.classpath";
    static final String BUILD = "./mvnw -q -DskipTests package (or ./mvnw -q -pl bench-peer generate-resources)";

    private PeerClasspath() {
    }

    /**
     * @param given the file named by {@code --peer-classpath}, or null to look for it
     * @throws BenchAborted naming the file and how to make it, when there is none
     */
    static String read(Path given) throws BenchAborted {
        Path file = given != null ? given : find();
        if (file == null || !Files.isRegularFile(file)) {
            throw new BenchAborted("the peer's classpath " + (file == null ? FILE + " was not found above " + codeSource() : file
                    + " does not exist") + ": build it with " + BUILD + ", pass --peer-classpath FILE, or leave the peer out (--no-peer)");
        }
        try {
            String classpath = Files.readString(file).trim();
            if (classpath.isEmpty()) {
                throw new BenchAborted("the peer's classpath " + file + " is empty: build it again with " + BUILD);
            }
            return classpath;
        } catch (IOException e) {
            throw new BenchAborted("cannot read the peer's classpath " + file + ": " + e.getMessage(), e);
        }
    }

    private static Path find() {
        Path at = codeSource();
        for (int up = 0; at != null && up < 5; up++, at = at.getParent()) {
            Path candidate = at.resolve(FILE);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static Path codeSource() {
        try {
            return Path.of(PeerClasspath.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath();
        } catch (URISyntaxException | RuntimeException e) {
            return Path.of("").toAbsolutePath();
        }
    }
}
