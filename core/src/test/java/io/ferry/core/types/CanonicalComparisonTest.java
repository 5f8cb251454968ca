package io.ferry.core.types;

import static io.ferry.core.types.CanonicalValuesTest.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigDecimal;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

class CanonicalComparisonTest {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private static boolean same(CanonicalType type, com.fasterxml.jackson.databind.JsonNode a,
            com.fasterxml.jackson.databind.JsonNode b, Tolerance tolerance) {
        return CanonicalValues.same(ColumnType.of(type), a, b, tolerance);
    }

    @Test
    void nullsAreSameOnlyAsAPair() {
        assertThat(same(CanonicalType.STRING, F.nullNode(), null, Tolerance.EXACT)).isTrue();
        assertThat(same(CanonicalType.STRING, F.nullNode(), text(""), Tolerance.EXACT)).isFalse();
    }

    @Test
    void decimalsCompareByValueNotScale() {
        assertThat(same(CanonicalType.DECIMAL, text("12.5"), text("12.50"), Tolerance.EXACT)).isTrue();
        assertThat(same(CanonicalType.DECIMAL, text("12.5"), text("12.51"), Tolerance.EXACT)).isFalse();
        Tolerance cent = new Tolerance(ChronoUnit.MICROS, new BigDecimal("0.01"), 0);
        assertThat(same(CanonicalType.DECIMAL, text("12.5"), text("12.51"), cent)).isTrue();
        assertThat(same(CanonicalType.DECIMAL, text("NaN"), text("NaN"), Tolerance.EXACT)).isTrue();
        assertThat(same(CanonicalType.DECIMAL, text("NaN"), text("0"), Tolerance.EXACT)).isFalse();
    }

    @Test
    void timestampsCompareAtTheTargetsPrecision() {
        var micros = text("2024-03-15T10:30:00.123456");
        var millis = text("2024-03-15T10:30:00.123000");
        assertThat(same(CanonicalType.TIMESTAMP, micros, millis, Tolerance.EXACT)).isFalse();
        assertThat(same(CanonicalType.TIMESTAMP, micros, millis, Tolerance.timePrecision(ChronoUnit.MILLIS))).isTrue();
        // a target that prints another offset or fewer digits still denotes the same instant
        assertThat(same(CanonicalType.TIMESTAMPTZ, text("2024-03-15T10:30:00.000000Z"), text("2024-03-15T12:30+02:00"),
                Tolerance.EXACT)).isTrue();
        assertThat(same(CanonicalType.TIMESTAMPTZ, text("infinity"), text("infinity"), Tolerance.EXACT)).isTrue();
        assertThat(same(CanonicalType.TIMESTAMPTZ, text("infinity"), text("-infinity"), Tolerance.EXACT)).isFalse();
        assertThat(same(CanonicalType.TIME, text("10:00:00.000999"), text("10:00:00"),
                Tolerance.timePrecision(ChronoUnit.MILLIS))).isTrue();
    }

    /** A tolerance of a unit accepts a target that rounds as well as one that truncates: less than one unit apart. */
    @Test
    void aTimeToleranceIsADistanceNotATruncation() {
        Tolerance second = Tolerance.timePrecision(ChronoUnit.SECONDS);
        // DATETIME(0) rounds 10:00:00.6 up; compared truncated, 10:00:00 and 10:00:01 differed in every pass
        assertThat(same(CanonicalType.TIMESTAMP, text("2024-03-15T10:00:00.600000"), text("2024-03-15T10:00:01"), second)).isTrue();
        assertThat(same(CanonicalType.TIMESTAMPTZ, text("2024-03-15T10:00:00.600000Z"), text("2024-03-15T10:00:01Z"), second)).isTrue();
        assertThat(same(CanonicalType.TIME, text("10:00:00.600000"), text("10:00:01"), second)).isTrue();
        assertThat(same(CanonicalType.TIMETZ, text("10:00:00.600000+01:00"), text("10:00:01+01:00"), second)).isTrue();
        // a whole unit apart is a difference
        assertThat(same(CanonicalType.TIMESTAMP, text("2024-03-15T10:00:00"), text("2024-03-15T10:00:01"), second)).isFalse();
        assertThat(same(CanonicalType.TIMETZ, text("10:00:00+01:00"), text("10:00:00+02:00"), second)).as("another offset").isFalse();
        assertThat(same(CanonicalType.TIMETZ, text("23:59:59.600000+01:00"), text("00:00:00+01:00"), second)).as("across midnight").isTrue();
    }

    @Test
    void jsonComparesSemantically() {
        assertThat(same(CanonicalType.JSON, text("{\"a\":1,\"b\":[1,2]}"), text("{ \"b\": [1, 2], \"a\": 1.0 }"),
                Tolerance.EXACT)).isTrue();
        assertThat(same(CanonicalType.JSON, text("{\"b\":[1,2]}"), text("{\"b\":[2,1]}"), Tolerance.EXACT)).isFalse();
        assertThat(same(CanonicalType.JSON, text("{\"a\":\"1\"}"), text("{\"a\":1}"), Tolerance.EXACT)).isFalse();
    }

    @Test
    void floatsWithNanAndRelativeTolerance() {
        assertThat(same(CanonicalType.FLOAT64, text("NaN"), text("NaN"), Tolerance.EXACT)).isTrue();
        assertThat(same(CanonicalType.FLOAT64, F.numberNode(1.0), F.numberNode(1.0000001), Tolerance.EXACT)).isFalse();
        assertThat(same(CanonicalType.FLOAT64, F.numberNode(1.0), F.numberNode(1.0000001),
                new Tolerance(ChronoUnit.MICROS, BigDecimal.ZERO, 1e-6))).isTrue();
    }

    @Test
    void otherTypesCompareByDecodedValue() {
        assertThat(same(CanonicalType.UUID, text("123e4567-e89b-12d3-a456-426614174000"),
                text("123E4567-E89B-12D3-A456-426614174000"), Tolerance.EXACT)).isTrue();
        assertThat(same(CanonicalType.BYTES, text("AP9h"), text("AP9h"), Tolerance.EXACT)).isTrue();
        assertThat(same(CanonicalType.INT64, F.numberNode(5L), F.numberNode(5), Tolerance.EXACT)).isTrue();
        assertThat(same(CanonicalType.INTERVAL, text("P14M"), text("P1Y2M"), Tolerance.EXACT)).isTrue();
        var arr = ColumnType.arrayOf(ColumnType.of(CanonicalType.DECIMAL));
        assertThat(CanonicalValues.same(arr, F.arrayNode().add("1.0"), F.arrayNode().add("1"), Tolerance.EXACT)).isTrue();
    }
}
