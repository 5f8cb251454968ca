package io.ferry.sinks.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** When the sink writes the batch in hand: full, the stream paused, or the linger is up. */
class FlushRuleTest {

    private static final Duration LINGER = Duration.ofMillis(50);
    private static final long MS = 1_000_000L;

    @Test
    void nothingInHandIsNeverWritten() {
        assertThat(SinkRunner.flushDue(0, 2000, false, 10_000 * MS, LINGER)).isFalse();
        assertThat(SinkRunner.flushDue(0, 2000, true, 10_000 * MS, LINGER)).isFalse();
    }

    @Test
    void aPausedStreamIsWrittenAtOnceWithoutWaitingForTheLinger() {
        assertThat(SinkRunner.flushDue(1, 2000, false, 0, LINGER)).as("a lone change").isTrue();
        assertThat(SinkRunner.flushDue(700, 2000, false, 3 * MS, LINGER)).isTrue();
    }

    @Test
    void rowsStillArrivingFillTheBatchUpToTheLinger() {
        assertThat(SinkRunner.flushDue(700, 2000, true, 3 * MS, LINGER)).as("more came with the last poll").isFalse();
        assertThat(SinkRunner.flushDue(700, 2000, true, 49 * MS, LINGER)).isFalse();
        assertThat(SinkRunner.flushDue(700, 2000, true, 50 * MS, LINGER)).as("the linger is up").isTrue();
    }

    @Test
    void aFullBatchIsWrittenWhileRowsStillArrive() {
        assertThat(SinkRunner.flushDue(2000, 2000, true, 0, LINGER)).isTrue();
        assertThat(SinkRunner.flushDue(3999, 2000, true, 0, LINGER)).isTrue();
        assertThat(SinkRunner.flushDue(1999, 2000, true, 0, LINGER)).isFalse();
    }
}
