package io.ferry.app.service;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A directory a self-contained run (the demo, the benchmark) owns: wiped before each run, but only when it is
 * empty or holds a previous run's pipeline file, so a mistyped path never deletes someone's data.
 */
public final class ScratchDirectory {

    /** The file every run writes first; its presence marks the directory as a previous run's. */
    public static final String PIPELINE_FILE = "pipeline.yaml";

    private ScratchDirectory() {
    }

    /**
     * @param owner what owns such directories, for the error ("demo", "benchmark")
     * @throws IllegalArgumentException when {@code dir} holds something other than a previous run
     */
    public static void prepare(Path dir, String owner) throws IOException {
        if (Files.isDirectory(dir) && !Files.exists(dir.resolve(PIPELINE_FILE))) {
            try (Stream<Path> entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalArgumentException(dir + " is not empty and no earlier " + owner
                            + "'s directory; choose another with --data-dir");
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
