package io.ferry.app.cli;

import io.ferry.core.config.ConfigPrinter;
import io.ferry.core.config.PipelineConfig;
import io.ferry.core.config.PipelineLoader;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ferry config check FILE}. */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Works with pipeline files.",
        subcommands = ConfigCommand.Check.class)
final class ConfigCommand {

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Loads a pipeline file and every stage's checks (options, mappings, sink types) without connecting to anything.",
                "Prints every error at once (file, line, key path, did-you-mean), or the effective configuration with secrets masked."})
    static final class Check implements Callable<Integer> {

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "The pipeline file.")
        Path file;

        @Override
        public Integer call() {
            PipelineConfig config = PipelineLoader.standard().load(file);
            spec.commandLine().getOut().println("# " + file + ": OK, pipeline '" + config.pipeline().name() + "', " + config.sinks().size()
                    + " sink" + (config.sinks().size() == 1 ? "" : "s"));
            spec.commandLine().getOut().print(ConfigPrinter.print(config));
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
