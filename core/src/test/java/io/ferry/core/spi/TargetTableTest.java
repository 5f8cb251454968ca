package io.ferry.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.core.schema.Column;
import io.ferry.core.types.CanonicalType;
import io.ferry.core.types.ColumnType;
import java.util.List;
import org.junit.jupiter.api.Test;

class TargetTableTest {

    private static Column col(String name) {
        return new Column(name, ColumnType.of(CanonicalType.STRING), false);
    }

    @Test
    void theKeyIsThePartitionKeyThenTheClusteringColumns() {
        TargetTable t = new TargetTable("events_by_type", List.of(col("event_type"), col("event_date"), col("event_time"), col("event_id")),
                List.of("event_type", "event_date"), List.of("event_time", "event_id"), List.of(true, false));
        assertThat(t.key()).containsExactly("event_type", "event_date", "event_time", "event_id");
        assertThat(TargetTable.keyed("users", List.of(col("id"), col("email")), List.of("id")).key()).containsExactly("id");
    }

    @Test
    void aKeyColumnMustBeAColumn() {
        assertThatThrownBy(() -> TargetTable.keyed("users", List.of(col("id")), List.of("user_id")))
                .hasMessageContaining("key column 'user_id' is not a column");
        assertThatThrownBy(() -> TargetTable.keyed("users", List.of(col("id")), List.of())).hasMessageContaining("needs a key");
    }
}
