package io.ferry.core.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.core.event.TableId;
import io.ferry.core.types.CanonicalType;
import io.ferry.core.types.ColumnType;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TableSchemaCodecTest {

    @Test
    void schemaRoundTripsWithEveryTypeDetail() {
        TableSchema schema = new TableSchema(TableId.parse("shop.orders"), List.of(
                new Column("order_id", ColumnType.of(CanonicalType.UINT64).withSourceType("bigint unsigned"), false),
                new Column("total", ColumnType.decimal(12, 2), false),
                new Column("status", ColumnType.enumOf(List.of("pending", "shipped")), false),
                new Column("tags", ColumnType.arrayOf(ColumnType.of(CanonicalType.STRING)), true),
                new Column("code", ColumnType.of(CanonicalType.STRING).withLength(10), true),
                new Column("customer_id", ColumnType.of(CanonicalType.INT64), false)),
                List.of("order_id"), 4, List.of(new ForeignKey("fk_customer", List.of("customer_id"),
                        TableId.parse("shop.customers"), List.of("customer_id"), "cascade", null)));
        TableSchema back = TableSchemaCodec.decode(TableSchemaCodec.value(schema));
        assertThat(back).isEqualTo(schema);
        assertThat(back.foreignKeys().get(0).changesChildren()).isTrue();
        assertThat(back.foreignKeys().get(0).onUpdate()).isEqualTo("NO ACTION");
        assertThat(new String(TableSchemaCodec.key(schema), StandardCharsets.UTF_8)).isEqualTo("{\"table\":\"shop.orders\",\"version\":4}");
        assertThat(new String(TableSchemaCodec.value(schema), StandardCharsets.UTF_8)).contains("\"table\":\"shop.orders\"")
                .doesNotContain("document");
    }

    @Test
    void nestedDocumentTypesRoundTripInFieldOrder() {
        Map<String, ColumnType> item = new LinkedHashMap<>();
        item.put("item_id", ColumnType.of(CanonicalType.INT64));
        item.put("unit_price", ColumnType.decimal(10, 2));
        Map<String, ColumnType> order = new LinkedHashMap<>();
        order.put("order_date", ColumnType.of(CanonicalType.TIMESTAMP));
        order.put("shipping", ColumnType.document(Map.of("cost", ColumnType.decimal(8, 2))));
        order.put("items", ColumnType.documentArray(item));
        TableSchema schema = new TableSchema(TableId.parse("shop.customers"), List.of(
                new Column("customer_id", ColumnType.of(CanonicalType.INT64), false),
                new Column("orders", ColumnType.documentArray(order), false)), List.of("customer_id"), 1);
        String json = new String(TableSchemaCodec.value(schema), StandardCharsets.UTF_8);
        TableSchema back = TableSchemaCodec.decode(json.getBytes(StandardCharsets.UTF_8));
        assertThat(back).isEqualTo(schema);
        ColumnType orders = back.column("orders").orElseThrow().type();
        assertThat(orders.document().fields()).containsOnlyKeys("order_date", "shipping", "items");
        assertThat(orders.document().fields().keySet()).containsExactly("order_date", "shipping", "items");
        assertThat(orders.document().fields().get("items").document().fields().keySet()).containsExactly("item_id", "unit_price");
        assertThat(json).contains("\"document\":{\"array\":true,\"fields\":{\"order_date\":{\"kind\":\"TIMESTAMP\"}");
    }

    @Test
    void aTableWithoutPrimaryKeyIsRejectedWithTheFix() {
        assertThatThrownBy(() -> new TableSchema(TableId.parse("public.logs"),
                List.of(new Column("line", ColumnType.of(CanonicalType.STRING), true)), List.of(), 1))
                .hasMessageContaining("public.logs has no primary key")
                .hasMessageContaining("add a primary key to the table, or leave it out of source.tables");
        assertThatThrownBy(() -> new TableSchema(TableId.parse("public.logs"),
                List.of(new Column("id", ColumnType.of(CanonicalType.INT32), false)), List.of("uid"), 1))
                .hasMessageContaining("'uid' is not a column");
    }
}
