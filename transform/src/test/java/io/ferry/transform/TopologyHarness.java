package io.ferry.transform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.core.config.PipelineConfig;
import io.ferry.core.config.PipelineLoader;
import io.ferry.core.event.ChangeEvent;
import io.ferry.core.event.ChangeEventCodec;
import io.ferry.core.event.KeyCodec;
import io.ferry.core.event.Marker;
import io.ferry.core.event.Row;
import io.ferry.core.event.SourceInfo;
import io.ferry.core.event.TableId;
import io.ferry.core.event.TargetEvent;
import io.ferry.core.event.TargetEventCodec;
import io.ferry.core.topic.DeadLetter;
import io.ferry.core.topic.TopicNames;
import io.ferry.core.topic.TopicRecords;
import io.ferry.transform.topology.Cascade;
import io.ferry.transform.topology.TransformSpec;
import io.ferry.transform.topology.TransformTopology;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * Drives the transform topology of a pipeline file with {@link TopologyTestDriver}: rows in as change
 * events, target operations out as one readable line each ({@code upsert users {"user_id":1} {...}}).
 */
final class TopologyHarness implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    final PipelineConfig config;
    final TransformSpec spec;
    private final TopologyTestDriver driver;
    private final TopicNames names;
    private final Map<TableId, TestInputTopic<byte[], byte[]>> inputs = new HashMap<>();
    private final Map<String, TestOutputTopic<byte[], byte[]>> outputs = new LinkedHashMap<>();
    private final TestOutputTopic<byte[], byte[]> deadLetters;
    private long order = 1;
    private final Map<String, List<String>> keyColumns = new HashMap<>();
    private final Map<String, Long> lastMarker = new HashMap<>();
    private long lastStamp;
    /** The id of the markers {@link #flush()} sends to tables that delivered none; never returned. */
    private static final long FLUSH = 0;

    TopologyHarness(String pipelineYaml, List<Cascade> cascades) {
        this.config = PipelineLoader.standard().parse(pipelineYaml, "test.yaml");
        this.spec = TransformSpec.of(config, cascades);
        this.names = new TopicNames(spec.pipeline());
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, names.streamsApplicationId());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        try {
            p.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("ferry-ttd").toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.driver = new TopologyTestDriver(TransformTopology.build(spec), p);
        for (String topic : TransformTopology.targetTopics(spec)) {
            outputs.put(topic, driver.createOutputTopic(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer()));
        }
        this.deadLetters = driver.createOutputTopic(names.deadLetters(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    static String resource(String path) {
        try {
            return Files.readString(Path.of("src/test/resources", path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Declares a table's primary key columns, so rows can be sent without repeating them. */
    TopologyHarness key(String table, String... columns) {
        keyColumns.put(table, List.of(columns));
        return this;
    }

    void insert(String table, String rowJson) {
        send(table, ChangeEvent.Op.CREATE, rowJson);
    }

    void read(String table, String rowJson) {
        send(table, ChangeEvent.Op.READ, rowJson);
    }

    void update(String table, String rowJson) {
        send(table, ChangeEvent.Op.UPDATE, rowJson);
    }

    /** A delete; the row JSON needs only the key columns (PostgreSQL's default replica identity). */
    void delete(String table, String keyJson) {
        send(table, ChangeEvent.Op.DELETE, keyJson);
    }

    void send(String table, ChangeEvent.Op op, String rowJson) {
        send(table, op, rowJson, 1_700_000_000_000_000L + order);
    }

    /** A change with capture's stamp chosen by the test (changes of different partitions arrive in no stamp order). */
    void send(String table, ChangeEvent.Op op, String rowJson, long stampUs) {
        TableId id = TableId.parse(table);
        Row row = row(rowJson);
        Row key = KeyCodec.project(keyColumns.getOrDefault(table, List.of("id")), row);
        SourceInfo source = new SourceInfo("db", "0/" + order, order, "tx" + order, 0, 1_700_000_000_000_000L + order, op == ChangeEvent.Op.READ,
                stampUs);
        lastStamp = Math.max(lastStamp, stampUs);
        order++;
        ChangeEvent.RowChange change = new ChangeEvent.RowChange(op, id, key, null, op == ChangeEvent.Op.DELETE ? null : row, source, 1);
        input(id).pipeInput(ChangeEventCodec.key(change), ChangeEventCodec.value(change));
    }

    /**
     * A primary-key change as capture publishes it: a delete of the old key (with the whole row before, as MySQL logs it)
     * naming the new key, then a create of the new key naming the old one.
     */
    void changeKey(String table, String oldRowJson, String newRowJson) {
        TableId id = TableId.parse(table);
        List<String> columns = keyColumns.getOrDefault(table, List.of("id"));
        Row old = row(oldRowJson);
        Row now = row(newRowJson);
        Row oldKey = KeyCodec.project(columns, old);
        Row newKey = KeyCodec.project(columns, now);
        for (ChangeEvent.RowChange change : List.of(
                ChangeEvent.RowChange.delete(id, oldKey, old, nextSource(false), 1).keyChanged(newKey),
                ChangeEvent.RowChange.insert(id, newKey, now, nextSource(false), 1).keyChanged(oldKey))) {
            input(id).pipeInput(ChangeEventCodec.key(change), ChangeEventCodec.value(change));
        }
    }

    private SourceInfo nextSource(boolean snapshot) {
        long stamp = 1_700_000_000_000_000L + order;
        SourceInfo source = new SourceInfo("db", "0/" + order, order, "tx" + order, 0, stamp, snapshot, stamp);
        lastStamp = Math.max(lastStamp, stamp);
        order++;
        return source;
    }

    /** A raw record on a table's change topic (for malformed input). */
    void raw(String table, byte[] key, byte[] value) {
        input(TableId.parse(table)).pipeInput(key, value);
    }

    /** A heartbeat marker, as capture copies it into every change topic (stamped after everything sent before). */
    void marker(long id, String... tables) {
        long stamp = nextStamp();
        for (String t : tables) {
            ChangeEvent.MarkerEvent m = new ChangeEvent.MarkerEvent(new Marker(id, id * 1000, Marker.Kind.HEARTBEAT),
                    new SourceInfo("db", "0/" + order, order, null, 0, id * 1000, false, stamp));
            input(TableId.parse(t)).pipeInput(ChangeEventCodec.key(m, 0), ChangeEventCodec.value(m));
            lastMarker.put(t, id);
        }
    }

    /** A snapshot run's bound for a table, as capture writes it into every partition of the table's change topic. */
    void snapshotBound(Marker.Kind kind, long run, String table) {
        long stamp = nextStamp();
        TableId id = TableId.parse(table);
        ChangeEvent.MarkerEvent m = new ChangeEvent.MarkerEvent(new Marker(run, stamp, kind, id),
                new SourceInfo("db", "0/" + order, order, null, 0, stamp, true, stamp));
        input(id).pipeInput(ChangeEventCodec.key(m, 0), ChangeEventCodec.value(m));
    }

    /**
     * What the next heartbeat does in a pipeline: a funneled group applies a change once every input has delivered
     * something stamped at least as late, so before reading outputs every table's input is moved past everything sent,
     * by sending again the last marker it delivered (or marker {@value #FLUSH}, left out of what the harness returns,
     * to a table that delivered none). No marker passes that would not have passed anyway.
     */
    private void flush() {
        List<String> tables = TransformTopology.sourceTables(spec).stream().map(TableId::toString).toList();
        long stamp = nextStamp();
        for (String t : tables) {
            long id = lastMarker.getOrDefault(t, FLUSH);
            ChangeEvent.MarkerEvent m = new ChangeEvent.MarkerEvent(new Marker(id, id * 1000, Marker.Kind.HEARTBEAT),
                    new SourceInfo("db", "0/" + order, order, null, 0, id * 1000, false, stamp));
            input(TableId.parse(t)).pipeInput(ChangeEventCodec.key(m, 0), ChangeEventCodec.value(m));
        }
    }

    /** A stamp after every stamp sent so far. */
    private long nextStamp() {
        lastStamp = Math.max(lastStamp + 1, 1_700_000_000_000_000L + order++);
        return lastStamp;
    }

    private static boolean flushMarker(TargetEvent e) {
        return e instanceof TargetEvent.MarkerPassage m && m.marker().id() == FLUSH;
    }

    private TestInputTopic<byte[], byte[]> input(TableId id) {
        return inputs.computeIfAbsent(id, t -> driver.createInputTopic(names.change(t), new ByteArraySerializer(), new ByteArraySerializer()));
    }

    /** Lets wall-clock punctuation run (snapshot sweeps go on from it, a slice per 200 ms). */
    void tick(int times) {
        for (int i = 0; i < times; i++) {
            driver.advanceWallClockTime(java.time.Duration.ofMillis(200));
        }
    }

    /** Every target operation since the last call, one line each, in output order per topic (topics in mapping order). */
    List<String> drain() {
        tick(25);
        flush();
        List<String> out = new ArrayList<>();
        outputs.forEach((topic, t) -> {
            for (var r : t.readRecordsToList()) {
                TargetEvent e = TargetEventCodec.decode(r.value());
                if (!flushMarker(e)) {
                    out.add(render(topic, e));
                }
            }
        });
        return out;
    }

    /** Target events of one sink table since the last call. */
    List<TargetEvent> events(String sink, String table) {
        flush();
        return outputs.get(names.target(sink, table)).readRecordsToList().stream().map(r -> TargetEventCodec.decode(r.value()))
                .filter(e -> !flushMarker(e)).toList();
    }

    /** Keys of the marker copies on a sink table's topic since the last call. */
    List<Row> markerKeys(String sink, String table) {
        flush();
        return outputs.get(names.target(sink, table)).readRecordsToList().stream()
                .filter(r -> !flushMarker(TargetEventCodec.decode(r.value()))).map(r -> KeyCodec.decode(r.key())).toList();
    }

    List<DeadLetter> deadLetters() {
        flush();
        return deadLetters.readRecordsToList().stream().map(r -> TopicRecords.deadLetter(r.value())).toList();
    }

    private String render(String topic, TargetEvent e) {
        String sink = topic.substring(topic.indexOf(".target.") + ".target.".length());
        return e.match(
                u -> "upsert " + sink + " " + json(u.key()) + " " + json(u.row()),
                d -> "delete " + sink + " " + json(d.key()),
                p -> "patch " + sink + " " + json(p.key()) + " " + p.action().wireName() + " " + p.path().stream()
                        .map(s -> s.elementKey() == null ? s.field() : s.field() + json(s.elementKey())).collect(Collectors.joining("."))
                        + (p.value() == null ? "" : " " + json(p.value())),
                m -> "marker " + sink + " " + m.marker().id() + " from " + m.origin() + "/" + m.origins());
    }

    static String json(Row row) {
        var node = JSON.createObjectNode();
        row.asMap().forEach(node::set);
        return node.toString();
    }

    static Row row(String json) {
        try {
            JsonNode node = JSON.readTree(json);
            Map<String, JsonNode> values = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                var e = it.next();
                values.put(e.getKey(), e.getValue());
            }
            return Row.of(values);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.close();
    }
}
