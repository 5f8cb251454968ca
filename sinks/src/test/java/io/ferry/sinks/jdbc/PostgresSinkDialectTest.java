package io.ferry.sinks.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.TextNode;
import io.ferry.core.schema.Column;
import io.ferry.core.types.CanonicalType;
import io.ferry.core.types.ColumnType;
import org.junit.jupiter.api.Test;

class PostgresSinkDialectTest {

    @Test
    void aTimeOfDayFitsAPostgresTimeAndAMysqlDurationDoesNot() {
        assertThat(PostgresSinkDialect.timeOfDay("10:30:00.000000")).isTrue();
        assertThat(PostgresSinkDialect.timeOfDay("00:00:00")).isTrue();
        assertThat(PostgresSinkDialect.timeOfDay("24:00:00.000000")).as("PostgreSQL's upper bound").isTrue();
        assertThat(PostgresSinkDialect.timeOfDay("24:00:00.000001")).isFalse();
        assertThat(PostgresSinkDialect.timeOfDay("100:30:00.000000")).isFalse();
        assertThat(PostgresSinkDialect.timeOfDay("-01:30:00.000000")).isFalse();
    }

    @Test
    void aDurationIsRefusedNamingTheColumnBeforeTheDatabaseSeesIt() {
        Column tm = new Column("tm", ColumnType.of(CanonicalType.TIME), true);
        // the statement is never touched: the value is refused first
        assertThatThrownBy(() -> new PostgresSinkDialect().bind(null, 1, tm, TextNode.valueOf("838:59:59.000000")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("tm: ").hasMessageContaining("838:59:59")
                .hasMessageContaining("interval");
    }
}
