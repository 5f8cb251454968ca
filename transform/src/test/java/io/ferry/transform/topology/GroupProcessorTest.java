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

    private static final String SHARDS = """
            pipeline:
              name: shards
            source:
              type: postgres
              host: h
              database: d
              user: u
              tables: ['public\\.orders_\\d+']
            sinks:
              - name: pg
                type: test
            mappings:
              - to: orders
                from: 'public\\.orders_\\d+'
            """;

    /**
     * A pattern group's task lets a marker through only once every matching topic the cluster lists delivered it: a shard's
     * topic made a moment ago, which the task's consumer has not been given yet, holds it until its own copy comes (after
     * the shard's first rows); without the listing the marker passed at once, ahead of them.
     */
    @Test
    void aPatternGroupsMarkerWaitsForAMatchingTopicItHasNotBeenGivenYet() {
        TransformSpec spec = TransformSpec.of(PipelineLoader.standard().parse(SHARDS, "test.yaml"), List.of());
        MappingGroup group = MappingGroup.of(spec).get(0);
        io.ferry.core.topic.TopicNames names = new io.ferry.core.topic.TopicNames("shards");
        String known = names.change(new io.ferry.core.event.TableId("public", "orders_1"));
        String made = names.change(new io.ferry.core.event.TableId("public", "orders_2"));
        String other = names.change(new io.ferry.core.event.TableId("public", "customers"));
        java.util.Map<String, Integer> listed = new java.util.HashMap<>(java.util.Map.of(known, 2, other, 2, "ferry.shards.schemas", 1));
        java.util.List<Long> asked = new java.util.ArrayList<>();
        MockProcessorContext<byte[], byte[]> context = context(StoreNames.of(group));
        GroupProcessor processor = new GroupProcessor(group, spec, StoreNames.of(group), notBefore -> {
            asked.add(notBefore);
            return java.util.Map.copyOf(listed);
        });
        processor.init(context);

        deliverHeartbeat(processor, context, known, 1);
        assertThat(context.forwarded()).as("every listed matching topic delivered heartbeat 1").isNotEmpty();
        context.resetForwards();

        listed.put(made, 2); // capture made orders_2's topic, then sent heartbeat 2 into every change topic
        deliverHeartbeat(processor, context, known, 2);
        assertThat(context.forwarded()).as("orders_2's topic has not delivered heartbeat 2").isEmpty();
        deliverHeartbeat(processor, context, made, 2);
        assertThat(context.forwarded()).as("both delivered heartbeat 2").isNotEmpty();
        assertThat(asked).as("one listing asked per marker, begun after its first copy came").hasSize(3);
        assertThat(asked.get(1)).isEqualTo(asked.get(2));
    }

    /** A topic deleted (a dropped shard's, cleaned up by an operator) no longer holds every later marker back. */
    @Test
    void aPatternGroupsDeletedTopicNoLongerHoldsMarkersBack() {
        TransformSpec spec = TransformSpec.of(PipelineLoader.standard().parse(SHARDS, "test.yaml"), List.of());
        MappingGroup group = MappingGroup.of(spec).get(0);
        io.ferry.core.topic.TopicNames names = new io.ferry.core.topic.TopicNames("shards");
        String kept = names.change(new io.ferry.core.event.TableId("public", "orders_1"));
        String deleted = names.change(new io.ferry.core.event.TableId("public", "orders_2"));
        java.util.Map<String, Integer> listed = new java.util.HashMap<>(java.util.Map.of(kept, 2, deleted, 2));
        MockProcessorContext<byte[], byte[]> context = context(StoreNames.of(group));
        GroupProcessor processor = new GroupProcessor(group, spec, StoreNames.of(group), notBefore -> java.util.Map.copyOf(listed));
        processor.init(context);
        deliverHeartbeat(processor, context, kept, 1);
        deliverHeartbeat(processor, context, deleted, 1);
        assertThat(context.forwarded()).as("heartbeat 1 from both").isNotEmpty();
        context.resetForwards();

        listed.remove(deleted);
        deliverHeartbeat(processor, context, kept, 2);
        assertThat(context.forwarded()).as("orders_2's topic is gone: its heartbeat 1 does not hold 2 back").isNotEmpty();
    }

    /** A matching topic with fewer partitions than this task's (made before the pipeline's partitions grew) is no input. */
    @Test
    void aPatternGroupTaskDoesNotWaitForAPartitionATopicDoesNotHave() {
        TransformSpec spec = TransformSpec.of(PipelineLoader.standard().parse(SHARDS, "test.yaml"), List.of());
        MappingGroup group = MappingGroup.of(spec).get(0);
        io.ferry.core.topic.TopicNames names = new io.ferry.core.topic.TopicNames("shards");
        String wide = names.change(new io.ferry.core.event.TableId("public", "orders_1"));
        String narrow = names.change(new io.ferry.core.event.TableId("public", "orders_2"));
        // partition 2: orders_2 has only 0 and 1
        MockProcessorContext<byte[], byte[]> context = context(StoreNames.of(group),
                new MockProcessorContext<>(new java.util.Properties(), new org.apache.kafka.streams.processor.TaskId(0, 2), null));
        GroupProcessor processor = new GroupProcessor(group, spec, StoreNames.of(group),
                notBefore -> java.util.Map.of(wide, 3, narrow, 2));
        processor.init(context);
        deliverHeartbeat(processor, context, wide, 2, 1);
        assertThat(context.forwarded()).as("orders_2 has no partition 2").isNotEmpty();
    }

    private static MockProcessorContext<byte[], byte[]> context(StoreNames stores) {
        return context(stores, new MockProcessorContext<>());
    }

    private static MockProcessorContext<byte[], byte[]> context(StoreNames stores, MockProcessorContext<byte[], byte[]> context) {
        for (String name : List.of(stores.rows(), stores.index(), stores.markers())) {
            KeyValueStore<Bytes, byte[]> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.Bytes(),
                    Serdes.ByteArray()).withLoggingDisabled().build();
            store.init(context.getStateStoreContext(), store);
            context.addStateStore(store);
        }
        return context;
    }

    private static void deliverHeartbeat(GroupProcessor processor, MockProcessorContext<byte[], byte[]> context, String topic, long id) {
        deliverHeartbeat(processor, context, topic, 0, id);
    }

    private static void deliverHeartbeat(GroupProcessor processor, MockProcessorContext<byte[], byte[]> context, String topic,
            int partition, long id) {
        io.ferry.core.event.ChangeEvent marker = new io.ferry.core.event.ChangeEvent.MarkerEvent(
                new Marker(id, id * 1_000, Marker.Kind.HEARTBEAT, null), new SourceInfo("d", "0/" + id, null, id * 1_000, false));
        context.setRecordMetadata(topic, partition, id);
        processor.process(new org.apache.kafka.streams.processor.api.Record<>(io.ferry.core.event.ChangeEventCodec.key(marker, partition),
                io.ferry.core.event.ChangeEventCodec.value(marker), id * 1_000));
    }
}
