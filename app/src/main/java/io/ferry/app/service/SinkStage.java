package io.ferry.app.service;

import io.ferry.core.config.SinkSettings;
import io.ferry.core.event.TableId;
import io.ferry.core.spi.Sink;
import io.ferry.core.spi.SinkFactories;
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
    private final SchemaCatalog catalog;
    private final SinkMetrics metrics;
    private SinkRunner runner;

    SinkStage(ServiceContext context, SinkSettings settings, TargetShapesView shapes, SchemaCatalog catalog) {
        this.context = context;
        this.settings = settings;
        this.shapes = shapes;
        this.catalog = catalog;
        this.metrics = new SinkMetrics(context.registry(), context.pipeline(), settings.name());
    }

    @Override
    public void start() {
        Sink sink = SinkFactories.load().require(settings.type()).create(new RuntimeSinkContext(context.pipeline(), settings.name(),
                settings.options(), () -> shapes.forSink(settings.name())));
        runner = new SinkRunner(context.pipeline(), settings.name(), sink, settings.options(), context.clientBase(), metrics,
                context.layout().maxRecordBytes());
        runner.awaitShapes(() -> shapes.forSink(settings.name()));
        if (context.config().mappings() instanceof io.ferry.transform.mapping.Mappings m) {
            runner.mappedTables(m.targets().stream().filter(t -> t.writesTo(settings.name()))
                    .map(TargetMapping::to).collect(java.util.stream.Collectors.toSet()));
        }
        List<TargetMapping> direct = DirectMappings.forSink(DirectMappings.of(context.config()), settings.name());
        if (!direct.isEmpty()) {
            runner.readDirect(new DirectMapper(context.pipeline(), context.config().source().timeZone(), direct));
            Set<TableId> copied = DirectMappings.copied(context.config());
            List<TargetMapping> copies = direct.stream().filter(m -> copied.contains(m.entity().from().exact().orElseThrow())).toList();
            if (!copies.isEmpty()) {
                runner.copyFirst(new DirectCopy(context.config(), settings, catalog, shapes, copies, context.clientBase()));
            }
        }
        runner.start();
    }

    String name() {
        return settings.name();
    }

    SinkMetrics metrics() {
        return metrics;
    }

    /** How long writes fail before the sink's status says RETRYING. */
    private static final java.time.Duration RETRYING_AFTER = java.time.Duration.ofSeconds(5);

    @Override
    public StageStatus status() {
        String stage = "sink " + settings.name();
        if (runner == null) {
            return new StageStatus(stage, "STARTING", "");
        }
        if (runner.isRunning()) {
            // a deadlock or a blip retried within seconds is no state to report; a target refusing for longer is
            var failing = runner.retrying().filter(r -> r.since().isBefore(java.time.Instant.now().minus(RETRYING_AFTER)));
            if (failing.isPresent()) {
                return new StageStatus(stage, "RETRYING", "writes fail since " + failing.get().since() + " and are retried with backoff: "
                        + failing.get().reason());
            }
            List<String> copying = runner.copyStatus();
            // a table being copied is a snapshot in progress: the gate waits for it
            return copying.isEmpty() ? new StageStatus(stage, "RUNNING", "")
                    : new StageStatus(stage, "SNAPSHOTTING", "bulk copy: " + String.join("; ", copying));
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
