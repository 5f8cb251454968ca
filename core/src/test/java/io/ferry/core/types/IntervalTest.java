package io.ferry.core.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IntervalTest {

    @Test
    void roundsDebeziumsDoubleSecondsToTheMicrosecond() {
        // what Debezium streamed for PostgreSQL's '3 mons 9 days 00:00:01.239'
        assertThat(Interval.parseRounding("P0Y3M9DT0H0M1.238999999S")).isEqualTo(new Interval(3, 9, 1_239_000));
        assertThat(Interval.parseRounding("PT-1.238999999S")).isEqualTo(new Interval(0, 0, -1_239_000));
        assertThat(Interval.parseRounding("PT0.9999996S")).as("carries into the second").isEqualTo(new Interval(0, 0, 1_000_000));
        assertThat(Interval.parseRounding("PT-4H-5M-6.0000071S")).isEqualTo(new Interval(0, 0, -(4 * 3600 + 5 * 60 + 6) * 1_000_000L - 7));
        assertThat(Interval.parseRounding("PT2.0000004S")).isEqualTo(new Interval(0, 0, 2_000_000));
    }

    @Test
    void sixDigitsOrFewerParseAsTheCanonicalForm() {
        assertThat(Interval.parseRounding("P1Y2M3DT4H5M6.000007S")).isEqualTo(Interval.parseIso("P1Y2M3DT4H5M6.000007S"));
        assertThat(Interval.parseIso("P1Y2M3DT4H5M6.000007S").toIso()).isEqualTo("P1Y2M3DT4H5M6.000007S");
        assertThatThrownBy(() -> Interval.parseRounding("1 day")).hasMessageContaining("ISO-8601");
        assertThatThrownBy(() -> Interval.parseIso("PT1.2389999S")).as("the canonical form itself stays strict").hasMessageContaining("ISO-8601");
    }
}
