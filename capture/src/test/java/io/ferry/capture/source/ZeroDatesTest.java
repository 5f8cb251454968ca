package io.ferry.capture.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.debezium.spi.converter.CustomConverter;
import io.debezium.spi.converter.RelationalColumn;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The zero-date converter on the raw values Debezium's binlog reader and snapshot give it (MySQL's and MariaDB's alike). */
class ZeroDatesTest {

    private record Registered(SchemaBuilder schema, CustomConverter.Converter converter) {
    }

    private static Registered register(boolean mariadb, String typeName, int jdbcType, int length, boolean optional) {
        ZeroDates zero = new ZeroDates();
        Properties p = new Properties();
        p.setProperty(ZeroDates.CONNECTOR, mariadb ? "mariadb" : "mysql");
        zero.configure(p);
        AtomicReference<Registered> out = new AtomicReference<>();
        zero.converterFor(new RelationalColumn() {
            public String name() {
                return "c";
            }

            public String dataCollection() {
                return "db.t";
            }

            public int jdbcType() {
                return jdbcType;
            }

            public int nativeType() {
                return -1;
            }

            public String typeName() {
                return typeName;
            }

            public String typeExpression() {
                return typeName;
            }

            public OptionalInt length() {
                return length < 0 ? OptionalInt.empty() : OptionalInt.of(length);
            }

            public OptionalInt scale() {
                return OptionalInt.empty();
            }

            public boolean isOptional() {
                return optional;
            }

            public Object defaultValue() {
                return null;
            }

            public boolean hasDefaultValue() {
                return false;
            }
        }, (schema, converter) -> out.set(new Registered(schema, converter)));
        return out.get();
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aNotNullDateOrDatetimeTakesItsZeroAsNullAndEveryOtherValueAsDebeziumDoes(boolean mariadb) {
        Registered date = register(mariadb, "DATE", Types.DATE, -1, false);
        assertThat(date.schema().name()).isEqualTo("io.debezium.time.Date");
        assertThat(date.schema().isOptional()).isTrue();
        assertThat(date.converter().convert(null)).isNull();
        assertThat(date.converter().convert(LocalDate.of(1970, 1, 2))).isEqualTo(1);
        assertThat(date.converter().convert(java.sql.Date.valueOf("2024-03-15"))).isEqualTo((int) LocalDate.of(2024, 3, 15).toEpochDay());

        Registered micros = register(mariadb, "DATETIME", Types.TIMESTAMP, 6, false);
        assertThat(micros.schema().name()).isEqualTo("io.debezium.time.MicroTimestamp");
        assertThat(micros.converter().convert(null)).isNull();
        assertThat(micros.converter().convert(LocalDateTime.of(1970, 1, 1, 0, 0, 1, 500_000))).isEqualTo(1_000_500L);
        // a default Debezium converted already passes as it is
        assertThat(micros.converter().convert(42L)).isEqualTo(42L);

        Registered millis = register(mariadb, "DATETIME", Types.TIMESTAMP, 3, false);
        assertThat(millis.schema().name()).isEqualTo("io.debezium.time.Timestamp");
        assertThat(millis.converter().convert(LocalDateTime.of(1970, 1, 1, 0, 0, 1))).isEqualTo(1_000L);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aTimestampsZeroIsNullNullableOrNot(boolean mariadb) {
        for (boolean optional : new boolean[] {false, true}) {
            Registered ts = register(mariadb, "TIMESTAMP", Types.TIMESTAMP_WITH_TIMEZONE, -1, optional);
            assertThat(ts.schema().name()).isEqualTo("io.debezium.time.ZonedTimestamp");
            assertThat(ts.schema().isOptional()).isTrue();
            // the binlog's zero TIMESTAMP: second 0 of the epoch, before the type's first valid second
            assertThat(ts.converter().convert(ZonedDateTime.ofInstant(Instant.EPOCH, ZoneOffset.UTC))).isNull();
            assertThat(ts.converter().convert(ZonedDateTime.ofInstant(Instant.ofEpochSecond(1), ZoneOffset.UTC)))
                    .isEqualTo("1970-01-01T00:00:01Z");
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void otherColumnsAreLeftToDebezium(boolean mariadb) {
        assertThat(register(mariadb, "DATE", Types.DATE, -1, true)).as("a nullable DATE: Debezium gives NULL itself").isNull();
        assertThat(register(mariadb, "DATETIME", Types.TIMESTAMP, 0, true)).isNull();
        assertThat(register(mariadb, "INT", Types.INTEGER, -1, false)).isNull();
        assertThat(register(mariadb, "TIME", Types.TIME, -1, false)).isNull();
    }
}
