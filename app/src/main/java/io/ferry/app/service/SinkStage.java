package io.ferry.app.service;

import io.ferry.core.config.SinkSettings;
import io.ferry.core.spi.Sink;
import io.ferry.core.spi.SinkFactories;
import io.ferry.sinks.runtime.RuntimeSinkContext;
import io.ferry.sinks.runtime.SinkMetrics;
import io.ferry.sinks.runtime.SinkRunner;

/**
 * The sink role for one sink of the pipeline: its consumer group spreads the target topics' partitions
 * over every process with this role.
 */
final class SinkStage implements Stage {

    private final ServiceContext context;
    private final SinkSettings settings;
    private final TargetShapesView shapes;
    private final SinkMetrics metrics;
    private SinkRunner runner;

    SinkStage(ServiceContext context, SinkSettings settings, TargetShapesView shapes) {
        this.context = context;
        this.settings = settings;
        this.shapes = shapes;
        this.metrics = new SinkMetrics(context.registry(), context.pipeline(), settings.name());
    }

    @Override
    public void start() {
        Sink sink = SinkFactories.load().require(settings.type()).create(new RuntimeSinkContext(context.pipeline(), settings.name(),
                settings.options(), () -> shapes.forSink(settings.name())));
        runner = new SinkRunner(context.pipeline(), settings.name(), sink, settings.options(), context.clientBase(), metrics);
        runner.awaitTables(() -> shapes.forSink(settings.name()).keySet());
        runner.start();
    }

    String name() {
        return settings.name();
    }

    SinkMetrics metrics() {
        return metrics;
    }

    @Override
    public StageStatus status() {
        String stage = "sink " + settings.name();
        if (runner == null) {
            return new StageStatus(stage, "STARTING", "");
        }
        if (runner.isRunning()) {
            return new StageStatus(stage, "RUNNING", "");
        }
        return new StageStatus(stage, "FAILED", runner.failure().map(Throwable::getMessage).orElse("stopped"));
    }

    @Override
    public void close() {
        if (runner != null) {
            runner.close();
        }
    }
}
