package io.ferry.core.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

class ToleranceTest {

    @Test
    void parsesNumbersPercentagesAndTimePrecisions() {
        assertThat(Tolerance.parse("0.01").numericAbsolute()).isEqualByComparingTo("0.01");
        assertThat(Tolerance.parse("0.5%").floatRelative()).isEqualTo(0.005);
        assertThat(Tolerance.parse("1s").timePrecision()).isEqualTo(ChronoUnit.SECONDS);
        assertThat(Tolerance.parse("1ms").timePrecision()).isEqualTo(ChronoUnit.MILLIS);
        assertThatThrownBy(() -> Tolerance.parse("2s")).hasMessageContaining("'2s' is not a tolerance");
        assertThatThrownBy(() -> Tolerance.parse("-1")).hasMessageContaining("must not be negative");
        // NaN% let no difference through, Infinity% every one (a validation always clean)
        assertThatThrownBy(() -> Tolerance.parse("NaN%")).hasMessageContaining("between 0% and 100%");
        assertThatThrownBy(() -> Tolerance.parse("Infinity%")).hasMessageContaining("between 0% and 100%");
        assertThatThrownBy(() -> Tolerance.parse("150%")).hasMessageContaining("between 0% and 100%");
        assertThat(Tolerance.parse("100%").floatRelative()).isEqualTo(1.0);
    }

    @Test
    void wideningKeepsTheLooserOfEach() {
        Tolerance w = Tolerance.timePrecision(ChronoUnit.MILLIS).widen(new Tolerance(ChronoUnit.MICROS, new BigDecimal("0.01"), 0.001));
        assertThat(w.timePrecision()).isEqualTo(ChronoUnit.MILLIS);
        assertThat(w.numericAbsolute()).isEqualByComparingTo("0.01");
        assertThat(w.floatRelative()).isEqualTo(0.001);
    }
}
