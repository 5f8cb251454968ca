package io.ferry.transform.direct;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.core.config.PipelineConfig;
import io.ferry.core.config.PipelineLoader;
import io.ferry.core.event.ChangeEvent;
import io.ferry.core.event.ChangeEventCodec;
import io.ferry.core.event.Marker;
import io.ferry.core.event.Row;
import io.ferry.core.event.SourceInfo;
import io.ferry.core.event.TableId;
import io.ferry.core.event.TargetEvent;
import io.ferry.core.spi.DirectDecoder;
import io.ferry.core.topic.TopicNames;
import io.ferry.transform.mapping.TargetMapping;
import io.ferry.transform.topology.TransformSpec;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The direct path's choice of mappings and its stateless mapping of each change. */
class DirectMapperTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TableId ITEMS = new TableId("public", "items");

    private static PipelineConfig config(String source, boolean direct) {
        return PipelineLoader.standard().parse("""
                pipeline: {name: direct}
                source: {type: %s, host: h, database: d, user: u, tables: [public.items, public.notes]}
                transform: {direct: %s}
                sinks:
                  - {name: pg, type: test}
                  - {name: other, type: test}
                mappings:
                  - to: active_items
                    from: public.items
                    sinks: [pg]
                    filter: "status = 'active'"
                    columns:
                      id: id
                      label: upper(name)
                      body: body
                      qty: {expr: qty, cast: integer}
                  - to: items_with_notes
                    from: public.items
                    related:
                      notes: {from: public.notes, on: {item_id: id}}
                    columns:
                      id: id
                      notes: count(notes)
                  - to: sharded
                    from: 'public\\.items_\\d+'
                """.formatted(source, direct), "test.yaml");
    }

    @Test
    void onlyOneTableMappingsOfAPostgresSourceGoDirectAndTheTransformKeepsTheRest() {
        PipelineConfig on = config("postgres", true);
        List<TargetMapping> direct = DirectMappings.of(on);
        assertThat(direct).extracting(TargetMapping::to).containsExactly("active_items");
        assertThat(DirectMappings.tables(direct)).containsExactly(ITEMS);
        assertThat(DirectMappings.forSink(direct, "pg")).hasSize(1);
        assertThat(DirectMappings.forSink(direct, "other")).isEmpty();
        assertThat(TransformSpec.of(on, List.of()).mappings().targets()).extracting(TargetMapping::to)
                .containsExactly("items_with_notes", "sharded");

        assertThat(DirectMappings.of(config("postgres", false))).isEmpty();
        // MySQL's unlogged cascades are known only at run time: its mappings stay on the transform
        assertThat(DirectMappings.of(config("mysql", true))).isEmpty();
        assertThat(TransformSpec.of(config("postgres", false), List.of()).mappings().targets()).hasSize(3);
    }

    private final DirectMapper mapper = new DirectMapper("direct", ZoneId.of("UTC"),
            DirectMappings.forSink(DirectMappings.of(config("postgres", true)), "pg"));
    private final String topic = new TopicNames("direct").change(ITEMS);
    private long stamp = 1_000;

    @Test
    void readsTheChangeTopicOfItsTables() {
        assertThat(mapper.topics()).containsExactly(topic);
    }

    @Test
    void snapshotRowsAndInsertsAreUpsertedAndRowsOutsideTheFilterLeftOut() {
        assertThat(events(ChangeEvent.RowChange.read(ITEMS, key(1), row("{\"id\":1,\"name\":\"a\",\"status\":\"active\",\"body\":\"b\",\"qty\":\"3\"}"),
                source(), 1))).containsExactly("upsert active_items {\"id\":1} {\"id\":1,\"label\":\"A\",\"body\":\"b\",\"qty\":3}");
        assertThat(events(ChangeEvent.RowChange.insert(ITEMS, key(2), row("{\"id\":2,\"name\":\"b\",\"status\":\"draft\",\"body\":\"b\",\"qty\":\"1\"}"),
                source(), 1))).isEmpty();
    }

    @Test
    void anUpdateTakesTheColumnsTheLogLeftOutFromTheRowBeforeIt() {
        Row before = row("{\"id\":1,\"name\":\"a\",\"status\":\"active\",\"body\":\"long text\",\"qty\":\"3\"}");
        Row after = row("{\"id\":1,\"name\":\"z\",\"status\":\"active\",\"qty\":\"3\"}"); // body: unchanged TOAST value, left out
        assertThat(events(ChangeEvent.RowChange.update(ITEMS, key(1), before, after, source(), 1)))
                .containsExactly("upsert active_items {\"id\":1} {\"id\":1,\"label\":\"Z\",\"body\":\"long text\",\"qty\":3}");
    }

    @Test
    void aRowThatLeavesTheFilterOrChangesItsKeyIsDeletedWhereItWas() {
        Row active = row("{\"id\":1,\"name\":\"a\",\"status\":\"active\",\"body\":\"b\",\"qty\":\"3\"}");
        assertThat(events(ChangeEvent.RowChange.update(ITEMS, key(1), active,
                row("{\"id\":1,\"name\":\"a\",\"status\":\"retired\",\"body\":\"b\",\"qty\":\"3\"}"), source(), 1)))
                .containsExactly("delete active_items {\"id\":1}");
        assertThat(events(ChangeEvent.RowChange.update(ITEMS, key(9), active,
                row("{\"id\":9,\"name\":\"a\",\"status\":\"active\",\"body\":\"b\",\"qty\":\"3\"}"), source(), 1)))
                .containsExactly("delete active_items {\"id\":1}", "upsert active_items {\"id\":9} {\"id\":9,\"label\":\"A\",\"body\":\"b\",\"qty\":3}");
        assertThat(events(ChangeEvent.RowChange.delete(ITEMS, key(1), active, source(), 1))).containsExactly("delete active_items {\"id\":1}");
    }

    /**
     * A row dead-lettered for a value (qty "three"), then deleted or moved out of the filter: the target row an earlier
     * version wrote is deleted by its key. Before, the delete was a second dead letter and the update deleted nothing.
     */
    @Test
    void aRowThatDoesNotMapIsStillDeletedWhereAnEarlierVersionWasWritten() {
        Row bad = row("{\"id\":3,\"name\":\"c\",\"status\":\"active\",\"body\":\"b\",\"qty\":\"three\"}");
        DirectDecoder.Decoded deleted = map(ChangeEvent.RowChange.delete(ITEMS, key(3), bad, source(), 1));
        assertThat(deleted.rejections()).isEmpty();
        assertThat(deleted.events()).hasSize(1);
        assertThat(events(ChangeEvent.RowChange.delete(ITEMS, key(3), bad, source(), 1))).containsExactly("delete active_items {\"id\":3}");
        assertThat(events(ChangeEvent.RowChange.update(ITEMS, key(3), bad,
                row("{\"id\":3,\"name\":\"c\",\"status\":\"retired\",\"body\":\"b\",\"qty\":\"1\"}"), source(), 1)))
                .containsExactly("delete active_items {\"id\":3}");
        // a row the filter leaves out never wrote its key: nothing to delete
        Row retired = row("{\"id\":4,\"name\":\"d\",\"status\":\"retired\",\"body\":\"b\",\"qty\":\"four\"}");
        DirectDecoder.Decoded gone = map(ChangeEvent.RowChange.delete(ITEMS, key(4), retired, source(), 1));
        assertThat(gone.events()).isEmpty();
        assertThat(gone.rejections()).isEmpty();
    }

    @Test
    void whatDoesNotMapIsReportedWithItsMappingNotDropped() {
        DirectDecoder.Decoded bad = map(ChangeEvent.RowChange.insert(ITEMS, key(3),
                row("{\"id\":3,\"name\":\"c\",\"status\":\"active\",\"body\":\"b\",\"qty\":\"three\"}"), source(), 1));
        assertThat(bad.events()).isEmpty();
        assertThat(bad.rejections()).singleElement().satisfies(f -> {
            assertThat(f.mapping()).isEqualTo("active_items");
            assertThat(f.reason()).isEqualTo("cannot map row for target 'active_items'");
            assertThat(f.error()).contains("three");
        });
        // a delete without its row (REPLICA IDENTITY not FULL) cannot be keyed: reported, not lost
        DirectDecoder.Decoded keyless = map(ChangeEvent.RowChange.delete(ITEMS, key(4), null, source(), 1));
        assertThat(keyless.rejections()).singleElement().satisfies(f -> assertThat(f.error()).contains("REPLICA IDENTITY FULL"));
        // nor an update logged without its old row that leaves the filter: where the row was is unknown
        DirectDecoder.Decoded unknown = map(ChangeEvent.RowChange.update(ITEMS, key(5), null,
                row("{\"id\":5,\"name\":\"e\",\"status\":\"retired\",\"body\":\"b\",\"qty\":\"1\"}"), source(), 1));
        assertThat(unknown.events()).isEmpty();
        assertThat(unknown.rejections()).singleElement().satisfies(f -> assertThat(f.error()).contains("no longer matches the filter"));
    }

    @Test
    void markersPassAsTheyCameAndEventsKeepCapturesStamps() {
        SourceInfo at = source();
        ChangeEvent.MarkerEvent marker = new ChangeEvent.MarkerEvent(new Marker(42, 7, Marker.Kind.HEARTBEAT), at);
        DirectDecoder.Decoded r = mapper.decode(topic, ChangeEventCodec.key(marker, 0), ChangeEventCodec.value(marker));
        assertThat(r.events()).singleElement().isInstanceOfSatisfying(TargetEvent.MarkerPassage.class, m -> {
            assertThat(m.marker().id()).isEqualTo(42);
            assertThat(m.origins()).isEqualTo(1);
        });
        SourceInfo s = source();
        DirectDecoder.Decoded row = map(ChangeEvent.RowChange.insert(ITEMS, key(5),
                row("{\"id\":5,\"name\":\"e\",\"status\":\"active\",\"body\":\"b\",\"qty\":\"1\"}"), s, 1));
        assertThat(row.events()).singleElement().satisfies(e -> assertThat(e.source().stampUs()).isEqualTo(s.stampUs()));
    }

    private DirectDecoder.Decoded map(ChangeEvent.RowChange change) {
        return mapper.decode(topic, ChangeEventCodec.key(change), ChangeEventCodec.value(change));
    }

    private List<String> events(ChangeEvent.RowChange change) {
        DirectDecoder.Decoded r = map(change);
        assertThat(r.rejections()).isEmpty();
        List<String> out = new ArrayList<>();
        for (TargetEvent e : r.events()) {
            out.add(e.match(u -> "upsert " + u.table() + " " + json(u.key()) + " " + json(u.row()),
                    d -> "delete " + d.table() + " " + json(d.key()), p -> "patch", m -> "marker"));
        }
        return out;
    }

    private SourceInfo source() {
        stamp += 10;
        return new SourceInfo("d", "0/1", 1, "tx", stamp, false).withStamp(stamp);
    }

    private static Row key(int id) {
        return row("{\"id\":" + id + "}");
    }

    private static String json(Row row) {
        var node = JSON.createObjectNode();
        row.asMap().forEach(node::set);
        return node.toString();
    }

    private static Row row(String json) {
        try {
            Map<String, JsonNode> values = new LinkedHashMap<>();
            JSON.readTree(json).fields().forEachRemaining(e -> values.put(e.getKey(), e.getValue()));
            return Row.of(values);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
