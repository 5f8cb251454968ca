package io.ferry.app.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScratchDirectoryTest {

    @TempDir
    Path tmp;

    @Test
    void aPreviousRunsDirectoryIsWipedEvenWithoutAPipelineFileAtItsTop() throws Exception {
        Path dir = tmp.resolve("bench");
        ScratchDirectory.prepare(dir, "benchmark");
        Path left = Files.createDirectories(dir.resolve("runs").resolve("ferry-1"));
        Files.writeString(left.resolve("ferry.log"), "a run's log");

        ScratchDirectory.prepare(dir, "benchmark");

        assertThat(dir.resolve("runs")).doesNotExist();
        assertThat(dir).isDirectory();
    }

    @Test
    void aDirectoryOfSomethingElseIsRefusedAndKept() throws Exception {
        Path keep = Files.writeString(tmp.resolve("precious.txt"), "keep me");
        assertThatThrownBy(() -> ScratchDirectory.prepare(tmp, "demo")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no earlier demo's directory");
        assertThat(keep).hasContent("keep me");
    }

    @Test
    void aProjectDirectoryWithItsOwnPipelineFileIsRefusedAndKept() throws Exception {
        Path pipeline = Files.writeString(tmp.resolve(ScratchDirectory.PIPELINE_FILE), "pipeline: {}");
        Path other = Files.writeString(tmp.resolve("other"), "x");
        assertThatThrownBy(() -> ScratchDirectory.prepare(tmp, "demo")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no earlier demo's directory");
        assertThat(pipeline).hasContent("pipeline: {}");
        assertThat(other).hasContent("x");
    }

    @Test
    void aFileIsRefusedAndKept() throws Exception {
        Path file = Files.writeString(tmp.resolve("notes.txt"), "keep me");
        assertThatThrownBy(() -> ScratchDirectory.prepare(file, "benchmark")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is a file");
        assertThat(file).hasContent("keep me");
    }

    @Test
    void deleteRemovesATreeAndIgnoresAMissingPath() throws Exception {
        Path tree = Files.createDirectories(tmp.resolve("a").resolve("b"));
        Files.writeString(tree.resolve("f"), "x");
        ScratchDirectory.delete(tmp.resolve("a"));
        ScratchDirectory.delete(tmp.resolve("a"));
        assertThat(tmp.resolve("a")).doesNotExist();
    }
}
