package io.ferry.app.bench;

import io.ferry.app.cli.Ferry;
import java.nio.file.Path;
import java.util.List;

/**
 * Ferry as an operator runs it: {@code ferry run --config FILE} in its own JVM (every role, the embedded Kafka in it), so
 * its CPU time and peak RSS are its own. Stopping is SIGTERM (the service closes cleanly); starting again runs a new JVM
 * on the same data directory.
 */
final class FerryContender extends JvmContender {

    static final String NOTE = "Ferry's JVM (`ferry run`, every role, its embedded Kafka included)";

    FerryContender(String pipelineName, Path pipelineFile, List<String> jvmOptions, Path log) {
        super(new JavaProcess("ferry run", System.getProperty("java.class.path"), Ferry.class.getName(), jvmOptions,
                List.of("run", "--config", pipelineFile.toString()), log), "pipeline " + pipelineName + " running", NOTE);
    }
}
