package io.ferry.app.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TargetWatchTest {

    /** A target whose looks are the checks' business; nothing to read. */
    private static final BenchTarget.Reader NO_ROWS = new BenchTarget.Reader() {
        @Override
        public Map<Long, String> names(Collection<Long> ids) {
            return Map.of();
        }

        @Override
        public void close() {
        }
    };

    private static final Contender ALIVE = contender(null);

    /** A contender that is alive, or (with {@code death}) one that died on its own. */
    private static Contender contender(BenchAborted death) {
        return new Contender() {
            @Override
            public double start() {
                return 0;
            }

            @Override
            public StopOutcome stop() {
                return StopOutcome.CLEAN;
            }

            @Override
            public void checkAlive() throws BenchAborted {
                if (death != null) {
                    throw death;
                }
            }

            @Override
            public void close() {
            }
        };
    }

    @Test
    void aLookThatFailsIsAskedAgainAndThePhaseGoesOn() throws Exception {
        AtomicInteger looks = new AtomicInteger();
        long at = new TargetWatch(NO_ROWS, ALIVE).await("the snapshot", Duration.ofMinutes(1), target -> {
            if (looks.incrementAndGet() < 3) {
                throw new IllegalStateException("Query timed out after PT2S");
            }
            return true;
        });

        assertThat(looks).hasValue(3);
        assertThat(at).isPositive();
    }

    @Test
    void aPhaseThatTimesOutNamesTheLastFailedLook() {
        assertThatThrownBy(() -> new TargetWatch(NO_ROWS, ALIVE).await("the backlog drain", Duration.ofMillis(300), target -> {
            throw new IllegalStateException("Query timed out after PT2S");
        })).isInstanceOf(BenchAborted.class).hasMessageContaining("the backlog drain did not complete")
                .hasMessageContaining("the last look at the target failed: Query timed out after PT2S");
    }

    @Test
    void aFailureWithoutAMessageIsNamedByItsClass() {
        assertThatThrownBy(() -> new TargetWatch(NO_ROWS, ALIVE).await("the snapshot", Duration.ofMillis(300), target -> {
            throw new NullPointerException();
        })).isInstanceOf(BenchAborted.class).hasMessageContaining("the last look at the target failed: java.lang.NullPointerException");
    }

    @Test
    void aContenderThatDiedEndsThePhaseAtOnce() {
        Contender dead = contender(new BenchAborted("Ferry exited with code 1"));
        assertThatThrownBy(() -> new TargetWatch(NO_ROWS, dead).await("the snapshot", Duration.ofMinutes(1), target -> false))
                .isInstanceOf(BenchAborted.class).hasMessage("Ferry exited with code 1");
    }
}
