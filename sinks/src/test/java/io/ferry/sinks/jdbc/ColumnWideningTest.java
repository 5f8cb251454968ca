package io.ferry.sinks.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.types.CanonicalType;
import io.ferry.core.types.ColumnType;
import io.ferry.sinks.jdbc.ColumnWidening.DecimalLimit;
import io.ferry.sinks.jdbc.ColumnWidening.TargetColumn;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which existing target columns must widen for a mapped type, and to what. */
class ColumnWideningTest {

    private static final DecimalLimit PG = new DecimalLimit(1000, 1000, true);
    private static final DecimalLimit MYSQL = new DecimalLimit(65, 30, false);

    private static TargetColumn column(String type, Long chars, Integer precision, Integer scale) {
        return new TargetColumn("c", type, chars, precision, scale, true, true, null);
    }

    private static ColumnType string(Integer length) {
        ColumnType t = ColumnType.of(CanonicalType.STRING);
        return length == null ? t : t.withLength(length);
    }

    @Test
    void decimalsWidenToTheUnionOfTheirIntegerAndFractionDigits() {
        TargetColumn d102 = column("numeric", null, 10, 2);
        assertThat(ColumnWidening.widened(d102, ColumnType.decimal(14, 4), PG)).contains(ColumnType.decimal(14, 4));
        // more fraction digits, fewer integer digits: both kept
        assertThat(ColumnWidening.widened(d102, ColumnType.decimal(6, 4), PG)).contains(ColumnType.decimal(12, 4));
        assertThat(ColumnWidening.widened(d102, ColumnType.decimal(8, 2), PG)).isEmpty();
        assertThat(ColumnWidening.widened(d102, ColumnType.decimal(null, null), PG)).contains(ColumnType.decimal(null, null));
        assertThat(ColumnWidening.widened(column("numeric", null, null, null), ColumnType.decimal(40, 20), PG)).isEmpty();
        // MySQL has no unbounded decimal: its largest, once
        assertThat(ColumnWidening.widened(column("decimal", null, 10, 2), ColumnType.decimal(null, null), MYSQL))
                .contains(ColumnType.decimal(65, 30));
        assertThat(ColumnWidening.widened(column("decimal", null, 65, 30), ColumnType.decimal(null, null), MYSQL)).isEmpty();
        // beyond the limit the fraction digits give way (values rounded, not refused)
        assertThat(ColumnWidening.widened(column("decimal", null, 40, 10), ColumnType.decimal(62, 2), MYSQL))
                .contains(ColumnType.decimal(65, 5));
    }

    @Test
    void integersWidenToLargerIntegersOrToADecimalHoldingTheirDigits() {
        assertThat(ColumnWidening.widened(column("integer", null, 32, 0), ColumnType.of(CanonicalType.INT64), PG))
                .contains(ColumnType.of(CanonicalType.INT64));
        assertThat(ColumnWidening.widened(column("bigint", null, 64, 0), ColumnType.of(CanonicalType.INT32), PG)).isEmpty();
        assertThat(ColumnWidening.widened(column("int", null, 10, 0), ColumnType.decimal(12, 2), MYSQL))
                .contains(ColumnType.decimal(12, 2));
        assertThat(ColumnWidening.widened(column("bigint", null, 19, 0), ColumnType.decimal(12, 2), MYSQL))
                .contains(ColumnType.decimal(21, 2));
        assertThat(ColumnWidening.widened(column("decimal", null, 5, 0), ColumnType.of(CanonicalType.INT32), MYSQL))
                .contains(ColumnType.decimal(10, 0));
        // an unsigned MySQL integer is of another family: left as it is
        assertThat(ColumnWidening.widened(column("int unsigned", null, 10, 0), ColumnType.of(CanonicalType.INT64), MYSQL)).isEmpty();
    }

    @Test
    void stringsWidenToLongerOrUnboundedStrings() {
        assertThat(ColumnWidening.widened(column("character varying", 20L, null, null), string(300), PG)).contains(string(300));
        assertThat(ColumnWidening.widened(column("varchar", 20L, null, null), string(1000), MYSQL)).contains(string(1000));
        assertThat(ColumnWidening.widened(column("varchar", 20L, null, null), string(null), MYSQL)).contains(string(null));
        assertThat(ColumnWidening.widened(column("character varying", 20L, null, null), string(null), PG)).contains(string(null));
        assertThat(ColumnWidening.widened(column("varchar", 300L, null, null), string(20), MYSQL)).isEmpty();
        assertThat(ColumnWidening.widened(column("text", null, null, null), string(null), PG)).as("unbounded already").isEmpty();
        assertThat(ColumnWidening.widened(column("text", 16_383L, null, null), string(20_000), MYSQL)).as("a type Ferry never makes")
                .isEmpty();
        assertThat(ColumnWidening.widened(column("character", 20L, null, null), string(30), PG)).as("fixed width").isEmpty();
        assertThat(ColumnWidening.widened(column("integer", null, null, null), string(30), PG)).as("another family").isEmpty();
    }

    /** A column made by hand with more than a type, or with a type Ferry never makes, is left as it is. */
    @Test
    void columnsMadeByHandAreLeftAndSaidToHoldLess() {
        assertThat(ColumnWidening.holdsLess(column("decimal", null, 10, 2), ColumnType.decimal(null, null), MYSQL)).isTrue();
        assertThat(ColumnWidening.holdsLess(column("decimal", null, 65, 30), ColumnType.decimal(null, null), MYSQL))
                .as("what Ferry makes for an unbounded decimal").isFalse();
        assertThat(ColumnWidening.holdsLess(column("varchar", 255L, null, null), string(null), MYSQL)).isTrue();
        assertThat(ColumnWidening.holdsLess(column("longtext", null, null, null), string(null), MYSQL)).isFalse();
        TargetColumn serial = new TargetColumn("id", "integer", null, 32, 0, false, false, null);
        assertThat(ColumnWidening.widened(serial, ColumnType.of(CanonicalType.INT64), PG)).as("a default (nextval)").isEmpty();
        assertThat(ColumnWidening.widened(column("tinyint", null, 3, 0), ColumnType.of(CanonicalType.INT16), MYSQL)).isEmpty();
        assertThat(ColumnWidening.widened(column("mediumint", null, 7, 0), ColumnType.of(CanonicalType.INT32), MYSQL)).isEmpty();
    }

    /** A decimal column that keeps fewer digits than its mapped type refuses a value it would round, or could not hold. */
    @Test
    void aValueANarrowerDecimalWouldRoundIsRefused() {
        TargetColumn d102 = column("decimal", null, 10, 2);
        ColumnWidening.checkFits(d102, com.fasterxml.jackson.databind.node.TextNode.valueOf("12345678.50"));
        ColumnWidening.checkFits(d102, com.fasterxml.jackson.databind.node.TextNode.valueOf("1.2300"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ColumnWidening.checkFits(d102,
                com.fasterxml.jackson.databind.node.TextNode.valueOf("1.2345"))).hasMessageStartingWith("c: the target's decimal(10,2)");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ColumnWidening.checkFits(d102,
                com.fasterxml.jackson.databind.node.TextNode.valueOf("123456789"))).hasMessageContaining("cannot hold 123456789");
    }

    @Test
    void aRealBecomesADouble() {
        assertThat(ColumnWidening.widened(column("real", null, 24, null), ColumnType.of(CanonicalType.FLOAT64), PG))
                .isEqualTo(Optional.of(ColumnType.of(CanonicalType.FLOAT64)));
        assertThat(ColumnWidening.widened(column("double", null, 22, null), ColumnType.of(CanonicalType.FLOAT64), MYSQL)).isEmpty();
    }

    @Test
    void aColumnIsDescribedAsItWasDeclared() {
        assertThat(column("numeric", null, 10, 2).describe()).isEqualTo("numeric(10,2)");
        assertThat(column("character varying", 20L, null, null).describe()).isEqualTo("character varying(20)");
        assertThat(column("integer", null, 32, 0).describe()).isEqualTo("integer");
    }
}
