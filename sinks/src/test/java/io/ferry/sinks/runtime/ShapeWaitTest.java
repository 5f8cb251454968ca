package io.ferry.sinks.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.ferry.core.event.Marker;
import io.ferry.core.event.Row;
import io.ferry.core.event.SourceInfo;
import io.ferry.core.event.TargetEvent;
import io.ferry.core.schema.Column;
import io.ferry.core.spi.TargetTable;
import io.ferry.core.types.CanonicalType;
import io.ferry.core.types.ColumnType;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ShapeWaitTest {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final SourceInfo S = new SourceInfo("db", "0/1", null, 1, false);
    private static final long SECOND = Duration.ofSeconds(1).toNanos();

    private static TargetTable shape(String... columns) {
        return TargetTable.keyed("t", Arrays.stream(columns).map(c -> new Column(c, ColumnType.of(CanonicalType.STRING), !c.equals("id")))
                .toList(), List.of("id"));
    }

    private static Row key(int id) {
        return Row.builder().put("id", F.numberNode(id)).build();
    }

    private static TargetEvent upsert(int id, String... columns) {
        Row row = key(id);
        for (String c : columns) {
            row = row.with(c, F.textNode(c + id));
        }
        return new TargetEvent.Upsert("t", key(id), row, S);
    }

    @Test
    void rowsWhoseColumnsAreAllInTheShapeAreReady() {
        ShapeWait wait = new ShapeWait();
        // a row may lack columns of its shape (a TOAST value the log left out): that is not a reason to wait
        var missing = wait.check(List.of(upsert(1, "a", "b"), upsert(2, "a")), Map.of("t", shape("id", "a", "b")), 0);
        assertThat(missing.none()).isTrue();
    }

    @Test
    void aTableWithoutAShapeIsWaitedForWhateverTheEvent() {
        ShapeWait wait = new ShapeWait();
        var missing = wait.check(List.of(new TargetEvent.Delete("t", key(1), S),
                new TargetEvent.MarkerPassage(new Marker(1, 1, Marker.Kind.DRAIN), S)), Map.of(), 0);
        assertThat(missing.tables()).containsExactly("t");
        assertThat(missing.none()).isFalse();
    }

    @Test
    void aColumnAddedAtTheSourceIsWaitedForUntilTheShapeHasIt() {
        ShapeWait wait = new ShapeWait();
        List<TargetEvent> batch = List.of(upsert(1, "a"), upsert(2, "a", "added"));
        var missing = wait.check(batch, Map.of("t", shape("id", "a")), 0);
        assertThat(missing.none()).isFalse();
        assertThat(missing.columns()).isEqualTo(Map.of("t", Set.of("added")));
        assertThat(missing.givenUp()).isEmpty();
        assertThat(wait.check(batch, Map.of("t", shape("id", "a")), 5 * SECOND).columns()).containsKey("t");
        assertThat(wait.check(batch, Map.of("t", shape("id", "a", "added")), 6 * SECOND).none()).isTrue();
    }

    @Test
    void aColumnAShapeHadBeforeIsADroppedOneAndIsNotWaitedFor() {
        ShapeWait wait = new ShapeWait();
        assertThat(wait.check(List.of(upsert(1, "a", "old")), Map.of("t", shape("id", "a", "old")), 0).none()).isTrue();
        // the column is dropped at the source; rows mapped before that still carry it
        var missing = wait.check(List.of(upsert(2, "a", "old")), Map.of("t", shape("id", "a")), SECOND);
        assertThat(missing.none()).isTrue();
        assertThat(missing.givenUp()).isEmpty();
    }

    @Test
    void aShapeSettlesItsColumnsEvenForATableTheBatchDoesNotWrite() {
        ShapeWait wait = new ShapeWait();
        TargetTable other = TargetTable.keyed("u", List.of(new Column("id", ColumnType.of(CanonicalType.STRING), false)), List.of("id"));
        wait.check(List.of(upsert(1, "a")), Map.of("t", shape("id", "a"), "u", other), 0);
        // u's shape had an "old" column while no batch wrote u; a later shape drops it, and rows mapped before still carry it
        TargetTable withOld = TargetTable.keyed("u", List.of(new Column("id", ColumnType.of(CanonicalType.STRING), false),
                new Column("old", ColumnType.of(CanonicalType.STRING), true)), List.of("id"));
        wait.check(List.of(upsert(2, "a")), Map.of("t", shape("id", "a"), "u", withOld), SECOND);
        Row row = key(3).with("old", F.textNode("x"));
        var missing = wait.check(List.of(new TargetEvent.Upsert("u", key(3), row, S)), Map.of("t", shape("id", "a"), "u", other),
                2 * SECOND);
        assertThat(missing.none()).isTrue();
    }

    @Test
    void aColumnNoShapeEverHasIsLeftOutOnceTheBoundHasPassedAndNotWaitedForAgain() {
        ShapeWait wait = new ShapeWait(Duration.ofSeconds(30), true);
        List<TargetEvent> batch = List.of(upsert(1, "a", "gone"));
        Map<String, TargetTable> shapes = Map.of("t", shape("id", "a"));
        assertThat(wait.check(batch, shapes, 100 * SECOND).columns()).isEqualTo(Map.of("t", Set.of("gone")));
        assertThat(wait.check(batch, shapes, 129 * SECOND).none()).isFalse();
        var late = wait.check(batch, shapes, 130 * SECOND);
        assertThat(late.none()).isTrue();
        assertThat(late.givenUp()).isEqualTo(Map.of("t", Set.of("gone")));
        var next = wait.check(List.of(upsert(2, "a", "gone")), shapes, 131 * SECOND);
        assertThat(next.none()).isTrue();
        assertThat(next.givenUp()).as("said once").isEmpty();
    }

    @Test
    void theBoundCountsFromTheFirstWaitOfEachColumn() {
        ShapeWait wait = new ShapeWait(Duration.ofSeconds(30), true);
        Map<String, TargetTable> shapes = Map.of("t", shape("id"));
        wait.check(List.of(upsert(1, "x")), shapes, 0);
        var both = wait.check(List.of(upsert(1, "x"), upsert(2, "y")), shapes, 20 * SECOND);
        assertThat(both.columns()).isEqualTo(Map.of("t", Set.of("x", "y")));
        var later = wait.check(List.of(upsert(1, "x"), upsert(2, "y")), shapes, 30 * SECOND);
        assertThat(later.givenUp()).isEqualTo(Map.of("t", Set.of("x")));
        assertThat(later.columns()).isEqualTo(Map.of("t", Set.of("y")));
    }

    private static TargetTable priced(ColumnType price) {
        return TargetTable.keyed("t", List.of(new Column("id", ColumnType.of(CanonicalType.INT64), false), new Column("price", price, true)),
                List.of("id"));
    }

    private static TargetEvent priced(int id, String price) {
        return new TargetEvent.Upsert("t", key(id), key(id).with("price", F.textNode(price)), S);
    }

    @Test
    void aValueWiderThanItsColumnsTypeIsWaitedForUntilAShapeHoldsIt() {
        ShapeWait wait = new ShapeWait(Duration.ofSeconds(30), true);
        List<TargetEvent> batch = List.of(priced(1, "1.25"), priced(2, "1.2345"));
        var missing = wait.check(batch, Map.of("t", priced(ColumnType.decimal(10, 2))), 0);
        assertThat(missing.none()).isFalse();
        assertThat(missing.values()).isEqualTo(Map.of("t", Set.of("price")));
        assertThat(missing.columns()).isEmpty();
        assertThat(wait.check(batch, Map.of("t", priced(ColumnType.decimal(12, 4))), SECOND).none()).isTrue();
        assertThat(wait.check(List.of(priced(1, "1.25")), Map.of("t", priced(ColumnType.decimal(10, 2))), 2 * SECOND).none())
                .as("values that fit").isTrue();
    }

    @Test
    void aWiderValueIsWrittenAsItIsOnceTheBoundHasPassedUntilTheShapesChange() {
        ShapeWait wait = new ShapeWait(Duration.ofSeconds(30), true);
        List<TargetEvent> batch = List.of(priced(1, "1.2345"));
        Map<String, TargetTable> shapes = Map.of("t", priced(ColumnType.decimal(10, 2)));
        assertThat(wait.check(batch, shapes, 0).none()).isFalse();
        assertThat(wait.check(batch, shapes, 29 * SECOND).none()).isFalse();
        var late = wait.check(batch, shapes, 30 * SECOND);
        assertThat(late.none()).isTrue();
        assertThat(late.valuesGivenUp()).isEqualTo(Map.of("t", Set.of("price")));
        var next = wait.check(List.of(priced(2, "9.8765")), shapes, 31 * SECOND);
        assertThat(next.none()).as("not waited for again under the same shapes").isTrue();
        assertThat(next.valuesGivenUp()).as("said once").isEmpty();
        // another schema changes: the new shapes are waited on again, from a new start
        Map<String, TargetTable> changed = Map.of("t", priced(ColumnType.decimal(10, 2)), "u", shape("id"));
        assertThat(wait.check(batch, changed, 40 * SECOND).values()).isEqualTo(Map.of("t", Set.of("price")));
        assertThat(wait.check(batch, changed, 69 * SECOND).none()).isFalse();
        assertThat(wait.check(batch, changed, 70 * SECOND).none()).isTrue();
    }

    @Test
    void aTargetThatTakesAnyDecimalOrStringDoesNotWaitForThemButForALargerInteger() {
        ShapeWait wait = new ShapeWait(Duration.ofSeconds(30), false);
        assertThat(wait.check(List.of(priced(1, "1.2345")), Map.of("t", priced(ColumnType.decimal(10, 2))), 0).none()).isTrue();
        // MongoDB writes by the shape's type: an int of 2^31 is refused until the bigint shape comes
        TargetEvent large = new TargetEvent.Upsert("t", key(2), key(2).with("price", F.numberNode(1L << 31)), S);
        assertThat(wait.check(List.of(large), Map.of("t", priced(ColumnType.of(CanonicalType.INT32))), 0).values())
                .isEqualTo(Map.of("t", Set.of("price")));
        assertThat(wait.check(List.of(large), Map.of("t", priced(ColumnType.of(CanonicalType.INT64))), 0).none()).isTrue();
    }
}
