package io.ferry.sinks.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.schema.Column;
import io.ferry.core.spi.TargetTable;
import io.ferry.core.types.CanonicalType;
import io.ferry.core.types.ColumnType;
import java.util.List;
import org.junit.jupiter.api.Test;

class MillisecondKeysTest {

    @Test
    void aTimeInTheKeyIsNamedAndATimeElsewhereIsNot() {
        TargetTable readings = TargetTable.keyed("readings", List.of(new Column("sensor", ColumnType.of(CanonicalType.INT64), false),
                new Column("taken_at", ColumnType.of(CanonicalType.TIMESTAMPTZ), false),
                new Column("seen", ColumnType.of(CanonicalType.TIMESTAMP), true)), List.of("sensor", "taken_at"));
        assertThat(MillisecondKeys.warning("cass", "Cassandra", readings)).hasValueSatisfying(w -> assertThat(w)
                .contains("readings has timestamp column(s) [taken_at]").contains("Cassandra keeps at milliseconds"));
        TargetTable plain = TargetTable.keyed("plain", List.of(new Column("id", ColumnType.of(CanonicalType.INT64), false),
                new Column("seen", ColumnType.of(CanonicalType.TIMESTAMP), true)), List.of("id"));
        assertThat(MillisecondKeys.warning("cass", "Cassandra", plain)).isEmpty();
    }
}
