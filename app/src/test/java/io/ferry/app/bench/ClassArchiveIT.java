package io.ferry.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.app.cli.ClassArchive;
import io.ferry.app.cli.Ferry;
import io.ferry.devstack.PostgresService;
import io.ferry.devstack.Service;
import io.ferry.devstack.junit.WithServices;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The class archive as {@code bin/ferry} and the benchmark use it, on the jar the build packaged: a first {@code ferry run}
 * writes it when it stops, the next start maps it ({@code -Xshare:on} makes a JVM that cannot map it fail at once).
 */
@WithServices(Service.POSTGRES)
class ClassArchiveIT {

    @Test
    void aRunWritesTheArchiveWhenItStopsAndTheNextStartMapsIt(PostgresService pg) throws Exception {
        Path built = Path.of("target", "ferry-app.jar").toAbsolutePath();
        assertThat(built).as("the packaged jar (the package phase runs before the integration tests)").isRegularFile();
        // A jar of its own beside the build's lib directory, so the archive is written here and not beside bin/ferry's jar.
        Path dir = Path.of("target", "class-archive-it").toAbsolutePath();
        deleteTree(dir);
        Files.createDirectories(dir);
        Path jar = Files.copy(built, dir.resolve("ferry-app.jar"));
        Files.createSymbolicLink(dir.resolve("lib"), built.resolveSibling("lib"));
        Path javaHome = Path.of(System.getProperty("java.home"));

        PostgresBenchSource source = new PostgresBenchSource(pg, "cds_source", true);
        PostgresBenchTarget target = new PostgresBenchTarget(pg, "cds_target");
        source.create(1_000);
        target.create(false);
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path file = dir.resolve("pipeline.yaml");
        Files.writeString(file, BenchPipeline.yaml(dir, source, target, port, true, null));

        List<String> first = ClassArchive.launchOptions(jar, javaHome, List.of("-Xmx512m"));
        assertThat(first).as("no archive yet: record what writing one needs").contains("-XX:+RecordDynamicDumpInfo")
                .noneMatch(o -> o.startsWith("-XX:SharedArchiveFile"));
        Path log = dir.resolve("ferry.log");
        List<String> firstRun = new ArrayList<>(first);
        firstRun.add("-Dferry.cds.min_run_seconds=2");
        run(jar, firstRun, file, log, Duration.ofSeconds(3));
        String written = Files.readString(log);
        assertThat(written).contains("wrote the class archive");
        Path archive;
        try (var files = Files.list(dir)) {
            archive = files.filter(p -> p.getFileName().toString().matches("ferry-run-\\d+\\.jsa")).findFirst().orElseThrow();
        }
        assertThat(Files.size(archive)).as("the classes of a running pipeline").isGreaterThan(10L << 20);

        List<String> second = ClassArchive.launchOptions(jar, javaHome, List.of("-Xmx512m"));
        assertThat(second).contains("-XX:SharedArchiveFile=" + archive).doesNotContain("-XX:+RecordDynamicDumpInfo");
        List<String> strict = new ArrayList<>(second);
        strict.add("-Xshare:on");
        run(jar, strict, file, dir.resolve("ferry-2.log"), Duration.ofSeconds(1));
        assertThat(ClassArchive.launchOptions(jar, javaHome, List.of("-Xmx512m", "-javaagent:/opt/agent.jar")))
                .as("a JVM recording for a dump refuses agents: left to the user").isEmpty();

        // a newer jar makes the archive stale
        Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(Files.getLastModifiedTime(archive).toMillis() + 2_000));
        assertThat(ClassArchive.launchOptions(jar, javaHome, List.of("-Xmx512m"))).contains("-XX:+RecordDynamicDumpInfo");
        source.drop();
        target.drop();
    }

    /** Runs Ferry on the pipeline until it says it is running and {@code ranFor} more, then stops it with SIGTERM. */
    private static void run(Path jar, List<String> options, Path pipeline, Path log, Duration ranFor) throws Exception {
        List<String> jvm = new ArrayList<>(List.of("-Xmx512m"));
        jvm.addAll(options);
        JavaProcess p = new JavaProcess("ferry run", jar.toString(), Ferry.class.getName(), jvm,
                List.of("run", "--config", pipeline.toString()), log);
        p.start();
        try {
            p.awaitLine("pipeline " + BenchPipeline.NAME + " running", Duration.ofMinutes(2));
            Thread.sleep(ranFor.toMillis());
            p.checkAlive();
        } finally {
            p.stop();
        }
    }

    private static void deleteTree(Path dir) throws Exception {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
