package io.ferry.app.bench;

import io.ferry.app.cli.ClassArchive;
import io.ferry.app.cli.Ferry;
import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Ferry as an operator runs it: {@code ferry run --config FILE} in its own JVM (every role, the embedded Kafka in it, or
 * with {@code --ferry-kafka external} a broker in a JVM of its own, as the peer's, whose figures are added), so its CPU time
 * and peak RSS are its own. Stopping is SIGTERM (the service closes cleanly); starting again runs a new JVM
 * on the same data directory. Like {@code bin/ferry}, it launches Ferry with the class archive beside its jar
 * ({@link ClassArchive}): a run that finds none writes it when it stops, so the first start of a fresh build goes without.
 */
final class FerryContender extends JvmContender {

    static final String NOTE = "Ferry's JVM (`ferry run`, every role, its embedded Kafka included)";
    static final String NOTE_EXTERNAL = "Ferry's JVM (`ferry run`, every role) and its broker's JVM (Kafka's default heap, "
            + String.join(" ", BenchBroker.JVM_OPTIONS) + "), CPU seconds and peak RSS added";

    /** {@code broker}: the broker of its own that the pipeline file names ({@code --ferry-kafka external}), or null. */
    FerryContender(String pipelineName, Path pipelineFile, List<String> jvmOptions, Path log, JavaProcess broker) {
        super(new JavaProcess("ferry run", classpath(), Ferry.class.getName(), jvmOptions, () -> classArchive(jvmOptions),
                List.of("run", "--config", pipelineFile.toString()), log), "pipeline " + pipelineName + " running",
                broker == null ? NOTE : NOTE_EXTERNAL);
        if (broker != null) {
            companion(broker);
        }
    }

    /** The benchmark's own class path, absolute (a class archive is valid only for the class path it was written with). */
    private static String classpath() {
        return Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(p -> Path.of(p).toAbsolutePath().toString()).collect(Collectors.joining(File.pathSeparator));
    }

    /** As {@code bin/ferry} runs it: with the class archive beside the jar when there is one, writing it otherwise. */
    private static List<String> classArchive(List<String> jvmOptions) {
        String cp = classpath();
        if (cp.contains(File.pathSeparator)) {
            return List.of();
        }
        return ClassArchive.launchOptions(Path.of(cp), Path.of(System.getProperty("java.home")), jvmOptions);
    }
}
