package io.ferry.sinks.runtime;

import io.ferry.core.event.SourceInfo;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** A sink's meters: rows written, batches and their latency, retries, dead letters, last applied position and commit time. */
public final class SinkMetrics {

    private final MeterRegistry registry;
    private final String pipeline;
    private final String sink;
    private final Counter rows;
    private final Counter deadLetters;
    private final Counter retries;
    private final Timer batches;
    private final Map<String, AtomicLong[]> applied = new ConcurrentHashMap<>();

    public SinkMetrics(MeterRegistry registry, String pipeline, String sink) {
        this.registry = registry == null ? new SimpleMeterRegistry() : registry;
        this.pipeline = pipeline;
        this.sink = sink;
        this.rows = Counter.builder("ferry.sink.rows").description("rows (documents) written").tags("pipeline", pipeline, "sink", sink)
                .register(this.registry);
        this.deadLetters = Counter.builder("ferry.sink.dead.letters").description("records sent to the dead-letter topic")
                .tags("pipeline", pipeline, "sink", sink).register(this.registry);
        this.retries = Counter.builder("ferry.sink.retries").description("batch writes retried after a transient failure")
                .tags("pipeline", pipeline, "sink", sink).register(this.registry);
        this.batches = Timer.builder("ferry.sink.batch").description("time to write and commit one batch")
                .tags("pipeline", pipeline, "sink", sink).register(this.registry);
    }

    void batch(int written, int deadLettered, long nanos) {
        rows.increment(written);
        deadLetters.increment(deadLettered);
        batches.record(nanos, TimeUnit.NANOSECONDS);
    }

    void retry() {
        retries.increment();
    }

    void applied(String topic, SourceInfo source, Instant committedAt) {
        AtomicLong[] values = applied.computeIfAbsent(topic, t -> {
            AtomicLong[] v = {new AtomicLong(), new AtomicLong()};
            Gauge.builder("ferry.sink.applied.source.timestamp", v[0], AtomicLong::get).description("source commit time (ms) of the last applied change")
                    .tags("pipeline", pipeline, "sink", sink, "topic", t).register(registry);
            Gauge.builder("ferry.sink.commit.timestamp", v[1], AtomicLong::get).description("time (ms) of the last commit")
                    .tags("pipeline", pipeline, "sink", sink, "topic", t).register(registry);
            return v;
        });
        if (source != null) {
            values[0].set(source.tsUs() / 1000);
        }
        values[1].set(committedAt.toEpochMilli());
    }

    public double rowsWritten() {
        return rows.count();
    }

    public double deadLettered() {
        return deadLetters.count();
    }

    public double retries() {
        return retries.count();
    }
}
