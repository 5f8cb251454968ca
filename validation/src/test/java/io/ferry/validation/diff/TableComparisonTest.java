package io.ferry.validation.diff;

import static io.ferry.validation.diff.TestRows.key;
import static io.ferry.validation.diff.TestRows.row;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.core.event.Row;
import io.ferry.core.schema.Column;
import io.ferry.core.spi.TargetTable;
import io.ferry.core.types.CanonicalType;
import io.ferry.core.types.ColumnType;
import io.ferry.core.types.Tolerance;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Comparing mapped rows with rows read back, by key and column, without servers; and how the results read. */
class TableComparisonTest {

    private static final ObjectMapper JSON = TestRows.JSON;
    private static final Tolerance MILLIS = Tolerance.timePrecision(ChronoUnit.MILLIS);

    private static Column col(String name, ColumnType type) {
        return new Column(name, type, true);
    }

    private static final TargetTable PEOPLE = TargetTable.keyed("people", List.of(
            new Column("id", ColumnType.of(CanonicalType.INT64), false), col("name", ColumnType.of(CanonicalType.STRING)),
            col("balance", ColumnType.decimal(10, 2)), col("seen", ColumnType.of(CanonicalType.TIMESTAMPTZ)),
            col("tags", ColumnType.of(CanonicalType.JSON))), List.of("id"));

    private static TableComparison.Outcome compare(TargetTable table, Tolerance tolerance, List<Row> expected, List<Row> actual) {
        Map<Row, Row> byKey = new HashMap<>();
        expected.forEach(r -> byKey.put(TargetValues.key(table, r, tolerance), r));
        TableComparison comparison = new TableComparison(table, tolerance, byKey);
        actual.forEach(comparison);
        return comparison.finish();
    }

    private static Row id(long id) {
        return key("id", id);
    }

    @Test
    void configuredColumnTolerancesWidenOnlyTheirColumns() {
        Map<String, Tolerance> columns = Validator.columnTolerances(Map.of("people.balance", "0.01", "people.seen", "1s",
                "other/people.name", "1%", "accounts.balance", "5"), "pg", "people", Tolerance.EXACT);
        assertThat(columns).containsOnlyKeys("balance", "seen");
        List<Row> expected = List.of(
                row("{\"id\": 1, \"name\": \"Ada\", \"balance\": \"12.50\", \"seen\": \"2024-03-15T10:30:00.123456Z\", \"tags\": null}"),
                row("{\"id\": 2, \"name\": \"Bob\", \"balance\": \"1.00\", \"seen\": \"2024-03-15T10:30:00Z\", \"tags\": null}"));
        List<Row> actual = List.of(
                row("{\"id\": 1, \"name\": \"Ada\", \"balance\": \"12.51\", \"seen\": \"2024-03-15T10:30:00.9Z\", \"tags\": null}"),
                row("{\"id\": 2, \"name\": \"Bob\", \"balance\": \"1.02\", \"seen\": \"2024-03-15T10:30:01Z\", \"tags\": null}"));
        Map<Row, Row> byKey = new HashMap<>();
        expected.forEach(r -> byKey.put(TargetValues.key(PEOPLE, r, Tolerance.EXACT), r));
        TableComparison comparison = new TableComparison(PEOPLE, Tolerance.EXACT, c -> columns.getOrDefault(c, Tolerance.EXACT), byKey);
        actual.forEach(comparison);
        TableResult result = comparison.finish().result("pg", "people", "");
        assertThat(result.different()).isEqualTo(1);
        assertThat(result.samples()).singleElement().satisfies(d -> {
            assertThat(d.key()).isEqualTo(id(2));
            assertThat(d.columns()).containsExactly("balance", "seen");
        });
    }

    @Test
    void rowsAreMatchedByKeyAndComparedColumnByColumnByValue() {
        List<Row> expected = List.of(
                row("{\"id\": 1, \"name\": \"Ada\", \"balance\": \"12.50\", \"seen\": \"2024-03-15T10:30:00.123456Z\", \"tags\": \"{\\\"a\\\": 1, \\\"b\\\": [1, 2]}\"}"),
                row("{\"id\": 2, \"name\": \"Grace\", \"balance\": null, \"seen\": null, \"tags\": null}"),
                row("{\"id\": 3, \"name\": \"Edsger\", \"balance\": \"1.00\", \"seen\": null, \"tags\": null}"));
        List<Row> actual = List.of(
                // the same values, spelled as another target reads them back
                row("{\"id\": 1, \"name\": \"Ada\", \"balance\": \"12.5\", \"seen\": \"2024-03-15T12:30:00.123456+02:00\", \"tags\": \"{\\\"b\\\": [1, 2.0], \\\"a\\\": 1}\"}"),
                row("{\"id\": 3, \"name\": \"Edsger\", \"balance\": \"1.01\", \"seen\": \"2024-01-01T00:00:00.000000Z\", \"tags\": null}"),
                row("{\"id\": 4, \"name\": \"Alan\", \"balance\": null, \"seen\": null, \"tags\": null}"));
        TableComparison.Outcome outcome = compare(PEOPLE, Tolerance.EXACT, expected, actual);
        TableResult result = outcome.result("pg", "people", "");
        assertThat(result).isEqualTo(new TableResult("pg", "people", TableResult.DIFF, 3, 3, 1, 1, 1, List.of(RowDiff.missing(id(2)),
                RowDiff.different(id(3), List.of("balance", "seen")), RowDiff.extra(id(4))), ""));
    }

    @Test
    void aNullIsOnlyTheSameAsANullAndAnAbsentColumnCountsAsNull() {
        List<Row> expected = List.of(row("{\"id\": 1, \"name\": null, \"balance\": \"0.00\"}"));
        assertThat(compare(PEOPLE, Tolerance.EXACT, expected, List.of(row("{\"id\": 1, \"name\": \"\", \"balance\": \"0\"}")))
                .diffs().values()).containsExactly(RowDiff.different(id(1), List.of("name")));
        assertThat(compare(PEOPLE, Tolerance.EXACT, expected, List.of(row("{\"id\": 1, \"balance\": \"0\", \"tags\": null}"))).diffs())
                .isEmpty();
    }

    @Test
    void aMillisecondTargetIsComparedAtMillisecondsInKeysAndValues() {
        TargetTable events = new TargetTable("events", List.of(new Column("user_id", ColumnType.of(CanonicalType.INT64), false),
                new Column("at", ColumnType.of(CanonicalType.TIMESTAMP), false), col("last", ColumnType.of(CanonicalType.TIMESTAMPTZ))),
                List.of("user_id"), List.of("at"), List.of(true));
        List<Row> expected = List.of(row("{\"user_id\": 1, \"at\": \"2024-03-15T10:30:00.123456\", \"last\": \"2024-03-15T10:30:00.999999Z\"}"));
        List<Row> actual = List.of(row("{\"user_id\": 1, \"at\": \"2024-03-15T10:30:00.123000\", \"last\": \"2024-03-15T10:30:00.999000Z\"}"));
        assertThat(compare(events, MILLIS, expected, actual).diffs()).isEmpty();
        TableComparison.Outcome exact = compare(events, Tolerance.EXACT, expected, actual);
        assertThat(exact.diffs().values()).extracting(RowDiff::kind).containsExactlyInAnyOrder(RowDiff.MISSING, RowDiff.EXTRA);
    }

    @Test
    void keysAreMatchedWhateverSpellingTheTargetGivesThem() {
        TargetTable t = TargetTable.keyed("t", List.of(new Column("u", ColumnType.of(CanonicalType.UUID), false),
                new Column("d", ColumnType.decimal(10, 2), false), new Column("at", ColumnType.of(CanonicalType.TIMESTAMPTZ), false),
                col("v", ColumnType.of(CanonicalType.INT32))), List.of("u", "d", "at"));
        List<Row> expected = List.of(row("{\"u\": \"123e4567-e89b-12d3-a456-426614174000\", \"d\": \"1.50\", "
                + "\"at\": \"2024-03-15T10:30:00.123456Z\", \"v\": 1}"));
        List<Row> actual = List.of(row("{\"d\": \"1.5\", \"at\": \"2024-03-15T12:30:00.123456+02:00\", "
                + "\"u\": \"123E4567-E89B-12D3-A456-426614174000\", \"v\": 1}"));
        assertThat(compare(t, Tolerance.EXACT, expected, actual).diffs()).isEmpty();
    }

    @Test
    void documentsStoredAsTextCompareWithTheMappedTreeAndUntypedArraysKeepTheirOrder() {
        TargetTable t = TargetTable.keyed("docs", List.of(new Column("id", ColumnType.of(CanonicalType.INT64), false),
                col("doc", ColumnType.of(CanonicalType.JSON))), List.of("id"));
        List<Row> expected = List.of(row("{\"id\": 1, \"doc\": {\"a\": [1, 2], \"b\": {\"c\": 1.0}}}"));
        // a relational target stores the sub-document as JSON text
        assertThat(compare(t, Tolerance.EXACT, expected, List.of(row("{\"id\": 1, \"doc\": \"{\\\"b\\\": {\\\"c\\\": 1}, \\\"a\\\": [1, 2]}\"}")))
                .diffs()).isEmpty();
        assertThat(compare(t, Tolerance.EXACT, expected, List.of(row("{\"id\": 1, \"doc\": {\"b\": {\"c\": 1}, \"a\": [2, 1]}}")))
                .diffs()).hasSize(1);
    }

    @Test
    void arraysOfChildDocumentsCompareInAnyOrderWithTypedFields() {
        ColumnType children = ColumnType.documentArray(Map.of("id", ColumnType.of(CanonicalType.INT64),
                "at", ColumnType.of(CanonicalType.TIMESTAMPTZ), "price", ColumnType.decimal(10, 2)));
        TargetTable t = TargetTable.keyed("docs", List.of(new Column("id", ColumnType.of(CanonicalType.INT64), false),
                col("items", children)), List.of("id"));
        List<Row> expected = List.of(row("{\"id\": 1, \"items\": [{\"id\": 1, \"at\": \"2024-01-01T00:00:00.000500Z\", \"price\": \"1.50\"},"
                + " {\"id\": 2, \"at\": null, \"price\": \"2.00\"}]}"));
        List<Row> reordered = List.of(row("{\"id\": 1, \"items\": [{\"price\": \"2\", \"id\": 2},"
                + " {\"id\": 1, \"at\": \"2024-01-01T00:00:00.000000Z\", \"price\": \"1.5\"}]}"));
        assertThat(compare(t, MILLIS, expected, reordered).diffs()).isEmpty();
        assertThat(compare(t, Tolerance.EXACT, expected, reordered).diffs()).hasSize(1);
        List<Row> oneTwice = List.of(row("{\"id\": 1, \"items\": [{\"id\": 2, \"price\": \"2\"}, {\"id\": 2, \"price\": \"2\"}]}"));
        assertThat(compare(t, MILLIS, expected, oneTwice).diffs().values()).containsExactly(RowDiff.different(id(1), List.of("items")));
    }

    @Test
    void countsAreExactAndSamplesTheFirstTenByKey() {
        List<Row> expected = new java.util.ArrayList<>();
        for (int i = 25; i >= 1; i--) {
            expected.add(row("{\"id\": " + i + ", \"name\": \"n\"}"));
        }
        TableResult result = compare(PEOPLE, Tolerance.EXACT, expected, List.of()).result("pg", "people", "");
        assertThat(result.missing()).isEqualTo(25);
        assertThat(result.samples()).hasSize(TableResult.MAX_SAMPLES);
        assertThat(result.samples()).extracting(d -> d.key().get("id").asLong()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
    }

    @Test
    void theSecondComparisonKeepsOnlyKeysTheFirstFoundToo() {
        List<Row> expected = List.of(row("{\"id\": 1, \"name\": \"a\"}"), row("{\"id\": 2, \"name\": \"b\"}"),
                row("{\"id\": 3, \"name\": \"c\"}"));
        TableComparison.Outcome first = compare(PEOPLE, Tolerance.EXACT, expected, List.of(row("{\"id\": 1, \"name\": \"x\"}"),
                row("{\"id\": 3, \"name\": \"c\"}")));
        TableComparison.Outcome second = compare(PEOPLE, Tolerance.EXACT, expected, List.of(row("{\"id\": 1, \"name\": \"y\"}"),
                row("{\"id\": 2, \"name\": \"b\"}"), row("{\"id\": 3, \"name\": \"z\"}")));
        TableResult confirmed = second.confirming(first).result("pg", "people", "");
        assertThat(confirmed.samples()).containsExactly(RowDiff.different(id(1), List.of("name")));
        assertThat(List.of(confirmed.missing(), confirmed.extra(), confirmed.different())).containsExactly(0L, 0L, 1L);
    }

    @Test
    void theReportReadsAsATableAJsonDocumentAndOneLine() {
        TableResult diff = new TableResult("cassandra", "users", TableResult.DIFF, 40, 40, 2, 0, 1,
                List.of(RowDiff.missing(id(3)), RowDiff.missing(id(4)), RowDiff.different(id(5), List.of("name", "email"))), "");
        TableResult match = new TableResult("cassandra", "events_by_type", TableResult.MATCH, 1200, 1200, 0, 0, 0, List.of(), "");
        TableResult skipped = TableResult.skipped("cassandra", "audit", "no target shape");
        ValidationReport report = new ValidationReport(Instant.parse("2024-03-15T10:00:00Z"), Instant.parse("2024-03-15T10:00:05Z"),
                List.of(diff, match, skipped));
        assertThat(report.clean()).isFalse();
        assertThat(report.summary()).isEqualTo("users: 2 missing, 1 different");
        assertThat(report.text()).startsWith("""
                SINK       TABLE           RESULT   SOURCE  TARGET  MISSING  EXTRA  DIFFERENT
                cassandra  users           DIFF         40      40        2      0          1
                cassandra  events_by_type  MATCH      1200    1200        0      0          0
                cassandra  audit           SKIPPED       -       -        -      -          -

                cassandra/users: 2 missing, 1 different
                  missing   {id=3}
                  missing   {id=4}
                  different {id=5}  columns: name, email
                """);
        assertThat(report.json().toString()).isEqualTo("{\"startedAt\":\"2024-03-15T10:00:00Z\",\"finishedAt\":\"2024-03-15T10:00:05Z\","
                + "\"clean\":false,\"summary\":\"users: 2 missing, 1 different\",\"tables\":["
                + "{\"sink\":\"cassandra\",\"table\":\"users\",\"result\":\"DIFF\",\"sourceRows\":40,\"targetRows\":40,\"missing\":2,"
                + "\"extra\":0,\"different\":1,\"samples\":[{\"kind\":\"missing\",\"key\":{\"id\":3},\"columns\":[]},"
                + "{\"kind\":\"missing\",\"key\":{\"id\":4},\"columns\":[]},{\"kind\":\"different\",\"key\":{\"id\":5},"
                + "\"columns\":[\"name\",\"email\"]}],\"detail\":\"\"},"
                + "{\"sink\":\"cassandra\",\"table\":\"events_by_type\",\"result\":\"MATCH\",\"sourceRows\":1200,\"targetRows\":1200,"
                + "\"missing\":0,\"extra\":0,\"different\":0,\"samples\":[],\"detail\":\"\"},"
                + "{\"sink\":\"cassandra\",\"table\":\"audit\",\"result\":\"SKIPPED\",\"sourceRows\":0,\"targetRows\":0,\"missing\":0,"
                + "\"extra\":0,\"different\":0,\"samples\":[],\"detail\":\"no target shape\"}]}");
        assertThat(new ValidationReport(Instant.EPOCH, Instant.EPOCH, List.of(match, skipped)).summary())
                .isEqualTo("1 of 2 table(s) match, 1 skipped");
    }
}
