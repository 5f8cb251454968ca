package io.ferry.transform.expr;

import static io.ferry.transform.expr.TestScope.row;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ExpressionParserTest {

    private static JsonNode eval(String text) {
        return Expression.parse(text).evaluate(TestScope.of(row("a", true, "b", false, "c", true, "x", 2, "y", 3)));
    }

    private static Node tree(String text) {
        return Parser.parse(text);
    }

    private static ExpressionSyntaxException syntaxError(String text) {
        try {
            Expression.parse(text);
        } catch (ExpressionSyntaxException e) {
            return e;
        }
        throw new AssertionError("expected a syntax error for: " + text);
    }

    @Test
    void multiplicationBindsTighterThanAddition() {
        assertThat(eval("1 + 2 * 3").longValue()).isEqualTo(7);
        assertThat(eval("(1 + 2) * 3").longValue()).isEqualTo(9);
        assertThat(eval("10 - 4 - 3").longValue()).isEqualTo(3);
        assertThat(eval("2 * 3 % 4").longValue()).isEqualTo(2);
    }

    @Test
    void unaryMinusBindsTighterThanMultiplication() {
        Node n = tree("-x * y");
        assertThat(n).isInstanceOf(Node.Binary.class);
        assertThat(((Node.Binary) n).left()).isInstanceOf(Node.Negate.class);
        assertThat(eval("-x * y").longValue()).isEqualTo(-6);
        assertThat(eval("- -3").longValue()).isEqualTo(3);
    }

    @Test
    void negativeLiteralsFoldSoTheSmallestLongReads() {
        Node n = tree("-9223372036854775808");
        assertThat(n).isInstanceOf(Node.Literal.class);
        assertThat(((Node.Literal) n).value().isLong()).isTrue();
        assertThat(((Node.Literal) n).value().longValue()).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void andBindsTighterThanOr() {
        Node n = tree("a or b and c");
        assertThat(((Node.Binary) n).op()).isEqualTo(Operator.OR);
        assertThat(((Node.Binary) ((Node.Binary) n).right()).op()).isEqualTo(Operator.AND);
        assertThat(eval("a or b and c").booleanValue()).isTrue();
        assertThat(eval("b and c or a").booleanValue()).isTrue();
    }

    @Test
    void notAppliesToAWholeComparison() {
        Node n = tree("not x = y");
        assertThat(n).isInstanceOf(Node.Not.class);
        assertThat(((Node.Not) n).operand()).isInstanceOf(Node.Binary.class);
        assertThat(eval("not x = y").booleanValue()).isTrue();
        assertThat(eval("not not a").booleanValue()).isTrue();
    }

    @Test
    void comparisonBindsLooserThanConcatAndArithmetic() {
        assertThat(eval("'a' || 1 + 2 = 'a3'").booleanValue()).isTrue();
        assertThat(eval("x + 1 = y").booleanValue()).isTrue();
        assertThat(eval("x + 1 = y and y > x").booleanValue()).isTrue();
    }

    @Test
    void isNullBindsToTheComparisonOperand() {
        Node n = tree("x + 1 is not null");
        assertThat(n).isInstanceOf(Node.IsNull.class);
        assertThat(((Node.IsNull) n).negated()).isTrue();
        assertThat(((Node.IsNull) n).operand()).isInstanceOf(Node.Binary.class);
    }

    @Test
    void keywordsAreCaseInsensitive() {
        assertThat(eval("a AND NOT b Or FALSE").booleanValue()).isTrue();
        assertThat(eval("x IS NOT NULL").booleanValue()).isTrue();
        assertThat(eval("NULL is null").booleanValue()).isTrue();
        assertThat(eval("LOWER('AbC')").textValue()).isEqualTo("abc");
        // Column names, unlike keywords, are exact.
        assertThat(eval("A is null").booleanValue()).isTrue();
    }

    @Test
    void everyComparisonSpelling() {
        for (String op : List.of("=", "==")) {
            assertThat(((Node.Binary) tree("x " + op + " y")).op()).isEqualTo(Operator.EQ);
        }
        for (String op : List.of("!=", "<>")) {
            assertThat(((Node.Binary) tree("x " + op + " y")).op()).isEqualTo(Operator.NE);
        }
        assertThat(((Node.Binary) tree("x<=y")).op()).isEqualTo(Operator.LE);
        assertThat(((Node.Binary) tree("x>=y")).op()).isEqualTo(Operator.GE);
    }

    @Test
    void jsonArrowsChainIntoOnePath() {
        Node n = tree("doc -> 'a' -> 0 ->> 'b'");
        assertThat(n).isInstanceOf(Node.JsonPath.class);
        Node.JsonPath path = (Node.JsonPath) n;
        assertThat(path.steps()).containsExactly("a", 0, "b");
        assertThat(path.text()).isTrue();
        assertThat(path.target()).isInstanceOf(Node.Column.class);

        Node.JsonPath afterText = (Node.JsonPath) tree("doc ->> 'a' -> 'b'");
        assertThat(afterText.text()).isFalse();
        assertThat(afterText.target()).isInstanceOf(Node.JsonPath.class);
        assertThat(((Node.JsonPath) tree("doc -> -1")).steps()).containsExactly(-1);
    }

    @Test
    void jsonTextCompilesItsPath() {
        Node.JsonPath path = (Node.JsonPath) tree("json_text(doc, 'a.b[0].c')");
        assertThat(path.steps()).containsExactly("a", "b", 0, "c");
        assertThat(((Node.JsonPath) tree("json_text(doc, '$.x[\"y.z\"]')")).steps()).containsExactly("x", "y.z");
    }

    @Test
    void quotedNamesAndRelationLookups() {
        Expression e = Expression.parse("\"First Name\" || ' ' || \"say \"\"hi\"\"\" || orders.\"Total $\"");
        assertThat(e.references()).containsExactly(new ColumnRef(null, "First Name"), new ColumnRef(null, "say \"hi\""),
                new ColumnRef("orders", "Total $"));
        assertThat(e.relations()).containsExactly("orders");
    }

    @Test
    void stringsUnescapeDoubledQuotes() {
        assertThat(eval("'it''s'").textValue()).isEqualTo("it's");
        assertThat(eval("''").textValue()).isEmpty();
    }

    @Test
    void referencesIncludeAggregatesAndLookups() {
        Expression e = Expression.parse("coalesce(email, u.email) || sum(o.amount * rate) || count(items) || count(t.id)");
        assertThat(e.references()).containsExactlyInAnyOrder(new ColumnRef(null, "email"), new ColumnRef("u", "email"),
                new ColumnRef("o", "amount"), new ColumnRef(null, "rate"), new ColumnRef("t", "id"));
        assertThat(e.relations()).containsExactlyInAnyOrder("u", "o", "items", "t");
        assertThat(e.text()).startsWith("coalesce(");
    }

    @Test
    void asColumnOnlyForABareOwnColumn() {
        assertThat(Expression.parse("user_id").asColumn()).isEqualTo(Optional.of("user_id"));
        assertThat(Expression.parse("  \"User Id\" ").asColumn()).isEqualTo(Optional.of("User Id"));
        assertThat(Expression.parse("u.user_id").asColumn()).isEmpty();
        assertThat(Expression.parse("(user_id)").asColumn()).isEqualTo(Optional.of("user_id"));
        assertThat(Expression.parse("lower(user_id)").asColumn()).isEmpty();
        assertThat(Expression.parse("'user_id'").asColumn()).isEmpty();
    }

    @Test
    void missingCloseParenthesisOfACall() {
        ExpressionSyntaxException e = syntaxError("coalesce(a, b");
        assertThat(e.position()).isEqualTo(14);
        assertThat(e.getMessage()).startsWith("at 14: expected ')' after the arguments of coalesce");
        assertThat(syntaxError("coalesce(a b)").getMessage()).startsWith("at 12: expected ')' after the arguments of coalesce");
    }

    @Test
    void missingOperandNamesTheEnd() {
        ExpressionSyntaxException e = syntaxError("x +");
        assertThat(e.position()).isEqualTo(4);
        assertThat(e.getMessage()).isEqualTo("at 4: expected an expression, found the end of the expression");
        assertThat(syntaxError("").position()).isEqualTo(1);
        assertThat(syntaxError("(x + 1").getMessage()).isEqualTo("at 7: expected ')' to close the '(' at 1, found the end of the expression");
        assertThat(syntaxError("x and or y").getMessage()).isEqualTo("at 7: expected an expression, found 'or'");
    }

    @Test
    void trailingInputIsReported() {
        assertThat(syntaxError("x y").getMessage()).isEqualTo("at 3: unexpected 'y'; expected an operator or the end of the expression");
        assertThat(syntaxError("x < y < 3").position()).isEqualTo(7);
        assertThat(syntaxError("x)").position()).isEqualTo(2);
    }

    @Test
    void lexicalErrors() {
        assertThat(syntaxError("x # 1").getMessage()).isEqualTo("at 3: unexpected character '#'");
        assertThat(syntaxError("'abc").getMessage()).isEqualTo("at 1: unterminated string (missing closing ')");
        assertThat(syntaxError("x || \"col").position()).isEqualTo(6);
        assertThat(syntaxError("1. + 2").getMessage()).isEqualTo("at 3: expected digits after the decimal point");
        assertThat(syntaxError("12abc").position()).isEqualTo(3);
        assertThat(syntaxError("x | y").position()).isEqualTo(3);
        assertThat(syntaxError("x ! y").position()).isEqualTo(3);
    }

    @Test
    void isMustBeFollowedByNull() {
        assertThat(syntaxError("x is 5").getMessage()).isEqualTo("at 6: expected 'null' after 'is', found '5'");
        assertThat(syntaxError("x is not true").getMessage()).startsWith("at 10: expected 'null' after 'is not'");
    }

    @Test
    void unknownFunctionListsTheKnownOnes() {
        ExpressionSyntaxException e = syntaxError("x + now()");
        assertThat(e.position()).isEqualTo(5);
        assertThat(e.getMessage()).startsWith("at 5: unknown function 'now'; known functions: ")
                .contains("coalesce", "lower", "json_text", "parse_json", "uuid", "latest");
    }

    @Test
    void wrongArgumentCounts() {
        assertThat(syntaxError("lower(a, b)").getMessage()).isEqualTo("at 1: lower takes 1 argument, got 2");
        assertThat(syntaxError("if(a, b)").getMessage()).isEqualTo("at 1: if takes 3 arguments, got 2");
        assertThat(syntaxError("coalesce()").getMessage()).isEqualTo("at 1: coalesce takes at least 1 argument, got 0");
        assertThat(syntaxError("x || date(a, 'UTC', 1)").getMessage()).isEqualTo("at 6: date takes 1 to 2 arguments, got 3");
    }

    @Test
    void jsonAccessErrors() {
        assertThat(syntaxError("doc -> x").getMessage()).isEqualTo("at 8: expected a string key or an integer index after '->', found 'x'");
        assertThat(syntaxError("json_text(doc, path)").getMessage())
                .isEqualTo("at 16: the path of json_text must be a string literal like 'a.b[0].c'");
        assertThat(syntaxError("json_text(doc, 'a..b')").getMessage()).startsWith("at 16: empty key in path");
        assertThat(syntaxError("json_text(doc, 'a[x]')").position()).isEqualTo(16);
    }

    @Test
    void aFixedZoneIsCheckedAtParseTime() {
        assertThat(syntaxError("date(ts, 'Mars/Olympus')").getMessage()).isEqualTo("at 10: unknown time zone 'Mars/Olympus'");
        assertThat(Expression.parse("date(ts, zone_column)").references()).hasSize(2);
    }

    @Test
    void aggregatesNeedOneRelation() {
        assertThat(syntaxError("sum(amount)").getMessage()).isEqualTo("at 5: sum needs a relation's column, like sum(rel.col)");
        assertThat(syntaxError("sum(a.x + b.y)").getMessage()).isEqualTo("at 1: sum reads one relation, but this one reads 'a' and 'b'");
        assertThat(syntaxError("max(count(o))").getMessage()).startsWith("at 5: aggregates cannot be nested");
        Node.Aggregate count = (Node.Aggregate) tree("count(orders)");
        assertThat(count.relation()).isEqualTo("orders");
        assertThat(count.args()).isEmpty();
        Node.Aggregate latest = (Node.Aggregate) tree("latest(o.status, o.updated_at)");
        assertThat(latest.relation()).isEqualTo("o");
        assertThat(latest.args()).hasSize(2);
    }
}
