package io.ferry.transform.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.config.PipelineLoader;
import io.ferry.core.event.Marker;
import io.ferry.core.event.SourceInfo;
import io.ferry.core.event.TargetEvent;
import io.ferry.core.event.TargetEventCodec;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/** What a task that takes a group over (after a rebalance, a restart) finds in the group's stores. */
class GroupProcessorTest {

    private static final String PIPELINE = """
            pipeline:
              name: takeover
            source:
              type: postgres
              host: h
              database: d
              user: u
              tables: [public.items]
            sinks:
              - name: pg
                type: test
            mappings:
              - to: items
                from: public.items
            """;

    @Test
    void aMarkerHeldForASweepThatWasDroppedPassesAtTheFirstPunctuationOfTheTaskThatTakesOver() {
        TransformSpec spec = TransformSpec.of(PipelineLoader.standard().parse(PIPELINE, "test.yaml"), List.of());
        MappingGroup group = MappingGroup.of(spec).get(0);
        StoreNames stores = StoreNames.of(group);
        MockProcessorContext<byte[], byte[]> context = new MockProcessorContext<>();
        context.setCurrentSystemTimeMs(1_000);
        KeyValueStore<Bytes, byte[]> markers = null;
        for (String name : List.of(stores.rows(), stores.index(), stores.markers())) {
            KeyValueStore<Bytes, byte[]> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.Bytes(),
                    Serdes.ByteArray()).withLoggingDisabled().build();
            store.init(context.getStateStoreContext(), store);
            context.addStateStore(store);
            if (name.equals(stores.markers())) {
                markers = store;
            }
        }
        // the previous owner held heartbeat 7 behind a sweep, then a newer run's start dropped that sweep: no sweep is
        // left, and the task moved before its next punctuation would have let 7 pass
        byte[] held = TargetEventCodec.value(new TargetEvent.MarkerPassage(new Marker(7, 1_000, Marker.Kind.HEARTBEAT, null),
                new SourceInfo("d", "0/1", null, 1_000, false), 0, 1));
        new SnapshotRuns(markers).hold(held);

        GroupProcessor processor = new GroupProcessor(group, spec, stores);
        processor.init(context);
        context.scheduledPunctuators().forEach(p -> p.getPunctuator().punctuate(0));

        assertThat(context.forwarded()).as("heartbeat 7 on every partition of the target topic").isNotEmpty()
                .allSatisfy(f -> assertThat(f.record().value()).isEqualTo(held));
        assertThat(new SnapshotRuns(markers).holds()).isFalse();
    }
}
