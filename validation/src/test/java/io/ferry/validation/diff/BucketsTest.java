package io.ferry.validation.diff;

import static io.ferry.validation.diff.TestRows.row;
import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.event.Row;
import io.ferry.core.schema.Column;
import io.ferry.core.spi.TargetTable;
import io.ferry.core.types.CanonicalType;
import io.ferry.core.types.ColumnType;
import io.ferry.core.types.Tolerance;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Bucket checksums of both sides of a table, and how the buckets that differ are grouped under the row cap. */
class BucketsTest {

    private static final TargetTable PEOPLE = TargetTable.keyed("people", List.of(
            new Column("id", ColumnType.of(CanonicalType.INT64), false), new Column("name", ColumnType.of(CanonicalType.STRING), true),
            new Column("balance", ColumnType.decimal(10, 2), true)), List.of("id"));

    private static List<Row> people(int n) {
        List<Row> rows = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            rows.add(row("{\"id\": " + i + ", \"name\": \"person " + i + "\", \"balance\": \"" + i + ".50\"}"));
        }
        return rows;
    }

    /** 16 buckets: source rows on one side, target rows on the other. */
    private static Buckets sum(List<Row> source, List<Row> target) {
        Buckets buckets = new Buckets(4);
        RowHash hash = new RowHash(PEOPLE, c -> Tolerance.EXACT);
        for (Row r : source) {
            Row key = TargetValues.key(PEOPLE, r, Tolerance.EXACT);
            buckets.addSource(buckets.of(hash.key(key)), hash.row(key, r));
        }
        for (Row r : target) {
            Row key = TargetValues.key(PEOPLE, r, Tolerance.EXACT);
            buckets.addTarget(buckets.of(hash.key(key)), hash.row(key, r));
        }
        return buckets;
    }

    private static int bucketOf(Buckets buckets, Row row) {
        return buckets.of(new RowHash(PEOPLE, c -> Tolerance.EXACT).key(TargetValues.key(PEOPLE, row, Tolerance.EXACT)));
    }

    @Test
    void theSameRowsInAnyOrderAndAnySpellingGiveTheSameSums() {
        List<Row> source = people(200);
        List<Row> target = new ArrayList<>();
        // the target spells decimals its own way and gives its rows in another order
        people(200).forEach(r -> target.add(r.with("balance", TestRows.JSON.getNodeFactory().textNode(
                r.get("balance").asText().replace(".50", ".5")))));
        Collections.shuffle(target, new Random(7));
        Buckets buckets = sum(source, target);
        assertThat(buckets.differing().isEmpty()).isTrue();
        assertThat(buckets.sourceRows(new BitSet())).isEqualTo(200);
        assertThat(buckets.targetRows(new BitSet())).isEqualTo(200);
    }

    @Test
    void aChangedValueAMissingRowAndAnExtraRowEachMakeTheirBucketDiffer() {
        List<Row> source = people(200);
        List<Row> target = people(200);
        target.set(9, target.get(9).with("name", TestRows.JSON.getNodeFactory().textNode("someone else")));
        Row missing = target.remove(49);
        Row extra = row("{\"id\": 1000, \"name\": \"ghost\", \"balance\": null}");
        target.add(extra);
        Buckets buckets = sum(source, target);
        BitSet expected = new BitSet();
        expected.set(bucketOf(buckets, source.get(9)));
        expected.set(bucketOf(buckets, missing));
        expected.set(bucketOf(buckets, extra));
        assertThat(buckets.differing()).isEqualTo(expected);
        // the buckets that match hold the same counts on both sides; over all of them, one missing and one extra
        assertThat(buckets.sourceRows(expected)).isEqualTo(buckets.targetRows(expected));
        assertThat(List.of(buckets.sourceRows(new BitSet()), buckets.targetRows(new BitSet()))).containsExactly(200L, 200L);
    }

    @Test
    void twoChangesThatWouldCancelInALinearSumDoNot() {
        List<Row> source = List.of(row("{\"id\": 1, \"name\": \"Ab\"}"), row("{\"id\": 2, \"name\": \"Bc\"}"));
        List<Row> target = List.of(row("{\"id\": 1, \"name\": \"Ac\"}"), row("{\"id\": 2, \"name\": \"Bb\"}"));
        Buckets one = new Buckets(1);
        RowHash hash = new RowHash(PEOPLE, c -> Tolerance.EXACT);
        source.forEach(r -> one.addSource(0, hash.row(TargetValues.key(PEOPLE, r, Tolerance.EXACT), r)));
        target.forEach(r -> one.addTarget(0, hash.row(TargetValues.key(PEOPLE, r, Tolerance.EXACT), r)));
        assertThat(one.differing().get(0)).isTrue();
    }

    @Test
    void aForcedBucketDiffersWhateverItsSums() {
        Buckets buckets = sum(people(10), people(10));
        buckets.force(3);
        assertThat(buckets.differing().stream().toArray()).containsExactly(3);
    }

    @Test
    void differingBucketsAreGroupedInOrderUnderTheCapAndABigBucketIsAGroupOfItsOwn() {
        int[] rows = {5, 3, 0, 4, 10, 2, 1, 0};
        BitSet differing = BitSet.valueOf(new long[] {0b1111_1011});
        assertThat(Buckets.groups(differing, rows, 8)).extracting(BitSet::toString)
                .containsExactly("{0, 1}", "{3}", "{4}", "{5, 6, 7}");
        assertThat(Buckets.groups(differing, rows, 100)).extracting(BitSet::toString).containsExactly("{0, 1, 3, 4, 5, 6, 7}");
        assertThat(Buckets.groups(new BitSet(), rows, 8)).isEmpty();
        // buckets with no source rows (only extra target rows) hold nothing: they join any group
        assertThat(Buckets.groups(BitSet.valueOf(new long[] {0b1000_0100}), rows, 1)).extracting(BitSet::toString)
                .containsExactly("{2, 7}");
    }
}
