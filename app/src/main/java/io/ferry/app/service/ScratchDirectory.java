package io.ferry.app.service;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A directory a self-contained run (the demo, the benchmark) owns: wiped before each run, but only when it is
 * empty or marked as a previous run's, so a mistyped path never deletes someone's data. (Until session 32 a directory
 * with a {@code pipeline.yaml} at its top counted as a run's too, as runs before the marker left them; a project's own
 * directory can hold one, and {@code --data-dir .} there deleted it.)
 */
public final class ScratchDirectory {

    /** The demo's pipeline file, at the top of its directory. */
    public static final String PIPELINE_FILE = "pipeline.yaml";
    /** What {@link #prepare} leaves in every directory it owns. */
    static final String MARKER = ".ferry-scratch";

    private ScratchDirectory() {
    }

    /**
     * Empties {@code dir} (or makes it) and marks it as this kind of run's.
     *
     * @param owner what owns such directories, for the error ("demo", "benchmark")
     * @throws IllegalArgumentException when {@code dir} holds something other than a previous run
     */
    public static void prepare(Path dir, String owner) throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException(dir + " is a file, not a directory; choose another with --data-dir");
        }
        // the marker alone says a directory is ours: a project's own directory may hold a pipeline.yaml too
        if (Files.isDirectory(dir) && !Files.exists(dir.resolve(MARKER))) {
            try (Stream<Path> entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalArgumentException(dir + " is not empty and no earlier " + owner
                            + "'s directory; choose another with --data-dir");
                }
            }
        }
        delete(dir);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(MARKER), "made by ferry " + owner + "; wiped by the next one\n");
    }

    /** Deletes {@code path} and everything under it; nothing when it does not exist. */
    public static void delete(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> all = Files.walk(path)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
