package io.ferry.sinks.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.ferry.core.event.Marker;
import io.ferry.core.event.Row;
import io.ferry.core.event.SourceInfo;
import io.ferry.core.event.TargetEvent;
import io.ferry.core.event.TargetEvent.PathStep;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchCompactorTest {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final SourceInfo S = new SourceInfo("db", "0/1", null, 1, false);

    private static Row key(int id) {
        return Row.builder().put("id", F.numberNode(id)).build();
    }

    private static TargetEvent upsert(String table, int id, String v) {
        return new TargetEvent.Upsert(table, key(id), key(id).with("v", F.textNode(v)), S);
    }

    private static TargetEvent patch(int id, String v) {
        return new TargetEvent.Patch("docs", key(id), List.of(PathStep.field("sub")), TargetEvent.Patch.Action.SET,
                Row.builder().put("v", F.textNode(v)).build(), S);
    }

    @Test
    void theLastUpsertOrDeleteOfAKeyWinsAndADeleteStaysADelete() {
        List<TargetEvent> batch = List.of(upsert("t", 1, "a"), upsert("t", 2, "x"), upsert("t", 1, "b"),
                new TargetEvent.Delete("t", key(2), S), upsert("u", 1, "other table"));
        var out = BatchCompactor.compact(batch);
        assertThat(out).extracting(BatchCompactor.Indexed::index).containsExactlyInAnyOrder(2, 3, 4);
        assertThat(out).filteredOn(i -> i.index() == 3).singleElement()
                .satisfies(i -> assertThat(i.event()).isInstanceOf(TargetEvent.Delete.class));
    }

    @Test
    void aLaterUpsertMissingColumnsKeepsTheEarlierValuesForThem() {
        Row full = key(1).with("title", F.textNode("a")).with("body", F.textNode("big text"));
        Row partial = key(1).with("title", F.textNode("b")); // body left out: a TOAST value the source did not send
        var out = BatchCompactor.compact(List.of(new TargetEvent.Upsert("docs", key(1), full, S), new TargetEvent.Upsert("docs", key(1), partial, S)));
        assertThat(out).singleElement().satisfies(i -> {
            Row row = ((TargetEvent.Upsert) i.event()).row();
            assertThat(row.get("title").asText()).isEqualTo("b");
            assertThat(row.get("body").asText()).isEqualTo("big text");
            assertThat(i.index()).isEqualTo(1);
        });
        // after a delete there is nothing to keep
        var afterDelete = BatchCompactor.compact(List.of(new TargetEvent.Upsert("docs", key(1), full, S),
                new TargetEvent.Delete("docs", key(1), S), new TargetEvent.Upsert("docs", key(1), partial, S)));
        assertThat(((TargetEvent.Upsert) afterDelete.get(0).event()).row().has("body")).isFalse();
    }

    @Test
    void patchesStayInOrderAfterTheLastUpsertAndAreNeverMovedPastOne() {
        List<TargetEvent> batch = List.of(patch(1, "p0"), upsert("docs", 1, "u1"), patch(1, "p1"), patch(1, "p2"),
                new TargetEvent.MarkerPassage(new Marker(1, 1, Marker.Kind.HEARTBEAT), S), patch(2, "q"));
        assertThat(BatchCompactor.compact(batch)).extracting(BatchCompactor.Indexed::index).containsExactly(1, 2, 3, 5);
        List<TargetEvent> upsertLast = List.of(patch(1, "p1"), upsert("docs", 1, "u2"));
        assertThat(BatchCompactor.compact(upsertLast)).extracting(BatchCompactor.Indexed::index).containsExactly(1);
    }

    @Test
    void whatTheSinkRefusedGoesAsideWithItsReasonAndTheRestIsWrittenAgain() {
        List<BatchCompactor.Indexed> batch = BatchCompactor.compact(List.of(upsert("t", 1, "a"), upsert("t", 2, "b"), upsert("t", 3, "c")));
        var refusal = io.ferry.core.spi.SinkWriteException.rejected(java.util.Map.of(1, "value too long"), null);
        java.util.Map<Integer, String> refused = new java.util.HashMap<>();
        List<BatchCompactor.Indexed> kept = BatchCompactor.unrefused(batch, refusal, (e, reason) -> refused.put(e.index(), reason));
        assertThat(kept).extracting(BatchCompactor.Indexed::index).containsExactly(0, 2);
        assertThat(refused).containsExactly(java.util.Map.entry(1, "value too long"));
        var namesNone = io.ferry.core.spi.SinkWriteException.rejected(java.util.Map.of(7, "not in this batch"), null);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> BatchCompactor.unrefused(batch, namesNone, (e, reason) -> { }))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("without naming a record");
    }
}
