package io.ferry.transform.expr;

import static io.ferry.transform.expr.TestScope.row;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.core.event.Row;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ExpressionEvalTest {

    private static final Row ROW = row(
            "i", 7, "j", 2, "zero", 0, "neg", -7, "big", Long.MAX_VALUE,
            "price", "12.50", "qty", "3", "f", 1.5,
            "s", "Hello", "word", "abc", "padded", "  hi\u00a0 ", "flag", true, "off", false, "n", null,
            "ts", "2024-03-15T23:30:00.000000", "tstz", "2024-03-15T23:30:00.000000Z", "day", "2024-03-15",
            "doc", "{\"a\":{\"b\":[{\"c\":\"x\"},{\"c\":1.10}],\"o\":{\"k\":true},\"z\":null},\"list\":[1,2,3]}",
            "zone", "Asia/Tokyo", "badzone", "Nowhere/Land");

    private static JsonNode eval(String text) {
        return eval(text, TestScope.of(ROW));
    }

    private static JsonNode eval(String text, Scope scope) {
        return Expression.parse(text).evaluate(scope);
    }

    private static String evalError(String text) {
        return evalError(text, TestScope.of(ROW));
    }

    private static String evalError(String text, Scope scope) {
        Expression e = Expression.parse(text);
        try {
            e.evaluate(scope);
        } catch (EvaluationException ex) {
            return ex.getMessage();
        }
        throw new AssertionError("expected an evaluation error for: " + text);
    }

    // --- columns and literals

    @Test
    void columnsAndLiterals() {
        assertThat(eval("i")).isEqualTo(TestScope.node(7));
        assertThat(eval("n").isNull()).isTrue();
        assertThat(eval("not_in_row").isNull()).isTrue();
        assertThat(eval("'text'").textValue()).isEqualTo("text");
        assertThat(eval("true").booleanValue()).isTrue();
        assertThat(eval("null").isNull()).isTrue();
        assertThat(eval("1.50")).isEqualTo(TestScope.node("1.50"));
        assertThat(eval("123456789012345678901234567890").bigIntegerValue()).isEqualTo(new BigInteger("123456789012345678901234567890"));
    }

    // --- arithmetic

    @Test
    void integerArithmeticIsExact() {
        assertThat(eval("i + j")).isEqualTo(TestScope.node(9));
        assertThat(eval("i - j * 3")).isEqualTo(TestScope.node(1));
        assertThat(eval("-i")).isEqualTo(TestScope.node(-7));
        assertThat(eval("big + 1").bigIntegerValue()).isEqualTo(BigInteger.valueOf(Long.MAX_VALUE).add(BigInteger.ONE));
        assertThat(eval("big * big").bigIntegerValue()).isEqualTo(BigInteger.valueOf(Long.MAX_VALUE).pow(2));
        assertThat(eval("(big + 1) - 1").isLong()).isTrue();
    }

    @Test
    void integerDivisionTruncatesTowardZero() {
        assertThat(eval("i / j")).isEqualTo(TestScope.node(3));
        assertThat(eval("neg / j")).isEqualTo(TestScope.node(-3));
        assertThat(eval("i % 3")).isEqualTo(TestScope.node(1));
        assertThat(eval("neg % 3")).isEqualTo(TestScope.node(-1));
        assertThat(eval("-9223372036854775808 / -1").bigIntegerValue()).isEqualTo(BigInteger.ONE.shiftLeft(63));
    }

    @Test
    void divisionByZeroIsAnError() {
        assertThat(evalError("i / zero")).isEqualTo("division by zero in i / zero");
        assertThat(evalError("price % 0")).isEqualTo("division by zero in price % 0");
    }

    @Test
    void decimalsAreExactAndCanonicalStrings() {
        assertThat(eval("price * 2")).isEqualTo(TestScope.node("25.00"));
        assertThat(eval("price + qty")).isEqualTo(TestScope.node("15.50"));
        assertThat(eval("1.5 + 1")).isEqualTo(TestScope.node("2.5"));
        assertThat(eval("7.0 / 2")).isEqualTo(TestScope.node("3.5"));
        assertThat(eval("1.0 / 3")).isEqualTo(TestScope.node("0.3333333333333333333333333333333333"));
        assertThat(eval("-price")).isEqualTo(TestScope.node("-12.50"));
        assertThat(eval("price - 0.005")).isEqualTo(TestScope.node("12.495"));
        assertThat(eval("price % 5")).isEqualTo(TestScope.node("2.50"));
        assertThat(eval("'1e3' + 0")).isEqualTo(TestScope.node("1000"));
    }

    @Test
    void floatsMakeDoubles() {
        assertThat(eval("f + 1")).isEqualTo(TestScope.node(2.5));
        assertThat(eval("f * price")).isEqualTo(TestScope.node(18.75));
        assertThat(eval("f / 0")).isEqualTo(TestScope.node("Infinity"));
        assertThat(eval("'NaN' + 1")).isEqualTo(TestScope.node("NaN"));
    }

    @Test
    void arithmeticWithNullIsNull() {
        assertThat(eval("i + n").isNull()).isTrue();
        assertThat(eval("n * 2").isNull()).isTrue();
        assertThat(eval("-n").isNull()).isTrue();
        assertThat(eval("missing / 0").isNull()).isTrue();
    }

    @Test
    void nonNumbersInArithmeticNameTheValueAndTheExpression() {
        assertThat(evalError("lower(word) + 1")).isEqualTo("cannot read 'abc' as a number in lower(word) + 1");
        assertThat(evalError("flag + 1")).isEqualTo("cannot read true as a number in flag + 1");
        assertThat(evalError("1 + (2 * -word)")).isEqualTo("cannot read 'abc' as a number in -word");
        // An absurd exponent is refused rather than expanded into a billion digits.
        assertThat(evalError("'1e999999999' + 1")).isEqualTo("cannot read '1e999999999' as a number in '1e999999999' + 1");
    }

    // --- comparison

    @Test
    void numbersCompareNumericallyWhateverTheirSpelling() {
        assertThat(eval("i > j").booleanValue()).isTrue();
        assertThat(eval("price > 9").booleanValue()).isTrue();
        assertThat(eval("price = 12.5").booleanValue()).isTrue();
        assertThat(eval("'1.50' = 1.5").booleanValue()).isTrue();
        assertThat(eval("price = '12.5'").booleanValue()).isFalse(); // two strings: by their characters
        assertThat(eval("f = 1.5").booleanValue()).isTrue();
        assertThat(eval("f < 2").booleanValue()).isTrue();
        assertThat(eval("big < big + 1").booleanValue()).isTrue();
        assertThat(eval("i != 7").booleanValue()).isFalse();
        assertThat(eval("i <> 8").booleanValue()).isTrue();
        assertThat(eval("i >= 7 and i <= 7").booleanValue()).isTrue();
    }

    @Test
    void stringsCompareByCharacters() {
        assertThat(eval("ts < '2024-03-16T00:00:00.000000'").booleanValue()).isTrue();
        assertThat(eval("day >= '2024-03-15'").booleanValue()).isTrue();
        assertThat(eval("'abc' < 'abd'").booleanValue()).isTrue();
        assertThat(eval("'B' < 'a'").booleanValue()).isTrue();
        assertThat(eval("s == 'Hello'").booleanValue()).isTrue();
    }

    @Test
    void booleansCompare() {
        assertThat(eval("off < flag").booleanValue()).isTrue();
        assertThat(eval("flag = true").booleanValue()).isTrue();
        assertThat(eval("flag != off").booleanValue()).isTrue();
    }

    @Test
    void jsonTreesCompareByContent() {
        assertThat(eval("parse_json('{\"a\":[1,2]}') = parse_json(' { \"a\" : [1, 2] } ')").booleanValue()).isTrue();
        assertThat(eval("parse_json('[1]') != parse_json('[2]')").booleanValue()).isTrue();
    }

    @Test
    void comparisonWithNullIsNull() {
        assertThat(eval("n = n").isNull()).isTrue();
        assertThat(eval("i < n").isNull()).isTrue();
        assertThat(eval("null = 1").isNull()).isTrue();
    }

    @Test
    void incomparableValuesAreErrors() {
        assertThat(evalError("word > 1")).isEqualTo("cannot read 'abc' as a number in word > 1");
        assertThat(evalError("flag = 1")).isEqualTo("cannot compare true with 1 in flag = 1");
        assertThat(evalError("flag = 'true'")).isEqualTo("cannot compare true with 'true' in flag = 'true'");
    }

    // --- logic

    @Test
    void threeValuedLogic() {
        assertThat(eval("n and off").booleanValue()).isFalse();
        assertThat(eval("off and n").booleanValue()).isFalse();
        assertThat(eval("n and flag").isNull()).isTrue();
        assertThat(eval("n or flag").booleanValue()).isTrue();
        assertThat(eval("flag or n").booleanValue()).isTrue();
        assertThat(eval("n or off").isNull()).isTrue();
        assertThat(eval("not n").isNull()).isTrue();
        assertThat(eval("not off").booleanValue()).isTrue();
        assertThat(eval("flag and flag").booleanValue()).isTrue();
        assertThat(eval("off or off").booleanValue()).isFalse();
    }

    @Test
    void logicStopsWhenTheLeftSideDecides() {
        assertThat(eval("off and i / zero = 1").booleanValue()).isFalse();
        assertThat(eval("flag or i / zero = 1").booleanValue()).isTrue();
    }

    @Test
    void logicNeedsBooleans() {
        assertThat(evalError("i and flag")).isEqualTo("expected true or false, got 7 in i");
        assertThat(evalError("not word")).isEqualTo("expected true or false, got 'abc' in word");
    }

    @Test
    void isNull() {
        assertThat(eval("n is null").booleanValue()).isTrue();
        assertThat(eval("missing is null").booleanValue()).isTrue();
        assertThat(eval("i is null").booleanValue()).isFalse();
        assertThat(eval("i is not null").booleanValue()).isTrue();
        assertThat(eval("n + 1 is not null").booleanValue()).isFalse();
    }

    // --- text

    @Test
    void concatOperatorPropagatesNull() {
        assertThat(eval("s || ', ' || word").textValue()).isEqualTo("Hello, abc");
        assertThat(eval("s || n").isNull()).isTrue();
        assertThat(eval("'n=' || i || '/' || price || '/' || flag || '/' || f || '/' || 1.50").textValue())
                .isEqualTo("n=7/12.50/true/1.5/1.50");
    }

    @Test
    void concatFunctionSkipsNulls() {
        assertThat(eval("concat(s, n, ' ', i, missing, off)").textValue()).isEqualTo("Hello 7false");
        assertThat(eval("concat(n)").textValue()).isEmpty();
        assertThat(eval("concat(parse_json('{\"a\": [1, 2]}'))").textValue()).isEqualTo("{\"a\":[1,2]}");
    }

    @Test
    void stringFunctions() {
        assertThat(eval("lower(s)").textValue()).isEqualTo("hello");
        assertThat(eval("upper(s)").textValue()).isEqualTo("HELLO");
        assertThat(eval("trim(padded)").textValue()).isEqualTo("hi");
        assertThat(eval("length(s)").longValue()).isEqualTo(5);
        assertThat(eval("length('h\u00e9\uD83D\uDE00')").longValue()).isEqualTo(3); // code points, not UTF-16 units
        assertThat(eval("length(i * 100)").longValue()).isEqualTo(3);
        assertThat(eval("upper(n)").isNull()).isTrue();
        assertThat(eval("length(missing)").isNull()).isTrue();
    }

    // --- coalesce and if

    @Test
    void coalesceTakesTheFirstNonNullAndStopsThere() {
        assertThat(eval("coalesce(n, missing, s, word)").textValue()).isEqualTo("Hello");
        assertThat(eval("coalesce(n, missing)").isNull()).isTrue();
        assertThat(eval("coalesce(i, i / zero)")).isEqualTo(TestScope.node(7));
        assertThat(eval("coalesce(n, 2.50)")).isEqualTo(TestScope.node("2.50"));
    }

    @Test
    void ifPicksABranchAndANullConditionIsFalse() {
        assertThat(eval("if(i > 3, 'big', 'small')").textValue()).isEqualTo("big");
        assertThat(eval("if(i > 30, 'big', 'small')").textValue()).isEqualTo("small");
        assertThat(eval("if(n > 3, 'big', 'small')").textValue()).isEqualTo("small");
        assertThat(eval("if(flag, i, i / zero)")).isEqualTo(TestScope.node(7));
        assertThat(evalError("if(i, 1, 2)")).isEqualTo("expected true or false, got 7 in i");
    }

    // --- dates

    @Test
    void dateOfANaiveTimestampUsesTheSourceZone() {
        assertThat(eval("date(ts, 'UTC')").textValue()).isEqualTo("2024-03-15");
        assertThat(eval("date(ts, 'Europe/Paris')").textValue()).isEqualTo("2024-03-16");
        TestScope newYork = TestScope.of(ROW).inZone("America/New_York");
        // 23:30 in New York is 03:30 UTC the next day.
        assertThat(eval("date(ts, 'UTC')", newYork).textValue()).isEqualTo("2024-03-16");
        assertThat(eval("date(ts, 'America/New_York')", newYork).textValue()).isEqualTo("2024-03-15");
    }

    @Test
    void dateOfATimestampTzAndOfADate() {
        assertThat(eval("date(tstz, 'Asia/Tokyo')").textValue()).isEqualTo("2024-03-16");
        assertThat(eval("date(tstz, 'America/Los_Angeles')").textValue()).isEqualTo("2024-03-15");
        assertThat(eval("date(tstz, zone)").textValue()).isEqualTo("2024-03-16");
        assertThat(eval("date(day, 'Asia/Tokyo')").textValue()).isEqualTo("2024-03-15");
        assertThat(eval("date('2024-03-15T23:30:00+02:00', 'UTC')").textValue()).isEqualTo("2024-03-15");
    }

    @Test
    void dateWithOneArgumentTakesTheWrittenDate() {
        TestScope tokyo = TestScope.of(ROW).inZone("Asia/Tokyo");
        assertThat(eval("date(ts)", tokyo).textValue()).isEqualTo("2024-03-15");
        assertThat(eval("date(tstz)", tokyo).textValue()).isEqualTo("2024-03-15");
    }

    @Test
    void dateInfinitiesAndNullsPassThrough() {
        assertThat(eval("date('infinity', 'UTC')").textValue()).isEqualTo("infinity");
        assertThat(eval("date('-infinity', 'UTC')").textValue()).isEqualTo("-infinity");
        assertThat(eval("date(n, 'UTC')").isNull()).isTrue();
        assertThat(eval("date(ts, n)").isNull()).isTrue();
    }

    @Test
    void dateErrors() {
        assertThat(evalError("date(word, 'UTC')")).isEqualTo("cannot read 'abc' as a date or timestamp in date(word, 'UTC')");
        assertThat(evalError("date(ts, badzone)")).isEqualTo("unknown time zone 'Nowhere/Land' in date(ts, badzone)");
        assertThat(evalError("date(i, 'UTC')")).isEqualTo("cannot read 7 as a date or timestamp in date(i, 'UTC')");
    }

    // --- JSON

    @Test
    void jsonText() {
        assertThat(eval("json_text(doc, 'a.b[0].c')").textValue()).isEqualTo("x");
        assertThat(eval("json_text(doc, 'a.b[1].c')").textValue()).isEqualTo("1.10");
        assertThat(eval("json_text(doc, 'a.o')").textValue()).isEqualTo("{\"k\":true}");
        assertThat(eval("json_text(doc, 'a.o.k')").textValue()).isEqualTo("true");
        assertThat(eval("json_text(doc, 'list[-1]')").textValue()).isEqualTo("3");
        assertThat(eval("json_text(doc, '$.list')").textValue()).isEqualTo("[1,2,3]");
        assertThat(eval("json_text(doc, 'a.z')").isNull()).isTrue();
        assertThat(eval("json_text(doc, 'a.nope.c')").isNull()).isTrue();
        assertThat(eval("json_text(doc, 'list.a')").isNull()).isTrue();
        assertThat(eval("json_text(doc, 'list[9]')").isNull()).isTrue();
        assertThat(eval("json_text(n, 'a')").isNull()).isTrue();
    }

    @Test
    void arrows() {
        assertThat(eval("doc -> 'a' -> 'o'").textValue()).isEqualTo("{\"k\":true}");
        assertThat(eval("doc -> 'a' ->> 'o'").textValue()).isEqualTo("{\"k\":true}");
        assertThat(eval("doc -> 'a' -> 'b' -> 0 ->> 'c'").textValue()).isEqualTo("x");
        assertThat(eval("doc -> 'list' -> 1")).isEqualTo(TestScope.node("2"));
        assertThat(eval("doc -> 'list' ->> -3").textValue()).isEqualTo("1");
        assertThat(eval("doc -> 'a' -> 'b' -> 0 -> 'c'").textValue()).isEqualTo("\"x\"");
        assertThat(eval("doc -> 'a' -> 'z'").textValue()).isEqualTo("null"); // JSON null, as PostgreSQL's ->
        assertThat(eval("doc -> 'a' ->> 'z'").isNull()).isTrue();
        assertThat(eval("doc -> 'missing'").isNull()).isTrue();
        assertThat(eval("doc -> 0").isNull()).isTrue();
        assertThat(eval("doc -> 'a' ->> 'o' ->> 'k'").textValue()).isEqualTo("true");
        assertThat(eval("(doc -> 'list' ->> 0) + 1")).isEqualTo(TestScope.node("2"));
    }

    @Test
    void jsonAccessOnAParsedTree() {
        assertThat(eval("parse_json(doc) -> 'a' ->> 'o'").textValue()).isEqualTo("{\"k\":true}");
        assertThat(eval("json_text(parse_json(doc), 'a.b[0].c')").textValue()).isEqualTo("x");
    }

    @Test
    void parseJsonGivesATree() {
        JsonNode tree = eval("parse_json(doc)");
        assertThat(tree.isObject()).isTrue();
        assertThat(tree.get("a").get("b").get(0).get("c").textValue()).isEqualTo("x");
        assertThat(tree.get("a").get("b").get(1).get("c").decimalValue().toPlainString()).isEqualTo("1.10");
        assertThat(eval("parse_json('[1, \"two\"]')").isArray()).isTrue();
        assertThat(eval("parse_json(n)").isNull()).isTrue();
    }

    @Test
    void invalidJsonIsAnError() {
        assertThat(evalError("word ->> 'a'")).startsWith("cannot read 'abc' as JSON: ").endsWith(" in word ->> 'a'");
        assertThat(evalError("parse_json('{\"a\": 1')")).startsWith("cannot read '{\"a\": 1' as JSON");
        assertThat(evalError("parse_json('{} {}')")).startsWith("cannot read '{} {}' as JSON");
    }

    // --- hash and uuid

    @Test
    void hashIsSha256OfTheCanonicalJsonArray() throws Exception {
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest("[\"Hello\",7,null,\"12.50\",true,1.5]".getBytes(StandardCharsets.UTF_8)));
        assertThat(eval("hash(s, i, n, price, flag, f)").textValue()).isEqualTo(expected);
        assertThat(eval("hash(s, i, n, price, flag, f)")).isEqualTo(eval("hash('Hello', 7, missing, 12.50, true, f)"));
        assertThat(eval("hash(i, s)")).isNotEqualTo(eval("hash(s, i)"));
        assertThat(eval("hash(i)")).isNotEqualTo(eval("hash('7')"));
        assertThat(eval("hash(s)").textValue()).matches("[0-9a-f]{64}");
    }

    @Test
    void uuidIsAVersion5NameBasedUuid() throws Exception {
        UUID namespace = UUID.fromString("33a5cda5-0c75-5808-bad2-6be8e19fd790");
        assertThat(namespace).isEqualTo(v5(UUID.fromString("6ba7b811-9dad-11d1-80b4-00c04fd430c8"), "io.ferry.transform.expr.uuid"));
        UUID expected = v5(namespace, "[\"Hello\",7,null]");
        JsonNode actual = eval("uuid(s, i, n)");
        assertThat(actual.textValue()).isEqualTo(expected.toString());
        assertThat(UUID.fromString(actual.textValue()).version()).isEqualTo(5);
        assertThat(UUID.fromString(actual.textValue()).variant()).isEqualTo(2);
        assertThat(actual.textValue()).isEqualTo(actual.textValue().toLowerCase());
        assertThat(eval("uuid(s, i, n)")).isEqualTo(actual);
        assertThat(eval("uuid(s, i)")).isNotEqualTo(actual);
    }

    /** RFC 4122 §4.3, written out independently of the code under test. */
    private static UUID v5(UUID namespace, String name) throws Exception {
        MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
        sha1.update(ByteBuffer.allocate(16).putLong(namespace.getMostSignificantBits())
                .putLong(namespace.getLeastSignificantBits()).array());
        byte[] h = sha1.digest(name.getBytes(StandardCharsets.UTF_8));
        h[6] = (byte) ((h[6] & 0x0f) | 0x50);
        h[8] = (byte) ((h[8] & 0x3f) | 0x80);
        long msb = 0;
        long lsb = 0;
        for (int k = 0; k < 8; k++) {
            msb = (msb << 8) | (h[k] & 0xff);
            lsb = (lsb << 8) | (h[k + 8] & 0xff);
        }
        return new UUID(msb, lsb);
    }

    // --- relations

    private static TestScope withOrders() {
        return TestScope.of(ROW)
                .withRelation("o",
                        row("id", 1, "amount", "10.50", "qty", 2, "status", "new", "at", "2024-03-01T00:00:00.000000"),
                        row("id", 2, "amount", null, "qty", 5, "status", "paid", "at", "2024-03-03T00:00:00.000000"),
                        row("id", 3, "amount", "4.5", "qty", 1, "status", "shipped", "at", null),
                        row("id", 4, "amount", "1", "qty", 3, "status", "late", "at", "2024-03-03T00:00:00.000000"),
                        row("id", 5, "amount", "2", "qty", 4, "status", "old", "at", "2024-02-01T00:00:00.000000"))
                .withRelation("none");
    }

    @Test
    void lookupsReadTheFirstRow() {
        assertThat(eval("o.status", withOrders()).textValue()).isEqualTo("new");
        assertThat(eval("o.nope", withOrders()).isNull()).isTrue();
        assertThat(eval("none.status", withOrders()).isNull()).isTrue();
        assertThat(eval("unset.status", withOrders()).isNull()).isTrue();
    }

    @Test
    void counts() {
        assertThat(eval("count(o)", withOrders())).isEqualTo(TestScope.node(5));
        assertThat(eval("count(o.amount)", withOrders())).isEqualTo(TestScope.node(4));
        assertThat(eval("count(none)", withOrders())).isEqualTo(TestScope.node(0));
        assertThat(eval("count(none.x)", withOrders())).isEqualTo(TestScope.node(0));
    }

    @Test
    void sums() {
        assertThat(eval("sum(o.qty)", withOrders())).isEqualTo(TestScope.node(15));
        assertThat(eval("sum(o.amount)", withOrders())).isEqualTo(TestScope.node("18.00"));
        assertThat(eval("sum(o.qty * i)", withOrders())).isEqualTo(TestScope.node(105));
        assertThat(eval("sum(none.qty)", withOrders()).isNull()).isTrue();
        assertThat(eval("sum(o.nope)", withOrders()).isNull()).isTrue();
        assertThat(evalError("sum(o.status)", withOrders())).isEqualTo("cannot read 'new' as a number in sum(o.status)");
    }

    @Test
    void minAndMax() {
        // DECIMAL values are strings, and two strings compare by their characters; "+ 0" makes them numbers.
        assertThat(eval("max(o.amount)", withOrders())).isEqualTo(TestScope.node("4.5"));
        assertThat(eval("max(o.amount + 0)", withOrders())).isEqualTo(TestScope.node("10.50"));
        assertThat(eval("min(o.amount + 0)", withOrders())).isEqualTo(TestScope.node("1"));
        assertThat(eval("max(o.qty)", withOrders())).isEqualTo(TestScope.node(5));
        assertThat(eval("min(o.status)", withOrders()).textValue()).isEqualTo("late");
        assertThat(eval("max(o.at)", withOrders()).textValue()).isEqualTo("2024-03-03T00:00:00.000000");
        assertThat(eval("max(none.qty)", withOrders()).isNull()).isTrue();
    }

    @Test
    void latestTakesTheLastOfTheGreatest() {
        // Rows 2 and 4 tie on the greatest 'at'; the later one in the list wins; row 3 has no 'at'.
        assertThat(eval("latest(o.status, o.at)", withOrders()).textValue()).isEqualTo("late");
        assertThat(eval("latest(o.status, o.id)", withOrders()).textValue()).isEqualTo("old");
        assertThat(eval("latest(o.amount, o.at)", withOrders())).isEqualTo(TestScope.node("1"));
        assertThat(eval("latest(none.status, none.at)", withOrders()).isNull()).isTrue();
    }

    @Test
    void aggregatesCombineWithOtherOperators() {
        assertThat(eval("if(count(o) > 3, 'many', 'few') || ':' || sum(o.qty)", withOrders()).textValue()).isEqualTo("many:15");
    }
}
