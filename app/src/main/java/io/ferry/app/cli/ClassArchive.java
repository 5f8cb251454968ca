package io.ferry.app.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Class-data sharing for {@code ferry run} (Java 17's dynamic AppCDS archive): a start maps the classes the last run
 * loaded from one file instead of reading, parsing and verifying them from the jars again (about 1.5 s of a 5.5 s start
 * on two cores, README, Performance). The archive lives next to the jar ({@code ferry-run-<key>.jsa}, the key being the
 * Java executable's modification time, so another JDK gets its own); a rebuilt jar makes it stale.
 *
 * <p>{@code bin/ferry} and the benchmark launch {@code run} the same way ({@link #launchOptions}): with a fresh archive,
 * {@code -XX:SharedArchiveFile}; without one, {@code -XX:+RecordDynamicDumpInfo} and the system property
 * {@value #PROPERTY}, and the run writes the archive in its shutdown hook when it ran for at least {@link #MIN_RUN}
 * ({@link #writeIfAsked}): a run that failed at once would archive too few classes to help. FERRY_CDS=off (or the
 * system property {@code ferry.cds=off}) leaves it all out. The JVM checks the archive against the jars and itself when
 * mapping it, and runs without it (silently: its cds log is turned off) when they differ.
 *
 * <p>On Java {@value #AOT_FROM} and later the ahead-of-time cache takes the archive's place ({@code ferry-run-<key>.aot}):
 * besides the classes, loaded and linked, it keeps the JIT's method profiles of the run that wrote it (JEP 483, 515), so a
 * restarted Ferry compiles its hot paths at once (README, Performance, session 14). A run without a trained cache starts
 * with {@code -XX:AOTCacheOutput}, and the JVM writes the cache as it exits, after the shutdown hooks: the hook can only
 * say whether the run was long enough, by writing the marker {@code <cache>.ok} ({@value #AOT_PROPERTY}); a later start
 * uses the cache only when the marker is fresh and the cache no older than it.
 */
public final class ClassArchive {

    /** The system property naming the archive a run writes when it stops. */
    public static final String PROPERTY = "ferry.cds.archive";
    /** The system property naming the marker a run on Java 25+ writes when it ran long enough to train the AOT cache. */
    public static final String AOT_PROPERTY = "ferry.aot.marker";
    /** The first Java whose AOT cache keeps method profiles and is written by the training run itself (JEP 514, 515). */
    static final int AOT_FROM = 25;
    /** A run shorter than this writes no archive (the system property {@code ferry.cds.min_run_seconds} sets it). */
    static final Duration MIN_RUN = Duration.ofSeconds(20);
    /** JVM options under which Ferry leaves class-data sharing to the user (what bin/ferry's case matches too). */
    static final List<String> CONFLICTING = List.of("-javaagent", "-agentlib", "-agentpath", "-Xrun", "-Xshare",
            "SharedArchiveFile", "ArchiveClassesAtExit", "DynamicDumpInfo", "AOTCache", "AOTMode", "AOTConfiguration");

    private static final Logger log = LoggerFactory.getLogger(ClassArchive.class);

    private ClassArchive() {
    }

    /**
     * The JVM options for launching {@code ferry run} from {@code jar} with the Java at {@code javaHome}, beside the given
     * JVM options: map the archive when it is fresh, record what is needed to write one otherwise. None when the jar is
     * not a file (a build's classes directory), FERRY_CDS or {@code ferry.cds} is {@code off}, a JDK before Java
     * {@value #AOT_FROM} has no default archive to write a dynamic one on top of, or the JVM options (with JAVA_TOOL_OPTIONS and JDK_JAVA_OPTIONS) name an
     * agent or a CDS setting of their own (Java 25's ahead-of-time cache options among them, which take the archive's
     * place): a JVM recording for a dump refuses agents at start.
     */
    public static List<String> launchOptions(Path jar, Path javaHome, List<String> jvmOptions) {
        if ("off".equals(System.getProperty("ferry.cds")) || "off".equals(System.getenv("FERRY_CDS")) || !Files.isRegularFile(jar)) {
            return List.of();
        }
        String all = String.join(" ", jvmOptions) + " " + Optional.ofNullable(System.getenv("JAVA_TOOL_OPTIONS")).orElse("")
                + " " + Optional.ofNullable(System.getenv("JDK_JAVA_OPTIONS")).orElse("");
        if (CONFLICTING.stream().anyMatch(all::contains)) {
            return List.of();
        }
        Optional<Path> archive = archiveFor(jar, javaHome);
        if (archive.isEmpty()) {
            return List.of();
        }
        if (featureVersion(javaHome) >= AOT_FROM) {
            return aotOptions(aotCacheFor(archive.get()), jar);
        }
        if (!Files.isRegularFile(javaHome.resolve("lib").resolve("server").resolve("classes.jsa"))) {
            return List.of();
        }
        Path file = archive.get();
        List<String> options = new ArrayList<>();
        if (fresh(file, jar)) {
            options.add("-XX:SharedArchiveFile=" + file);
        } else if (Files.isWritable(file.getParent())) {
            options.add("-XX:+RecordDynamicDumpInfo");
            options.add("-D" + PROPERTY + "=" + file);
        } else {
            return List.of();
        }
        // the JVM warns about every class it cannot archive (picocli's are too old) and about an archive it cannot map
        options.add("-Xlog:cds=off");
        options.add("-Xlog:cds+dynamic=off");
        return options;
    }

    /** Java 25+: use the cache a long enough run trained, or train it in this run when the directory is writable. */
    private static List<String> aotOptions(Path cache, Path jar) {
        Path marker = markerFor(cache);
        List<String> options = new ArrayList<>();
        if (trained(cache, marker, jar)) {
            options.add("-XX:AOTCache=" + cache);
        } else if (Files.isWritable(cache.getParent())) {
            options.add("-XX:AOTCacheOutput=" + cache);
            options.add("-D" + AOT_PROPERTY + "=" + marker);
        } else {
            return List.of();
        }
        // the JVM warns about classes it cannot cache and code stubs it cannot link, and runs on
        options.add("-Xlog:aot*=off");
        options.add("-Xlog:cds*=off");
        return options;
    }

    /** The Java's feature version from its {@code release} file ({@code JAVA_VERSION="25.0.3"}: 25); 0 when unknown. */
    static int featureVersion(Path javaHome) {
        try (Stream<String> lines = Files.lines(javaHome.resolve("release"))) {
            return lines.filter(l -> l.startsWith("JAVA_VERSION=")).findFirst()
                    .map(l -> l.substring("JAVA_VERSION=".length()).replace("\"", "").split("[.+-]")[0])
                    .filter(v -> v.matches("\\d{1,3}")).map(Integer::parseInt).orElse(0);
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }

    /** The AOT cache beside the class archive's name: {@code ferry-run-<key>.aot}. */
    static Path aotCacheFor(Path archive) {
        String name = archive.getFileName().toString();
        return archive.resolveSibling(name.substring(0, name.length() - ".jsa".length()) + ".aot");
    }

    static Path markerFor(Path cache) {
        return cache.resolveSibling(cache.getFileName() + ".ok");
    }

    /** A long enough run wrote the cache for this jar: the marker fresh ({@link #fresh}), the cache no older than it. */
    static boolean trained(Path cache, Path marker, Path jar) {
        if (!Files.isRegularFile(cache) || !fresh(marker, jar)) {
            return false;
        }
        try {
            return Files.getLastModifiedTime(cache).compareTo(Files.getLastModifiedTime(marker)) >= 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** {@code <jar's directory>/ferry-run-<modification time of javaHome/bin/java, in seconds>.jsa}. */
    static Optional<Path> archiveFor(Path jar, Path javaHome) {
        try {
            long key = Files.getLastModifiedTime(javaHome.resolve("bin").resolve("java")).toMillis() / 1000;
            return Optional.of(jar.toAbsolutePath().resolveSibling("ferry-run-" + key + ".jsa"));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Newer than the jar, the lib directory beside it and every jar in it (what {@code bin/ferry}'s find checks). */
    static boolean fresh(Path archive, Path jar) {
        try {
            if (!Files.isRegularFile(archive)) {
                return false;
            }
            long made = Files.getLastModifiedTime(archive).toMillis();
            if (Files.getLastModifiedTime(jar).toMillis() > made) {
                return false;
            }
            Path lib = jar.toAbsolutePath().resolveSibling("lib");
            if (!Files.isDirectory(lib)) {
                return true;
            }
            if (Files.getLastModifiedTime(lib).toMillis() > made) {
                return false;
            }
            try (Stream<Path> jars = Files.list(lib)) {
                return jars.noneMatch(j -> {
                    try {
                        return Files.getLastModifiedTime(j).toMillis() > made;
                    } catch (IOException e) {
                        return true;
                    }
                });
            }
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Writes the archive this JVM was asked for ({@value #PROPERTY}) when it ran for at least {@link #MIN_RUN}: first to
     * a file of its own, then moved into place, so a start never maps a half-written archive. Also removes the archives
     * of other JDKs beside it. Never throws: without an archive the next start is only slower.
     */
    static void writeIfAsked(Duration ranFor) {
        markIfAsked(ranFor);
        String target = System.getProperty(PROPERTY);
        if (target == null || target.isBlank()) {
            return;
        }
        Path file = Path.of(target);
        if (!longEnough(ranFor)) {
            log.info("no class archive written: this run lasted {} s, under {} s", ranFor.toSeconds(), minRun().toSeconds());
            return;
        }
        Path partial = file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid() + ".part");
        long t0 = System.nanoTime();
        try {
            Object said = ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "vmCds", new Object[] {new String[] {"dynamic_dump", partial.toString()}},
                    new String[] {String[].class.getName()});
            if (!Files.isRegularFile(partial)) {
                log.warn("the JVM wrote no class archive to {}: {}", partial, String.valueOf(said).strip());
                return;
            }
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            removeOthers(file, ".jsa");
            log.info("wrote the class archive {} ({} MiB, {} ms): later starts map their classes from it", file,
                    Files.size(file) >> 20, (System.nanoTime() - t0) / 1_000_000);
        } catch (Exception e) {
            log.warn("could not write the class archive {}: {}", file, e.toString());
        } finally {
            try {
                Files.deleteIfExists(partial);
                // the JVM writes <partial>.temp first: left behind when the dump failed half-way
                Files.deleteIfExists(partial.resolveSibling(partial.getFileName() + ".temp"));
            } catch (IOException ignored) {
                // a leftover part file is never mapped
            }
        }
    }

    /**
     * Java 25+: writes the marker this JVM was asked for ({@value #AOT_PROPERTY}) when it ran for at least {@link #MIN_RUN},
     * so the AOT cache the JVM writes as it exits is used by later starts; removes it otherwise. Never throws.
     */
    static void markIfAsked(Duration ranFor) {
        String target = System.getProperty(AOT_PROPERTY);
        if (target == null || target.isBlank()) {
            return;
        }
        Path marker = Path.of(target);
        Path cache = marker.resolveSibling(marker.getFileName().toString().replaceFirst("\\.ok$", ""));
        try {
            if (!longEnough(ranFor)) {
                Files.deleteIfExists(marker);
                log.info("the AOT cache this run writes as it exits will not be used: the run lasted {} s, under {} s",
                        ranFor.toSeconds(), minRun().toSeconds());
                return;
            }
            Files.writeString(marker, "the run that wrote the AOT cache beside this file lasted " + ranFor.toSeconds() + " s\n");
            removeOthers(cache, ".aot", ".aot.ok");
            log.info("the JVM writes the AOT cache {} as it exits (this stop takes some seconds longer): later starts begin with"
                    + " this run's classes and profiles", cache);
        } catch (IOException e) {
            log.warn("could not mark the AOT cache as trained ({}): later starts train it again", e.toString());
        }
    }

    /** Whether a run of this length writes the archive: at least {@link #MIN_RUN} or {@code ferry.cds.min_run_seconds}. */
    static boolean longEnough(Duration ranFor) {
        return ranFor.compareTo(minRun()) >= 0;
    }

    private static Duration minRun() {
        return Duration.ofSeconds(Long.getLong("ferry.cds.min_run_seconds", MIN_RUN.toSeconds()));
    }

    /**
     * Removes the files of other JDKs beside {@code kept} ({@code ferry-run-<other key><suffix>}): each JDK's archive or
     * cache is as large as its heap of classes (75-110 MB), and a replaced JDK's would stay for good.
     */
    private static void removeOthers(Path kept, String... suffixes) throws IOException {
        String keptName = kept.getFileName().toString();
        String keptKey = keptName.substring(0, keptName.indexOf('.'));
        try (Stream<Path> siblings = Files.list(kept.getParent())) {
            for (Path p : siblings.toList()) {
                String name = p.getFileName().toString();
                int dot = name.indexOf('.');
                if (name.startsWith("ferry-run-") && dot > 0 && !name.substring(0, dot).equals(keptKey)
                        && Stream.of(suffixes).anyMatch(s -> name.substring(dot).equals(s))) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
