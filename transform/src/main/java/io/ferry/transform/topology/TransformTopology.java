package io.ferry.transform.topology;

import io.ferry.core.event.TableId;
import io.ferry.core.topic.TopicNames;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds the transform stage's Kafka Streams topology from the mappings: a pure function, no I/O. One
 * subtopology per mapping group: change topics (through a one-partition funnel when the group relates
 * several tables) into the group processor, its output into the target topics and the dead-letter topic.
 */
public final class TransformTopology {

    private static final Serde<byte[]> BYTES = Serdes.ByteArray();

    private TransformTopology() {
    }

    public static Topology build(TransformSpec spec) {
        return build(spec, TopicListing.NONE);
    }

    /** @param listing the cluster's topics, which a group that reads by pattern waits for (see {@link TopicListing}) */
    public static Topology build(TransformSpec spec, TopicListing listing) {
        StreamsBuilder builder = new StreamsBuilder();
        TopicNames names = new TopicNames(spec.pipeline());
        for (MappingGroup group : MappingGroup.of(spec)) {
            StoreNames stores = StoreNames.of(group);
            List<String> storeNames = group.funnel() ? List.of(stores.rows(), stores.index(), stores.markers(), stores.order())
                    : List.of(stores.rows(), stores.index(), stores.markers());
            for (String store : storeNames) {
                builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(store), Serdes.Bytes(), BYTES));
            }
            KStream<byte[], byte[]> in;
            Consumed<byte[], byte[]> consumed = Consumed.with(BYTES, BYTES).withName("ferry-" + stores.group() + "-changes");
            if (group.pattern().isPresent()) {
                in = builder.stream(changeTopics(names, group), consumed);
            } else {
                List<String> topics = new ArrayList<>();
                group.tables().forEach(t -> topics.add(names.change(t)));
                in = builder.stream(topics, consumed);
            }
            if (group.funnel()) {
                in = in.process(FunnelRouter::new, Named.as("ferry-" + stores.group() + "-router"))
                        .repartition(Repartitioned.<byte[], byte[]>as(stores.funnel()).withKeySerde(BYTES).withValueSerde(BYTES)
                                .withNumberOfPartitions(1));
            }
            in.process(() -> new GroupProcessor(group, spec, stores, listing), Named.as(stores.processor()), storeNames.toArray(String[]::new))
                    .to(Outputs.topics(), Produced.with(BYTES, BYTES).withStreamPartitioner(Outputs.partitioner())
                            .withName("ferry-" + stores.group() + "-out"));
        }
        return builder.build();
    }

    /** The change topics each group routed by a regular expression reads (none when every group reads by name). */
    public static List<Pattern> patternTopics(TransformSpec spec) {
        TopicNames names = new TopicNames(spec.pipeline());
        return MappingGroup.of(spec).stream().filter(g -> g.pattern().isPresent()).map(g -> changeTopics(names, g)).toList();
    }

    /** The change topics a group routed by a regular expression reads. */
    static Pattern changeTopics(TopicNames names, MappingGroup group) {
        return Pattern.compile(Pattern.quote(names.changePrefix()) + group.pattern().orElseThrow().text());
    }

    /** Whether a group subscribes to change topics by a regular expression (a mapping {@code from} a pattern). */
    public static boolean readsByPattern(TransformSpec spec) {
        return MappingGroup.of(spec).stream().anyMatch(g -> g.pattern().isPresent());
    }

    /**
     * The tables whose change topics the topology reads by name (to create before start: Streams does not
     * start on a missing source topic). Groups routed by a regular expression subscribe by pattern and are
     * left out.
     */
    public static Set<TableId> sourceTables(TransformSpec spec) {
        Set<TableId> out = new LinkedHashSet<>();
        for (MappingGroup group : MappingGroup.of(spec)) {
            if (group.pattern().isEmpty()) {
                out.addAll(group.tables());
            }
        }
        return out;
    }

    /**
     * Each group's state identity (its store names' stem: the group's name and a digest of its layout) and the tables
     * whose change topics it reads. A group whose identity was not there before has new, empty stores: its change
     * topics must be read again from the start. Groups routed by a regular expression map to no tables.
     */
    public static java.util.Map<String, Set<TableId>> groupLayouts(TransformSpec spec) {
        java.util.Map<String, Set<TableId>> out = new java.util.LinkedHashMap<>();
        for (MappingGroup g : MappingGroup.of(spec)) {
            out.put(StoreNames.of(g).group(), g.pattern().isEmpty() ? Set.copyOf(g.tables()) : Set.of());
        }
        return out;
    }

    /**
     * The changelog topic of a group layout's row store ({@code layout} as {@link #groupLayouts} names it): it exists once
     * a layout has run on the cluster, and its state is then restored from it, whichever process or data directory runs
     * the group next.
     */
    public static String rowsChangelog(String applicationId, String layout) {
        return applicationId + "-" + new StoreNames(layout).rows() + "-changelog";
    }

    /** Every topic the topology writes besides its internal ones: the target topics (to create before start). */
    public static Set<String> targetTopics(TransformSpec spec) {
        TopicNames names = new TopicNames(spec.pipeline());
        Set<String> out = new LinkedHashSet<>();
        spec.mappings().targets().forEach(m -> m.sinksOf(spec.sinks())
                .forEach(s -> out.add(names.target(s, m.to()))));
        return out;
    }
}
