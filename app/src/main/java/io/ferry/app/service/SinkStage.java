package io.ferry.app.service;

import io.ferry.core.config.SinkSettings;
import io.ferry.core.spi.Sink;
import io.ferry.core.spi.SinkFactories;
import io.ferry.sinks.runtime.DirectDecoder;
import io.ferry.sinks.runtime.RuntimeSinkContext;
import io.ferry.sinks.runtime.SinkMetrics;
import io.ferry.sinks.runtime.SinkRunner;
import io.ferry.transform.direct.DirectMapper;
import io.ferry.transform.direct.DirectMappings;
import io.ferry.transform.mapping.TargetMapping;
import java.util.List;
import java.util.Set;

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
        List<TargetMapping> direct = DirectMappings.forSink(DirectMappings.of(context.config()), settings.name());
        if (!direct.isEmpty()) {
            runner.readDirect(decoder(new DirectMapper(context.pipeline(), context.config().source().timeZone(), direct)));
        }
        runner.start();
    }

    /** The direct mappings' decoder, handed to the sink runner (the sinks module does not know the mappings). */
    private static DirectDecoder decoder(DirectMapper mapper) {
        return new DirectDecoder() {
            @Override
            public Set<String> topics() {
                return mapper.topics();
            }

            @Override
            public Decoded decode(String topic, byte[] key, byte[] value) {
                DirectMapper.Result r = mapper.map(topic, key, value);
                return new Decoded(r.events(), r.failures().stream()
                        .map(f -> new DirectDecoder.Rejection(f.mapping(), f.reason(), f.error())).toList());
            }
        };
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
