package io.ferry.core.types;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The hand-written timestamp format writes exactly what the formatter writes. */
class CanonicalTimeTest {

    @Test
    void formatLocalWritesWhatTheFormatterWrites() {
        SplittableRandom random = new SplittableRandom(20261122);
        for (int i = 0; i < 20_000; i++) {
            LocalDateTime t = LocalDateTime.of(random.nextInt(-50, 12_000), random.nextInt(1, 13), random.nextInt(1, 29),
                    random.nextInt(24), random.nextInt(60), random.nextInt(60), random.nextInt(1_000_000_000));
            assertThat(CanonicalTime.formatLocal(t)).as("%s", t)
                    .isEqualTo(CanonicalTime.LOCAL_DATE_TIME.format(t.truncatedTo(ChronoUnit.MICROS)));
        }
        assertThat(CanonicalTime.formatLocal(LocalDateTime.of(7, 1, 2, 3, 4, 5, 6_000))).isEqualTo("0007-01-02T03:04:05.000006");
        assertThat(CanonicalTime.formatLocal(LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_999)))
                .isEqualTo("9999-12-31T23:59:59.999999");
    }
}
