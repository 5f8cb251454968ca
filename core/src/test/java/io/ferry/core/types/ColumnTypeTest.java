package io.ferry.core.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Nested document column types: what they hold, equality (sinks compare target tables with it), immutability. */
class ColumnTypeTest {

    private static Map<String, ColumnType> orderFields() {
        Map<String, ColumnType> fields = new LinkedHashMap<>();
        fields.put("order_id", ColumnType.of(CanonicalType.INT64));
        fields.put("total_amount", ColumnType.decimal(12, 2));
        fields.put("items", ColumnType.documentArray(Map.of("unit_price", ColumnType.decimal(10, 2))));
        return fields;
    }

    @Test
    void aDocumentColumnIsJsonWithItsFieldsInDocumentOrder() {
        ColumnType orders = ColumnType.documentArray(orderFields());
        assertThat(orders.kind()).isEqualTo(CanonicalType.JSON);
        assertThat(orders.sourceType()).isEqualTo("document[]");
        assertThat(orders.document().array()).isTrue();
        assertThat(orders.document().fields()).containsExactly(Map.entry("order_id", ColumnType.of(CanonicalType.INT64)),
                Map.entry("total_amount", ColumnType.decimal(12, 2)),
                Map.entry("items", ColumnType.documentArray(Map.of("unit_price", ColumnType.decimal(10, 2)))));
        ColumnType profile = ColumnType.document(Map.of("email", ColumnType.of(CanonicalType.STRING)));
        assertThat(profile.sourceType()).isEqualTo("document");
        assertThat(profile.document().array()).isFalse();
        assertThat(profile.withSourceType("x").document()).isEqualTo(profile.document());
    }

    @Test
    void equalityLooksAtEveryNestedFieldTypeButNotAtFieldOrder() {
        List<String> names = new ArrayList<>(orderFields().keySet());
        Collections.reverse(names);
        Map<String, ColumnType> reordered = new LinkedHashMap<>();
        names.forEach(k -> reordered.put(k, orderFields().get(k)));
        assertThat(ColumnType.documentArray(reordered)).isEqualTo(ColumnType.documentArray(orderFields()))
                .hasSameHashCodeAs(ColumnType.documentArray(orderFields()));

        Map<String, ColumnType> deeperChange = orderFields();
        deeperChange.put("items", ColumnType.documentArray(Map.of("unit_price", ColumnType.decimal(12, 2))));
        assertThat(ColumnType.documentArray(deeperChange)).isNotEqualTo(ColumnType.documentArray(orderFields()));
        assertThat(ColumnType.document(orderFields())).isNotEqualTo(ColumnType.documentArray(orderFields()));
        assertThat(ColumnType.document(Map.of())).isNotEqualTo(ColumnType.of(CanonicalType.JSON));
        assertThat(ColumnType.of(CanonicalType.JSON).document()).isNull();
    }

    @Test
    void fieldsAreCopiedAndUnmodifiable() {
        Map<String, ColumnType> fields = orderFields();
        ColumnType orders = ColumnType.documentArray(fields);
        fields.remove("order_id");
        assertThat(orders.document().fields()).containsKey("order_id");
        assertThatThrownBy(() -> orders.document().fields().put("x", ColumnType.of(CanonicalType.STRING)))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(new DocumentShape(false, null).fields()).isEmpty();
    }

    @Test
    void onlyAJsonColumnHoldsDocuments() {
        assertThatThrownBy(() -> new ColumnType(CanonicalType.STRING, null, null, null, null, List.of(), null,
                new DocumentShape(false, Map.of()))).hasMessageContaining("nested document column is JSON, not STRING");
    }
}
