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

    @Test
    void theJavaVersionComesFromTheReleaseFile() throws Exception {
        Path home = Files.createDirectories(dir.resolve("jdk"));
        assertThat(ClassArchive.featureVersion(home)).as("no release file").isZero();
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"Eclipse Adoptium\"\nJAVA_VERSION=\"25.0.3\"\n");
        assertThat(ClassArchive.featureVersion(home)).isEqualTo(25);
        Files.writeString(home.resolve("release"), "JAVA_VERSION=\"17.0.15\"\n");
        assertThat(ClassArchive.featureVersion(home)).isEqualTo(17);
        Files.writeString(home.resolve("release"), "JAVA_VERSION=\"26-ea\"\n");
        assertThat(ClassArchive.featureVersion(home)).isEqualTo(26);
        Files.writeString(home.resolve("release"), "JAVA_VERSION=\"garbage\"\n");
        assertThat(ClassArchive.featureVersion(home)).isZero();
    }

    @Test
    void onJava25TheAotCacheIsTrainedByALongRunAndUsedByTheNext() throws Exception {
        Path javaHome = Files.createDirectories(dir.resolve("jdk25/bin")).getParent();
        Files.writeString(javaHome.resolve("bin/java"), "");
        at(javaHome.resolve("bin/java"), 0);
        Files.writeString(javaHome.resolve("release"), "JAVA_VERSION=\"25.0.3\"\n"); // no classes.jsa: not needed for the cache
        Path app = Files.createDirectories(dir.resolve("app"));
        Path jar = Files.writeString(app.resolve("ferry-app.jar"), "jar");
        at(jar, 1_000);
        Path cache = app.resolve("ferry-run-1700000000.aot");
        Path marker = app.resolve("ferry-run-1700000000.aot.ok");

        List<String> first = ClassArchive.launchOptions(jar, javaHome, List.of("-Xmx512m"));
        assertThat(first).as("nothing trained yet").contains("-XX:AOTCacheOutput=" + cache, "-Dferry.aot.marker=" + marker, "-Xlog:aot*=off")
                .noneMatch(o -> o.contains("SharedArchiveFile") || o.contains("DynamicDumpInfo") || o.startsWith("-XX:AOTCache="));

        Path otherCache = Files.writeString(app.resolve("ferry-run-1600000000.aot"), "another JDK's cache");
        Path otherMarker = Files.writeString(app.resolve("ferry-run-1600000000.aot.ok"), "");
        Path otherArchive = Files.writeString(app.resolve("ferry-run-1600000000.jsa"), "Java 17's archive");
        System.setProperty(ClassArchive.AOT_PROPERTY, marker.toString());
        try {
            ClassArchive.markIfAsked(ClassArchive.MIN_RUN.minus(Duration.ofSeconds(1)));
            assertThat(marker).as("a short run marks nothing").doesNotExist();
            assertThat(otherCache).as("a short run removes nothing").exists();
            ClassArchive.markIfAsked(ClassArchive.MIN_RUN);
            assertThat(marker).exists();
            assertThat(otherCache).as("another JDK's cache goes once this one is trained").doesNotExist();
            assertThat(otherMarker).doesNotExist();
            assertThat(otherArchive).as("a class archive is the archive's own business").exists();
        } finally {
            System.clearProperty(ClassArchive.AOT_PROPERTY);
        }
        at(marker, 2_000);
        Files.writeString(cache, "cache"); // the JVM writes it as it exits, after the marker
        at(cache, 2_010);
        assertThat(ClassArchive.launchOptions(jar, javaHome, List.of("-Xmx512m"))).contains("-XX:AOTCache=" + cache)
                .noneMatch(o -> o.startsWith("-XX:AOTCacheOutput") || o.startsWith("-Dferry.aot.marker"));

        at(cache, 1_500);
        assertThat(ClassArchive.launchOptions(jar, javaHome, List.of())).as("a cache older than the marker: not this run's")
                .contains("-XX:AOTCacheOutput=" + cache);
        at(cache, 2_010);
        at(jar, 3_000);
        assertThat(ClassArchive.launchOptions(jar, javaHome, List.of())).as("the jar rebuilt since").contains("-XX:AOTCacheOutput=" + cache);
        at(jar, 1_000);
        Files.delete(cache);
        assertThat(ClassArchive.launchOptions(jar, javaHome, List.of())).as("no cache written").contains("-XX:AOTCacheOutput=" + cache);
        assertThat(ClassArchive.launchOptions(jar, javaHome, List.of("-XX:AOTCache=/elsewhere.aot"))).as("the user's own cache").isEmpty();
    }

    private static void at(Path p, long seconds) throws Exception {
        Files.setLastModifiedTime(p, FileTime.fromMillis(1_700_000_000_000L + seconds * 1000));
    }
}
