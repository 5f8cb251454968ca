package io.ferry.sinks.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.ferry.core.types.CanonicalType;
import io.ferry.core.types.ColumnType;
import org.junit.jupiter.api.Test;

class ValueFitTest {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    @Test
    void aDecimalFitsWhenItsDigitsBeforeAndAfterThePointFitLeadingAndTrailingZerosAside() {
        assertThat(ValueFit.decimalFits("12345678.12", 10, 2)).isTrue();
        assertThat(ValueFit.decimalFits("-0012345678.1200", 10, 2)).as("zeros that change nothing").isTrue();
        assertThat(ValueFit.decimalFits("1.2345", 10, 2)).as("rounded by numeric(10,2)").isFalse();
        assertThat(ValueFit.decimalFits("123456789.1", 10, 2)).as("nine digits before the point").isFalse();
        assertThat(ValueFit.decimalFits("0.5", 1, 1)).isTrue();
        assertThat(ValueFit.decimalFits("1.5", 1, 1)).isFalse();
        assertThat(ValueFit.decimalFits("+7", 1, 0)).isTrue();
        assertThat(ValueFit.decimalFits("7.", 1, 0)).isTrue();
        assertThat(ValueFit.decimalFits("NaN", 1, 0)).as("the sink's own refusal names it").isTrue();
        assertThat(ValueFit.decimalFits("1E+5", 1, 0)).isTrue();
    }

    @Test
    void integersFitTheirRangeAndStringsTheirLengthInCharacters() {
        ColumnType int16 = ColumnType.of(CanonicalType.INT16);
        assertThat(ValueFit.fits(int16, F.numberNode(32767))).isTrue();
        assertThat(ValueFit.fits(int16, F.numberNode(32768))).isFalse();
        assertThat(ValueFit.fits(int16, F.numberNode(-32769))).isFalse();
        ColumnType int32 = ColumnType.of(CanonicalType.INT32);
        assertThat(ValueFit.fits(int32, F.numberNode(Integer.MIN_VALUE))).isTrue();
        assertThat(ValueFit.fits(int32, F.numberNode(1L + Integer.MAX_VALUE))).isFalse();
        ColumnType varchar3 = ColumnType.of(CanonicalType.STRING).withLength(3);
        assertThat(ValueFit.fits(varchar3, F.textNode("abc"))).isTrue();
        assertThat(ValueFit.fits(varchar3, F.textNode("abcd"))).isFalse();
        String emoji = "\uD83D\uDE00";
        assertThat(ValueFit.fits(varchar3, F.textNode(emoji.repeat(3)))).as("three characters in six UTF-16 units").isTrue();
        String long100 = emoji.repeat(100);
        assertThat(ValueFit.fits(ColumnType.of(CanonicalType.STRING).withLength(100), F.textNode(long100))).isTrue();
        assertThat(ValueFit.fits(ColumnType.of(CanonicalType.STRING).withLength(99), F.textNode(long100))).isFalse();
        assertThat(ValueFit.fits(ColumnType.decimal(10, 2), F.textNode("1.2345"))).isFalse();
        assertThat(ValueFit.fits(ColumnType.decimal(10, 2), F.nullNode())).isTrue();
    }

    @Test
    void onlyTypesThatBoundValuesAreChecked() {
        assertThat(ValueFit.bounded(ColumnType.of(CanonicalType.INT64))).isFalse();
        assertThat(ValueFit.bounded(ColumnType.of(CanonicalType.STRING))).isFalse();
        assertThat(ValueFit.bounded(ColumnType.decimal(null, null))).as("numeric without a precision").isFalse();
        assertThat(ValueFit.bounded(ColumnType.decimal(2, -3))).as("PostgreSQL 15's negative scale").isFalse();
        assertThat(ValueFit.bounded(ColumnType.decimal(10, 2))).isTrue();
        assertThat(ValueFit.bounded(ColumnType.of(CanonicalType.INT16))).isTrue();
        assertThat(ValueFit.bounded(ColumnType.of(CanonicalType.STRING).withLength(20))).isTrue();
    }
}
