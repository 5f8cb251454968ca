package io.ferry.core.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.core.event.TableId;
import io.ferry.core.types.CanonicalType;
import io.ferry.core.types.ColumnType;
import java.nio.charset.StandardCharsets;
import java.util.List;
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
        assertThat(new String(TableSchemaCodec.value(schema), StandardCharsets.UTF_8)).contains("\"table\":\"shop.orders\"");
    }

    @Test
    void aTableWithoutPrimaryKeyIsRejectedWithTheFix() {
        assertThatThrownBy(() -> new TableSchema(TableId.parse("public.logs"),
                List.of(new Column("line", ColumnType.of(CanonicalType.STRING), true)), List.of(), 1))
                .hasMessageContaining("public.logs has no primary key")
                .hasMessageContaining("declare the key columns");
        assertThatThrownBy(() -> new TableSchema(TableId.parse("public.logs"),
                List.of(new Column("id", ColumnType.of(CanonicalType.INT32), false)), List.of("uid"), 1))
                .hasMessageContaining("'uid' is not a column");
    }
}
