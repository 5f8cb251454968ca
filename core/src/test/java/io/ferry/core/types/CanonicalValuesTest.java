package io.ferry.core.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CanonicalValuesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static String json(CanonicalType type, Object value) {
        return json(ColumnType.of(type), value);
    }

    private static String json(ColumnType type, Object value) {
        try {
            return JSON.writeValueAsString(CanonicalValues.encode(type, value));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static Object roundTrip(CanonicalType type, Object value) {
        ColumnType t = ColumnType.of(type);
        return CanonicalValues.decode(t, CanonicalValues.encode(t, value));
    }

    @ParameterizedTest
    @EnumSource(value = CanonicalType.class, names = "ARRAY", mode = EnumSource.Mode.EXCLUDE)
    void nullIsJsonNullForEveryType(CanonicalType type) {
        assertThat(json(type, null)).isEqualTo("null");
        assertThat(CanonicalValues.decode(ColumnType.of(type), JsonNodeFactory.instance.nullNode())).isNull();
    }

    @Test
    void aValuesTextIsItsJsonSpellingAndAStringsTextIsTheStringItself() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        List<JsonNode> scalars = List.of(f.numberNode(-42L), f.numberNode(new BigInteger("18446744073709551615")), f.numberNode(0.1),
                f.numberNode(1.0E-7), f.numberNode(1.0486297336216877E17), f.numberNode(-0.0), f.booleanNode(false),
                f.objectNode().put("a", 1).put("b", "x\"y"), f.arrayNode().add(1).add("two").addNull());
        for (JsonNode v : scalars) {
            assertThat(CanonicalValues.text(v)).as("%s", v.getNodeType()).isEqualTo(v.toString());
        }
        assertThat(CanonicalValues.text(f.textNode("say \"hi\""))).isEqualTo("say \"hi\"");
    }

    @Test
    void integersAtTheirLimitsStayExact() {
        assertThat(json(CanonicalType.INT16, Short.MIN_VALUE)).isEqualTo("-32768");
        assertThat(json(CanonicalType.INT32, Integer.MAX_VALUE)).isEqualTo("2147483647");
        assertThat(json(CanonicalType.INT64, Long.MIN_VALUE)).isEqualTo("-9223372036854775808");
        assertThat(json(CanonicalType.INT64, Long.MAX_VALUE)).isEqualTo("9223372036854775807");
        assertThat(roundTrip(CanonicalType.INT64, Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void mysqlUnsignedBigintIsCapturedPreciselyUpTo2To64Minus1() {
        BigInteger max = new BigInteger("18446744073709551615");
        assertThat(json(CanonicalType.UINT64, max)).isEqualTo("18446744073709551615");
        assertThat(json(CanonicalType.UINT64, new BigDecimal("9223372036854775808"))).isEqualTo("9223372036854775808");
        assertThat(roundTrip(CanonicalType.UINT64, max)).isEqualTo(max);
        assertThatThrownBy(() -> json(CanonicalType.UINT64, max.add(BigInteger.ONE)))
                .hasMessageContaining("outside 0..18446744073709551615");
        assertThatThrownBy(() -> json(CanonicalType.UINT64, -1L)).hasMessageContaining("outside");
    }

    @Test
    void integerOutOfItsRangeOrNotWholeIsRejected() {
        assertThatThrownBy(() -> json(CanonicalType.INT16, 40000)).hasMessageContaining("INT16 value 40000 is outside");
        assertThatThrownBy(() -> json(CanonicalType.INT32, new BigDecimal("1.5"))).hasMessageContaining("a whole number");
        assertThatThrownBy(() -> json(CanonicalType.INT64, "12")).hasMessageContaining("INT64 expects an integral Number, got String");
    }

    @Test
    void decimalsAreStringsKeepingTheSourceScale() {
        assertThat(json(ColumnType.decimal(12, 2), new BigDecimal("12.50"))).isEqualTo("\"12.50\"");
        assertThat(json(ColumnType.decimal(12, 2), new BigDecimal("-0.00"))).isEqualTo("\"0.00\"");
        // unbounded numeric: each value keeps its own scale, and no exponent ever appears
        assertThat(json(ColumnType.decimal(null, null), new BigDecimal("1E+3"))).isEqualTo("\"1000\"");
        assertThat(json(ColumnType.decimal(null, null), new BigDecimal("0.000000000000000000001")))
                .isEqualTo("\"0.000000000000000000001\"");
        assertThat(json(ColumnType.decimal(null, null), new BigDecimal("123456789012345678901234567890.123456789")))
                .isEqualTo("\"123456789012345678901234567890.123456789\"");
    }

    @Test
    void postgresNumericNanAndInfinitiesAreStrings() {
        assertThat(json(CanonicalType.DECIMAL, Double.NaN)).isEqualTo("\"NaN\"");
        assertThat(json(CanonicalType.DECIMAL, "Infinity")).isEqualTo("\"Infinity\"");
        assertThat(json(CanonicalType.DECIMAL, Double.NEGATIVE_INFINITY)).isEqualTo("\"-Infinity\"");
        assertThat(roundTrip(CanonicalType.DECIMAL, "-Infinity")).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThatThrownBy(() -> json(CanonicalType.MONEY, "NaN")).hasMessageContaining("MONEY value must be");
    }

    @Test
    void floatsAreShortestNumbersAndSpecialsAreStrings() {
        assertThat(json(CanonicalType.FLOAT32, 0.1f)).isEqualTo("0.1");
        assertThat(json(CanonicalType.FLOAT64, 0.1)).isEqualTo("0.1");
        assertThat(json(CanonicalType.FLOAT64, Double.MAX_VALUE)).isEqualTo("1.7976931348623157E308");
        assertThat(json(CanonicalType.FLOAT64, Double.MIN_VALUE)).isEqualTo("4.9E-324");
        assertThat(json(CanonicalType.FLOAT32, Float.NaN)).isEqualTo("\"NaN\"");
        assertThat(json(CanonicalType.FLOAT64, Double.POSITIVE_INFINITY)).isEqualTo("\"Infinity\"");
        assertThat(json(CanonicalType.FLOAT64, Double.NEGATIVE_INFINITY)).isEqualTo("\"-Infinity\"");
        assertThat(roundTrip(CanonicalType.FLOAT32, 0.1f)).isEqualTo(0.1f);
        assertThat((Double) roundTrip(CanonicalType.FLOAT64, Double.NaN)).isNaN();
    }

    @Test
    void timestampsHaveExactlySixFractionalDigits() {
        assertThat(json(CanonicalType.TIMESTAMP, LocalDateTime.of(2024, 3, 15, 10, 30)))
                .isEqualTo("\"2024-03-15T10:30:00.000000\"");
        assertThat(json(CanonicalType.TIMESTAMP, LocalDateTime.of(2024, 3, 15, 10, 30, 0, 123_456_000)))
                .isEqualTo("\"2024-03-15T10:30:00.123456\"");
        assertThat(json(CanonicalType.TIMESTAMP, LocalDateTime.of(1, 1, 1, 0, 0))).isEqualTo("\"0001-01-01T00:00:00.000000\"");
        assertThat(json(CanonicalType.TIMESTAMP, LocalDateTime.of(294276, 12, 31, 23, 59, 59, 999_999_000)))
                .isEqualTo("\"+294276-12-31T23:59:59.999999\"");
        assertThat(json(CanonicalType.TIMESTAMP, LocalDateTime.of(-4712, 1, 1, 0, 0))).isEqualTo("\"-4712-01-01T00:00:00.000000\"");
        assertThat(roundTrip(CanonicalType.TIMESTAMP, LocalDateTime.of(-4712, 1, 1, 0, 0)))
                .isEqualTo(LocalDateTime.of(-4712, 1, 1, 0, 0));
    }

    @Test
    void timestamptzIsUtcWithZ() {
        OffsetDateTime berlin = OffsetDateTime.of(2024, 3, 15, 12, 30, 0, 500_000_000, ZoneOffset.ofHours(2));
        assertThat(json(CanonicalType.TIMESTAMPTZ, berlin)).isEqualTo("\"2024-03-15T10:30:00.500000Z\"");
        assertThat(json(CanonicalType.TIMESTAMPTZ, Instant.EPOCH)).isEqualTo("\"1970-01-01T00:00:00.000000Z\"");
        assertThat(roundTrip(CanonicalType.TIMESTAMPTZ, berlin)).isEqualTo(berlin.toInstant());
    }

    @Test
    void postgresInfinityDatesAndTimestamps() {
        assertThat(json(CanonicalType.DATE, LocalDate.MAX)).isEqualTo("\"infinity\"");
        assertThat(json(CanonicalType.DATE, LocalDate.MIN)).isEqualTo("\"-infinity\"");
        assertThat(json(CanonicalType.TIMESTAMP, LocalDateTime.MAX)).isEqualTo("\"infinity\"");
        assertThat(json(CanonicalType.TIMESTAMPTZ, OffsetDateTime.MIN)).isEqualTo("\"-infinity\"");
        assertThat(roundTrip(CanonicalType.DATE, LocalDate.MAX)).isEqualTo(LocalDate.MAX);
        assertThat(roundTrip(CanonicalType.TIMESTAMPTZ, Instant.MIN)).isEqualTo(Instant.MIN);
        assertThat(json(CanonicalType.DATE, LocalDate.of(2024, 2, 29))).isEqualTo("\"2024-02-29\"");
        assertThat(json(CanonicalType.DATE, LocalDate.of(10000, 1, 1))).isEqualTo("\"+10000-01-01\"");
    }

    @Test
    void naiveTimestampsBecomeInstantsInTheSourceTimeZone() {
        assertThat(CanonicalTime.naiveToInstant("2024-07-01T12:00:00.000000", ZoneId.of("UTC")))
                .isEqualTo(Instant.parse("2024-07-01T12:00:00Z"));
        assertThat(CanonicalTime.naiveToInstant("2024-07-01T12:00:00.000000", ZoneId.of("Europe/Berlin")))
                .isEqualTo(Instant.parse("2024-07-01T10:00:00Z"));
        // 02:30 does not exist on 2024-03-31 in Berlin: no instant (moved forward by the gap, it read back as 03:30, the
        // stored value of a row that really is 03:30)
        assertThatThrownBy(() -> CanonicalTime.naiveToInstant("2024-03-31T02:30:00.000000", ZoneId.of("Europe/Berlin")))
                .hasMessageContaining("2024-03-31T02:30 does not exist in source.time_zone Europe/Berlin");
        // 02:30 happens twice on 2024-10-27 in Berlin: the earlier offset (+02:00) is taken
        assertThat(CanonicalTime.naiveToInstant("2024-10-27T02:30:00.000000", ZoneId.of("Europe/Berlin")))
                .isEqualTo(Instant.parse("2024-10-27T00:30:00Z"));
        assertThat(CanonicalTime.naiveToInstant("infinity", ZoneId.of("UTC"))).isEqualTo(Instant.MAX);
    }

    @Test
    void timeOfDayAndMysqlTimeBeyond24Hours() {
        assertThat(json(CanonicalType.TIME, LocalTime.of(10, 30, 5, 120_000))).isEqualTo("\"10:30:05.000120\"");
        assertThat(json(CanonicalType.TIME, Duration.ofHours(24))).isEqualTo("\"24:00:00.000000\"");
        Duration mysqlMax = Duration.ofHours(838).plusMinutes(59).plusSeconds(59);
        assertThat(json(CanonicalType.TIME, mysqlMax)).isEqualTo("\"838:59:59.000000\"");
        assertThat(json(CanonicalType.TIME, mysqlMax.negated())).isEqualTo("\"-838:59:59.000000\"");
        assertThat(json(CanonicalType.TIME, Duration.ofMinutes(-90))).isEqualTo("\"-01:30:00.000000\"");
        assertThat(roundTrip(CanonicalType.TIME, mysqlMax.negated())).isEqualTo(mysqlMax.negated());
        assertThat(json(CanonicalType.TIMETZ, OffsetTime.of(23, 0, 0, 0, ZoneOffset.ofHours(-2))))
                .isEqualTo("\"01:00:00.000000Z\"");
    }

    @Test
    void uuidBytesJsonEnumBitInetMoney() {
        UUID id = UUID.fromString("123E4567-E89B-12D3-A456-426614174000");
        assertThat(json(CanonicalType.UUID, id)).isEqualTo("\"123e4567-e89b-12d3-a456-426614174000\"");
        assertThat(json(CanonicalType.UUID, "123E4567-E89B-12D3-A456-426614174000"))
                .isEqualTo("\"123e4567-e89b-12d3-a456-426614174000\"");
        assertThat(json(CanonicalType.BYTES, new byte[] {0, (byte) 0xff, 'a'})).isEqualTo("\"AP9h\"");
        assertThat((byte[]) roundTrip(CanonicalType.BYTES, new byte[0])).isEmpty();
        String jsonText = "{\"b\": 1,   \"a\": [true, null]}";
        assertThat(CanonicalValues.encode(ColumnType.of(CanonicalType.JSON), jsonText).textValue()).isEqualTo(jsonText);
        assertThatThrownBy(() -> json(CanonicalType.JSON, "{not json")).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> json(CanonicalType.JSON, "{\"a\": 1} junk")).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> json(CanonicalType.JSON, "")).hasMessageContaining("not valid JSON");
        assertThat(json(CanonicalType.ENUM, "in_progress")).isEqualTo("\"in_progress\"");
        assertThat(json(CanonicalType.BIT, "0101")).isEqualTo("\"0101\"");
        assertThat(json(CanonicalType.BIT, true)).isEqualTo("\"1\"");
        assertThatThrownBy(() -> json(CanonicalType.BIT, "012")).hasMessageContaining("string of 0 and 1");
        assertThat(json(CanonicalType.INET, "10.0.0.0/8")).isEqualTo("\"10.0.0.0/8\"");
        // a cidr of one host, stored in an inet column, prints without its prefix
        ColumnType inet = ColumnType.of(CanonicalType.INET);
        assertThat(CanonicalValues.same(inet, text("10.1.2.3/32"), text("10.1.2.3"), Tolerance.EXACT)).isTrue();
        assertThat(CanonicalValues.same(inet, text("2001:DB8::1/128"), text("2001:db8::1"), Tolerance.EXACT)).isTrue();
        assertThat(CanonicalValues.same(inet, text("10.1.2.0/24"), text("10.1.2.0"), Tolerance.EXACT)).isFalse();
        assertThat(CanonicalValues.same(inet, text("10.1.2.3/32"), text("10.1.2.30"), Tolerance.EXACT)).isFalse();
        assertThat(json(CanonicalType.MONEY, new BigDecimal("-1234.56"))).isEqualTo("\"-1234.56\"");
        assertThat(json(CanonicalType.STRING, "Grüße, 世界 🚢")).isEqualTo("\"Grüße, 世界 🚢\"");
        assertThat(json(CanonicalType.BOOLEAN, 1)).isEqualTo("true");
        assertThatThrownBy(() -> json(CanonicalType.BOOLEAN, 2)).hasMessageContaining("0 or 1");
    }

    @Test
    void intervalsKeepMonthsDaysAndMicrosApart() {
        assertThat(json(CanonicalType.INTERVAL, new Interval(14, 3, 4 * 3_600_000_000L + 5 * 60_000_000L + 6_000_007L)))
                .isEqualTo("\"P1Y2M3DT4H5M6.000007S\"");
        assertThat(json(CanonicalType.INTERVAL, new Interval(0, 0, 0))).isEqualTo("\"PT0S\"");
        assertThat(json(CanonicalType.INTERVAL, new Interval(-1, 0, -90_000_000L))).isEqualTo("\"P-1MT-1M-30S\"");
        for (Interval i : List.of(new Interval(-13, 40, -1), new Interval(0, -1, 86_400_000_000L), new Interval(25, 0, 500_000))) {
            assertThat(Interval.parseIso(i.toIso())).isEqualTo(i);
        }
        assertThatThrownBy(() -> Interval.parseIso("1 day")).hasMessageContaining("ISO-8601 duration");
        // PostgreSQL's iso_8601 style: no trailing zeros in the seconds
        assertThat(new Interval(0, 0, 6_500_000).toIso()).isEqualTo("PT6.5S");
        // PostgreSQL's largest interval time part, 2562047788:00:54.775807, round-trips
        Interval max = new Interval(Integer.MAX_VALUE, Integer.MAX_VALUE, Long.MAX_VALUE);
        assertThat(max.toIso()).endsWith("T2562047788H54.775807S");
        assertThat(Interval.parseIso(max.toIso())).isEqualTo(max);
        assertThat(Interval.parseIso(new Interval(0, 0, Long.MIN_VALUE + 1).toIso())).isEqualTo(new Interval(0, 0, Long.MIN_VALUE + 1));
    }

    @Test
    void arraysHoldCanonicalElementsIncludingNulls() {
        ColumnType ints = ColumnType.arrayOf(ColumnType.of(CanonicalType.INT32));
        assertThat(json(ints, Arrays.asList(1, null, 3))).isEqualTo("[1,null,3]");
        ColumnType stamps = ColumnType.arrayOf(ColumnType.of(CanonicalType.TIMESTAMP));
        assertThat(json(stamps, List.of(LocalDateTime.of(2024, 1, 1, 0, 0))))
                .isEqualTo("[\"2024-01-01T00:00:00.000000\"]");
        ColumnType nested = ColumnType.arrayOf(ints);
        assertThat(json(nested, List.of(List.of(1, 2), List.of()))).isEqualTo("[[1,2],[]]");
        assertThat(CanonicalValues.decode(ints, CanonicalValues.encode(ints, Arrays.asList(1, null))))
                .isEqualTo(Arrays.asList(1L, null));
    }

    @Test
    void wrongJsonFormIsRejectedOnDecode() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        assertThatThrownBy(() -> CanonicalValues.decode(ColumnType.of(CanonicalType.TIMESTAMP), f.numberNode(1)))
                .hasMessageContaining("TIMESTAMP value must be");
        assertThatThrownBy(() -> CanonicalValues.decode(ColumnType.of(CanonicalType.DATE), f.textNode("15/03/2024")))
                .hasMessageContaining("DATE value must be");
        assertThatThrownBy(() -> CanonicalValues.decode(ColumnType.of(CanonicalType.DECIMAL), f.textNode("12,5")))
                .hasMessageContaining("DECIMAL value must be");
    }

    @Test
    void aJsonTreeAsAMappingBuildsItDecodesToItsCompactText() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ColumnType document = ColumnType.documentArray(Map.of("total", ColumnType.decimal(12, 2)));
        JsonNode orders = f.arrayNode().add(f.objectNode().put("order_id", 1001).put("total", "129.99").putNull("note"));
        assertThat(CanonicalValues.decode(document, orders)).isEqualTo("[{\"order_id\":1001,\"total\":\"129.99\",\"note\":null}]");
        assertThat(CanonicalValues.decode(ColumnType.of(CanonicalType.JSON), f.numberNode(12))).isEqualTo("12");
        assertThat(CanonicalValues.decode(ColumnType.of(CanonicalType.JSON), text("{\"a\": 1}"))).isEqualTo("{\"a\": 1}");
        assertThat(CanonicalValues.same(document, orders, text("[{\"total\": \"129.99\", \"order_id\": 1001.0, \"note\": null}]"),
                Tolerance.EXACT)).isTrue();
        assertThat(CanonicalValues.same(document, orders, text("[{\"order_id\": 1001, \"total\": 129.99, \"note\": null}]"), Tolerance.EXACT)).isFalse();
    }

    @Test
    void everyTypeHasACodec() {
        for (CanonicalType t : CanonicalType.values()) {
            ColumnType type = t == CanonicalType.ARRAY ? ColumnType.arrayOf(ColumnType.of(CanonicalType.STRING)) : ColumnType.of(t);
            assertThat(CanonicalValues.codec(type)).as(t.name()).isNotNull();
            assertThat(CanonicalValues.codec(type).type()).isEqualTo(t);
        }
    }

    static JsonNode text(String s) {
        return JsonNodeFactory.instance.textNode(s);
    }
}
