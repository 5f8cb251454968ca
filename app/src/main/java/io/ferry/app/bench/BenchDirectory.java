package io.ferry.app.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The benchmark's data directory: wiped before each run, but only when it is empty or a previous run's. */
public final class BenchDirectory {

    static final String PIPELINE_FILE = "pipeline.yaml";

    private BenchDirectory() {
    }

    /** @throws IllegalArgumentException when {@code dir} holds something other than a previous run */
    public static void prepare(Path dir) throws IOException {
        if (Files.isDirectory(dir) && !Files.exists(dir.resolve(PIPELINE_FILE))) {
            try (Stream<Path> entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalArgumentException(dir + " is not empty and no earlier benchmark's directory; choose another with --data-dir");
                }
            }
        }
        if (Files.exists(dir)) {
            try (Stream<Path> all = Files.walk(dir)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(dir);
    }
}
