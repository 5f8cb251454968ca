package io.ferry.validation.diff;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.core.schema.Column;
import io.ferry.core.spi.TargetTable;
import io.ferry.core.types.CanonicalType;
import io.ferry.core.types.ColumnType;
import io.ferry.core.types.Tolerance;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Row hashes only merge what the comparison counts as the same: spellings of one value render alike, values the comparison
 * tells apart never do.
 */
class RowHashTest {

    private static final Tolerance MILLIS = Tolerance.timePrecision(ChronoUnit.MILLIS);
    private static final ColumnType CHILDREN = ColumnType.documentArray(Map.of("id", ColumnType.of(CanonicalType.INT64),
            "at", ColumnType.of(CanonicalType.TIMESTAMPTZ)));
    private static final ColumnType PROFILE = ColumnType.document(Map.of("name", ColumnType.of(CanonicalType.STRING)));

    private static JsonNode json(String text) {
        try {
            return TestRows.JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final TargetTable TABLE = TargetTable.keyed("t", List.of(new Column("id", ColumnType.of(CanonicalType.INT64), false)),
            List.of("id"));

    private static String render(ColumnType type, String value, Tolerance tolerance) {
        return new RowHash(TABLE, c -> tolerance).render(type, json(value), tolerance);
    }

    private static void alike(ColumnType type, String a, String b, Tolerance tolerance) {
        assertThat(TargetValues.same(type, json(a), json(b), tolerance)).as("%s same as %s", a, b).isTrue();
        assertThat(render(type, a, tolerance)).as("%s renders as %s", a, b).isEqualTo(render(type, b, tolerance));
    }

    private static void apart(ColumnType type, String a, String b, Tolerance tolerance) {
        assertThat(TargetValues.same(type, json(a), json(b), tolerance)).as("%s same as %s", a, b).isFalse();
        assertThat(render(type, a, tolerance)).as("%s renders as %s", a, b).isNotEqualTo(render(type, b, tolerance));
    }

    @Test
    void spellingsOfOneValueRenderAlike() {
        alike(ColumnType.decimal(10, 2), "\"12.50\"", "\"12.5\"", Tolerance.EXACT);
        alike(ColumnType.of(CanonicalType.TIMESTAMPTZ), "\"2024-03-15T10:30:00.123456Z\"", "\"2024-03-15T12:30:00.123456+02:00\"",
                Tolerance.EXACT);
        alike(ColumnType.of(CanonicalType.TIMESTAMP), "\"2024-03-15T10:30:00.123456\"", "\"2024-03-15T10:30:00.123000\"", MILLIS);
        alike(ColumnType.of(CanonicalType.UUID), "\"123e4567-e89b-12d3-a456-426614174000\"", "\"123E4567-E89B-12D3-A456-426614174000\"",
                Tolerance.EXACT);
        alike(ColumnType.of(CanonicalType.JSON), "\"{\\\"b\\\": [1, 2.0], \\\"a\\\": 1}\"", "{\"a\": 1, \"b\": [1, 2]}", Tolerance.EXACT);
        alike(PROFILE, "{\"name\": \"Ada\", \"nick\": null}", "\"{\\\"name\\\": \\\"Ada\\\"}\"", Tolerance.EXACT);
        alike(CHILDREN, "[{\"id\": 1, \"at\": \"2024-01-01T00:00:00.000500Z\"}]", "[{\"at\": \"2024-01-01T00:00:00Z\", \"id\": 1}]",
                MILLIS);
        alike(ColumnType.of(CanonicalType.STRING), "null", "null", Tolerance.EXACT);
    }

    @Test
    void valuesTheComparisonTellsApartNeverRenderAlike() {
        apart(ColumnType.of(CanonicalType.STRING), "\"1\"", "1", Tolerance.EXACT);
        apart(ColumnType.of(CanonicalType.STRING), "\"\"", "null", Tolerance.EXACT);
        apart(ColumnType.of(CanonicalType.STRING), "\"ab\"", "\"aB\"", Tolerance.EXACT);
        apart(ColumnType.of(CanonicalType.TIMESTAMP), "\"2024-03-15T10:30:00.123456\"", "\"2024-03-15T10:30:00.123000\"", Tolerance.EXACT);
        apart(ColumnType.decimal(10, 2), "\"12.50\"", "\"12.51\"", Tolerance.EXACT);
        // untyped JSON: a field set to null is not an absent one, arrays keep their order
        apart(ColumnType.of(CanonicalType.JSON), "{\"a\": 1, \"b\": null}", "{\"a\": 1}", Tolerance.EXACT);
        apart(ColumnType.of(CanonicalType.JSON), "[1, 2]", "[2, 1]", Tolerance.EXACT);
        apart(ColumnType.of(CanonicalType.JSON), "\"\\\"x\\\"\"", "\"{\\\"x\\\": 1}\"", Tolerance.EXACT);
        apart(CHILDREN, "[{\"id\": 1, \"at\": \"2024-01-01T00:00:00.000500Z\"}]", "[{\"id\": 1, \"at\": \"2024-01-01T00:00:00Z\"}]",
                Tolerance.EXACT);
        apart(ColumnType.arrayOf(ColumnType.of(CanonicalType.INT32)), "[1, null]", "[1]", Tolerance.EXACT);
    }

    @Test
    void aValueTheComparisonNeverCountsAsTheSameRendersUniquely() {
        // an array column holding something else differs even from itself
        assertThat(TargetValues.same(CHILDREN, json("\"oops\""), json("\"oops\""), Tolerance.EXACT)).isFalse();
        assertThat(render(CHILDREN, "\"oops\"", Tolerance.EXACT)).isNotEqualTo(render(CHILDREN, "\"oops\"", Tolerance.EXACT));
        // a fraction a double cannot hold exactly: parsed as a double on one side, it could round into another value
        String precise = "\"{\\\"v\\\": 0.12345678901234567890}\"";
        assertThat(render(ColumnType.of(CanonicalType.JSON), precise, Tolerance.EXACT))
                .isNotEqualTo(render(ColumnType.of(CanonicalType.JSON), precise, Tolerance.EXACT));
    }

    /**
     * A mapped row keeps the numbers of parsed JSON exact where a double would change them (core's Row): a target holding
     * the same digits as text matches, one that rounded them differs; a double matches its shortest spelling too.
     */
    @Test
    void numbersInParsedJsonCompareExactlyUnlessOneSideIsADouble() throws Exception {
        ColumnType json = ColumnType.of(CanonicalType.JSON);
        JsonNode mapped = new com.fasterxml.jackson.databind.ObjectMapper()
                .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .readTree("{\"v\": 12345678901234567890.123456789, \"w\": [0.10000000000000001]}");
        assertThat(TargetValues.same(json, mapped, text("{\"w\": [0.10000000000000001], \"v\": 12345678901234567890.123456789}"),
                Tolerance.EXACT)).as("the same digits").isTrue();
        assertThat(TargetValues.same(json, mapped, text("{\"v\": 1.2345678901234567E19, \"w\": [0.10000000000000001]}"),
                Tolerance.EXACT)).as("a target that rounded to a double").isFalse();
        // JDK 17's Double.toString(2e23) is 2.0000000000000002E23; the event JSON and the target hold 2.0E23
        JsonNode twoE23 = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("v", 2e23);
        assertThat(TargetValues.same(json, twoE23, text("{\"v\": 2.0E23}"), Tolerance.EXACT)).as("a double").isTrue();
        assertThat(TargetValues.same(json, twoE23, text("{\"v\": 2.1E23}"), Tolerance.EXACT)).isFalse();
    }

    private static JsonNode text(String s) {
        return com.fasterxml.jackson.databind.node.TextNode.valueOf(s);
    }

    @Test
    void slackOnlyCostsAnExactComparison() {
        Tolerance cent = Tolerance.parse("0.01");
        assertThat(TargetValues.same(ColumnType.decimal(10, 2), json("\"1.00\""), json("\"1.01\""), cent)).isTrue();
        assertThat(render(ColumnType.decimal(10, 2), "\"1.00\"", cent)).isNotEqualTo(render(ColumnType.decimal(10, 2), "\"1.01\"", cent));
    }
}
