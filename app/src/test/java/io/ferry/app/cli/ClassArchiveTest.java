package io.ferry.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassArchiveTest {

    @TempDir
    Path dir;

    @Test
    void theArchiveLivesBesideTheJarNamedAfterTheJavaThatRunsIt() throws Exception {
        Path javaHome = Files.createDirectories(dir.resolve("jdk/bin")).getParent();
        Files.writeString(javaHome.resolve("bin/java"), "");
        Files.setLastModifiedTime(javaHome.resolve("bin/java"), FileTime.fromMillis(1_700_000_000_000L));
        Path jar = Files.writeString(Files.createDirectories(dir.resolve("app")).resolve("ferry-app.jar"), "jar");

        assertThat(ClassArchive.archiveFor(jar, javaHome)).contains(dir.resolve("app/ferry-run-1700000000.jsa"));
        assertThat(ClassArchive.archiveFor(jar, dir.resolve("no-jdk"))).isEmpty();
    }

    @Test
    void anArchiveIsFreshOnlyWhenNewerThanTheJarTheLibDirectoryAndEveryJarInIt() throws Exception {
        Path jar = Files.writeString(dir.resolve("ferry-app.jar"), "jar");
        Path lib = Files.createDirectories(dir.resolve("lib"));
        Path dep = Files.writeString(lib.resolve("dep.jar"), "dep");
        Path archive = dir.resolve("ferry-run-1.jsa");
        assertThat(ClassArchive.fresh(archive, jar)).as("missing").isFalse();

        Files.writeString(archive, "archive");
        at(jar, 1_000);
        at(dep, 1_000);
        at(lib, 1_000);
        at(archive, 2_000);
        assertThat(ClassArchive.fresh(archive, jar)).isTrue();

        at(dep, 3_000);
        assertThat(ClassArchive.fresh(archive, jar)).as("a dependency rebuilt").isFalse();
        at(dep, 1_000);
        at(lib, 3_000);
        assertThat(ClassArchive.fresh(archive, jar)).as("a jar added to or removed from lib").isFalse();
        at(lib, 1_000);
        at(jar, 3_000);
        assertThat(ClassArchive.fresh(archive, jar)).as("the jar rebuilt").isFalse();
    }

    @Test
    void onlyARunOfAtLeastTheMinimumWritesTheArchive() {
        assertThat(ClassArchive.longEnough(ClassArchive.MIN_RUN.minus(Duration.ofSeconds(1)))).isFalse();
        assertThat(ClassArchive.longEnough(ClassArchive.MIN_RUN)).isTrue();
        System.setProperty("ferry.cds.min_run_seconds", "2");
        try {
            assertThat(ClassArchive.longEnough(Duration.ofSeconds(3))).isTrue();
            assertThat(ClassArchive.longEnough(Duration.ofSeconds(1))).isFalse();
        } finally {
            System.clearProperty("ferry.cds.min_run_seconds");
        }
    }

    @Test
    void optionsNamingAnAgentOrACdsSettingLeaveTheArchiveOut() throws Exception {
        Path javaHome = Files.createDirectories(dir.resolve("jdk/bin")).getParent();
        Files.writeString(javaHome.resolve("bin/java"), "");
        Path jar = Files.writeString(dir.resolve("ferry-app.jar"), "jar");
        assertThat(ClassArchive.launchOptions(jar, javaHome, List.of())).as("a JDK without its default archive").isEmpty();

        Files.createDirectories(javaHome.resolve("lib/server"));
        Files.writeString(javaHome.resolve("lib/server/classes.jsa"), "");
        assertThat(ClassArchive.launchOptions(jar, javaHome, List.of("-Xmx512m"))).contains("-XX:+RecordDynamicDumpInfo");
        for (String option : List.of("-javaagent:/opt/otel.jar", "-agentlib:jdwp=transport=dt_socket", "-agentpath:/p/libasyncProfiler.so",
                "-Xshare:off", "-XX:SharedArchiveFile=/tmp/a.jsa", "-XX:ArchiveClassesAtExit=/tmp/b.jsa",
                // Java 25's ahead-of-time cache, which takes the place of the class archive (README, Performance)
                "-XX:AOTCache=/tmp/ferry.aot", "-XX:AOTCacheOutput=/tmp/ferry.aot", "-XX:AOTMode=record", "-XX:AOTConfiguration=/tmp/f.aotconf")) {
            assertThat(ClassArchive.launchOptions(jar, javaHome, List.of("-Xmx512m", option))).as(option).isEmpty();
        }
    }

    private static void at(Path p, long seconds) throws Exception {
        Files.setLastModifiedTime(p, FileTime.fromMillis(1_700_000_000_000L + seconds * 1000));
    }
}
