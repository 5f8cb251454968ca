package io.ferry.transform.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.core.types.CanonicalType;
import io.ferry.core.types.ColumnType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExpressionTypeTest {

    private static final Map<String, ColumnType> OWN = Map.ofEntries(
            Map.entry("id", ColumnType.of(CanonicalType.INT64)),
            Map.entry("small", ColumnType.of(CanonicalType.INT16)),
            Map.entry("email", ColumnType.of(CanonicalType.STRING)),
            Map.entry("price", ColumnType.decimal(10, 2)),
            Map.entry("cash", ColumnType.of(CanonicalType.MONEY)),
            Map.entry("ratio", ColumnType.of(CanonicalType.FLOAT32)),
            Map.entry("active", ColumnType.of(CanonicalType.BOOLEAN)),
            Map.entry("created", ColumnType.of(CanonicalType.TIMESTAMP)),
            Map.entry("updated", ColumnType.of(CanonicalType.TIMESTAMPTZ)),
            Map.entry("born", ColumnType.of(CanonicalType.DATE)),
            Map.entry("token", ColumnType.of(CanonicalType.UUID)),
            Map.entry("doc", ColumnType.of(CanonicalType.JSON)),
            Map.entry("tags", ColumnType.arrayOf(ColumnType.of(CanonicalType.STRING))),
            Map.entry("mood", ColumnType.enumOf(List.of("happy", "sad"))));

    private static final Map<String, Map<String, ColumnType>> RELATIONS = Map.of(
            "o", Map.of("qty", ColumnType.of(CanonicalType.INT32), "amount", ColumnType.decimal(12, 2),
                    "weight", ColumnType.of(CanonicalType.FLOAT64), "status", ColumnType.of(CanonicalType.STRING),
                    "at", ColumnType.of(CanonicalType.TIMESTAMPTZ)));

    private static final TypeScope SCOPE = new TypeScope() {
        @Override
        public ColumnType column(String relation, String column) {
            return relation == null ? OWN.get(column) : RELATIONS.getOrDefault(relation, Map.of()).get(column);
        }

        @Override
        public boolean hasRelation(String relation) {
            return RELATIONS.containsKey(relation);
        }
    };

    private static CanonicalType kind(String text) {
        return Expression.parse(text).type(SCOPE).kind();
    }

    private static String typeError(String text) {
        Expression e = Expression.parse(text);
        try {
            e.type(SCOPE);
        } catch (ExpressionTypeException ex) {
            return ex.getMessage();
        }
        throw new AssertionError("expected a type error for: " + text);
    }

    @Test
    void columnsHaveTheirScopeType() {
        assertThat(Expression.parse("price").type(SCOPE)).isEqualTo(ColumnType.decimal(10, 2));
        assertThat(Expression.parse("mood").type(SCOPE)).isEqualTo(ColumnType.enumOf(List.of("happy", "sad")));
        assertThat(kind("o.status")).isEqualTo(CanonicalType.STRING);
    }

    @Test
    void literals() {
        assertThat(kind("1")).isEqualTo(CanonicalType.INT64);
        assertThat(kind("1.5")).isEqualTo(CanonicalType.DECIMAL);
        assertThat(kind("'a'")).isEqualTo(CanonicalType.STRING);
        assertThat(kind("false")).isEqualTo(CanonicalType.BOOLEAN);
        assertThat(kind("null")).isEqualTo(CanonicalType.STRING);
        assertThat(kind("-5")).isEqualTo(CanonicalType.INT64);
    }

    @Test
    void arithmetic() {
        assertThat(kind("id + small")).isEqualTo(CanonicalType.INT64);
        assertThat(kind("small * 2")).isEqualTo(CanonicalType.INT64);
        assertThat(kind("id / 2")).isEqualTo(CanonicalType.INT64);
        assertThat(kind("id + price")).isEqualTo(CanonicalType.DECIMAL);
        assertThat(kind("cash - 1")).isEqualTo(CanonicalType.DECIMAL);
        assertThat(kind("email + 1")).isEqualTo(CanonicalType.DECIMAL);
        assertThat(kind("id * 1.5")).isEqualTo(CanonicalType.DECIMAL);
        assertThat(kind("ratio * price")).isEqualTo(CanonicalType.FLOAT64);
        assertThat(kind("-price")).isEqualTo(CanonicalType.DECIMAL);
        assertThat(kind("-small")).isEqualTo(CanonicalType.INT64);
        assertThat(kind("id + null")).isEqualTo(CanonicalType.INT64);
    }

    @Test
    void arithmeticRejectsNonNumbers() {
        assertThat(typeError("active + 1")).isEqualTo("'+' needs numbers, got BOOLEAN (active) in active + 1");
        assertThat(typeError("1 * born")).isEqualTo("'*' needs numbers, got DATE (born) in 1 * born");
        assertThat(typeError("-token")).isEqualTo("'-' needs numbers, got UUID (token) in -token");
        assertThat(typeError("id % doc")).contains("JSON (doc)");
    }

    @Test
    void logicAndComparisons() {
        assertThat(kind("id > 1")).isEqualTo(CanonicalType.BOOLEAN);
        assertThat(kind("price = '12.50'")).isEqualTo(CanonicalType.BOOLEAN);
        assertThat(kind("created < '2024-01-01'")).isEqualTo(CanonicalType.BOOLEAN);
        assertThat(kind("active and not (id > 1) or null")).isEqualTo(CanonicalType.BOOLEAN);
        assertThat(kind("token is null")).isEqualTo(CanonicalType.BOOLEAN);
        assertThat(kind("active = false")).isEqualTo(CanonicalType.BOOLEAN);
    }

    @Test
    void logicRejectsNonBooleans() {
        assertThat(typeError("id and active")).isEqualTo("and needs a BOOLEAN, got INT64 (id)");
        assertThat(typeError("not email")).isEqualTo("not needs a BOOLEAN, got STRING (email)");
        assertThat(typeError("if(id, 1, 2)")).isEqualTo("the condition of if needs a BOOLEAN, got INT64 (id)");
    }

    @Test
    void comparisonsRejectMismatchedKinds() {
        assertThat(typeError("active = 1")).isEqualTo("cannot compare BOOLEAN (active) with INT64 (1) in active = 1");
        assertThat(typeError("born > id")).isEqualTo("cannot compare DATE (born) with INT64 (id) in born > id");
        assertThat(typeError("tags = email")).startsWith("cannot compare ARRAY");
    }

    @Test
    void functions() {
        assertThat(kind("lower(email)")).isEqualTo(CanonicalType.STRING);
        assertThat(kind("upper(mood)")).isEqualTo(CanonicalType.STRING);
        assertThat(kind("trim(email)")).isEqualTo(CanonicalType.STRING);
        assertThat(kind("length(email)")).isEqualTo(CanonicalType.INT64);
        assertThat(kind("concat(email, id)")).isEqualTo(CanonicalType.STRING);
        assertThat(kind("email || id")).isEqualTo(CanonicalType.STRING);
        assertThat(kind("hash(email, id)")).isEqualTo(CanonicalType.STRING);
        assertThat(kind("uuid(email, id)")).isEqualTo(CanonicalType.UUID);
        assertThat(kind("date(created, 'UTC')")).isEqualTo(CanonicalType.DATE);
        assertThat(kind("date(updated, 'UTC')")).isEqualTo(CanonicalType.DATE);
        assertThat(kind("date(born)")).isEqualTo(CanonicalType.DATE);
        assertThat(kind("json_text(doc, 'a.b')")).isEqualTo(CanonicalType.STRING);
        assertThat(kind("doc ->> 'a'")).isEqualTo(CanonicalType.STRING);
        assertThat(kind("doc -> 'a'")).isEqualTo(CanonicalType.JSON);
        assertThat(kind("doc -> 'a' ->> 'b'")).isEqualTo(CanonicalType.STRING);
        assertThat(kind("parse_json(doc)")).isEqualTo(CanonicalType.JSON);
        assertThat(kind("parse_json(doc -> 'a')")).isEqualTo(CanonicalType.JSON);
    }

    @Test
    void coalesceAndIfTakeTheFirstNonNullLiteralType() {
        assertThat(Expression.parse("coalesce(null, price, 0)").type(SCOPE)).isEqualTo(ColumnType.decimal(10, 2));
        assertThat(kind("coalesce(id, 0)")).isEqualTo(CanonicalType.INT64);
        assertThat(kind("if(active, null, born)")).isEqualTo(CanonicalType.DATE);
        assertThat(kind("if(active, email, born)")).isEqualTo(CanonicalType.STRING);
        assertThat(kind("coalesce(null, null)")).isEqualTo(CanonicalType.STRING);
    }

    @Test
    void functionArgumentTypesAreChecked() {
        assertThat(typeError("date(token, 'UTC')"))
                .isEqualTo("date(token, 'UTC') needs a timestamp, timestamptz or date, got UUID (token)");
        assertThat(typeError("date(created, id)")).isEqualTo("date(created, id) needs a zone name, got INT64 (id)");
        assertThat(typeError("id ->> 'a'")).isEqualTo("id ->> 'a' needs a JSON value, got INT64 (id)");
        assertThat(typeError("json_text(born, 'a')")).contains("needs a JSON value, got DATE (born)");
        assertThat(typeError("parse_json(active)")).contains("needs a JSON value, got BOOLEAN (active)");
    }

    @Test
    void unknownColumnsAndRelations() {
        assertThat(typeError("lower(emial)")).isEqualTo("unknown column 'emial'");
        assertThat(typeError("o.stauts")).isEqualTo("unknown column 'stauts' in relation 'o'");
        assertThat(typeError("x.status")).isEqualTo("unknown relation 'x' in x.status");
        assertThat(typeError("sum(x.qty)")).isEqualTo("unknown relation 'x' in sum(x.qty)");
        assertThat(typeError("count(orders)")).isEqualTo("unknown relation 'orders' in count(orders)");
        assertThat(typeError("count(email)")).startsWith("'email' is a column, not a relation, in count(email)");
    }

    @Test
    void aggregates() {
        assertThat(kind("count(o)")).isEqualTo(CanonicalType.INT64);
        assertThat(kind("count(o.status)")).isEqualTo(CanonicalType.INT64);
        assertThat(kind("sum(o.qty)")).isEqualTo(CanonicalType.INT64);
        assertThat(kind("sum(o.amount)")).isEqualTo(CanonicalType.DECIMAL);
        assertThat(kind("sum(o.weight)")).isEqualTo(CanonicalType.FLOAT64);
        assertThat(kind("sum(o.qty * price)")).isEqualTo(CanonicalType.DECIMAL);
        assertThat(Expression.parse("max(o.amount)").type(SCOPE)).isEqualTo(ColumnType.decimal(12, 2));
        assertThat(kind("min(o.status)")).isEqualTo(CanonicalType.STRING);
        assertThat(kind("latest(o.status, o.at)")).isEqualTo(CanonicalType.STRING);
        assertThat(typeError("sum(o.at)")).isEqualTo("'sum' needs numbers, got TIMESTAMPTZ (o.at) in sum(o.at)");
    }

    @Test
    void typeCheckingDoesNotNeedValues() {
        Expression e = Expression.parse("coalesce(email, o.status)");
        assertThat(e.type(SCOPE).kind()).isEqualTo(CanonicalType.STRING);
        assertThatThrownBy(() -> Expression.parse("coalesce(mail, o.status)").type(SCOPE))
                .isInstanceOf(ExpressionTypeException.class).hasMessageContaining("'mail'");
    }
}
