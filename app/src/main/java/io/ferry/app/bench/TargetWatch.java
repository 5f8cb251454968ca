package io.ferry.app.bench;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits until the target satisfies a check, asked every 200 ms over one connection, while the contender lives. The moment returned is
 * the start of the first check that passed: at most one interval (or the previous check's duration, when
 * longer) after the target got there. A check that fails (a query that timed out on a starved machine) is asked again at
 * the next interval, with a warning; if the phase then times out, its error names the last failure.
 */
final class TargetWatch {

    static final Duration INTERVAL = Duration.ofMillis(200);
    private static final Logger log = LoggerFactory.getLogger(TargetWatch.class);
    /** At most one warning per this while the checks keep failing. */
    private static final Duration WARN_EVERY = Duration.ofSeconds(10);

    /** One look at the target; true once it has what the phase waits for. */
    interface Check {
        boolean done(BenchTarget.Reader target) throws Exception;
    }

    private final BenchTarget.Reader target;
    private final Contender contender;

    /** {@code contender}: asked at every check whether it is still alive, so a dead one fails the phase at once. */
    TargetWatch(BenchTarget.Reader target, Contender contender) {
        this.target = target;
        this.contender = contender;
    }

    /**
     * @return {@link System#nanoTime()} at the start of the check that passed
     * @throws BenchAborted when {@code timeout} passes first
     */
    long await(String phase, Duration timeout, Check check) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastFailure = null;
        long warnedAt = 0;
        while (true) {
            long at = System.nanoTime();
            try {
                if (check.done(target)) {
                    return at;
                }
            } catch (InterruptedException | BenchAborted e) {
                throw e;
            } catch (Exception e) {
                lastFailure = e.getMessage() == null ? e.toString() : e.getMessage();
                if (warnedAt == 0 || at - warnedAt > WARN_EVERY.toNanos()) {
                    log.warn("bench: a look at the target during {} failed: {} (looking again)", phase, lastFailure);
                    warnedAt = at;
                }
            }
            contender.checkAlive();
            if (at > deadline) {
                throw new BenchAborted(phase + " did not complete within " + timeout.toSeconds() + " s (--timeout)"
                        + (lastFailure == null ? "" : "; the last look at the target failed: " + lastFailure));
            }
            long rest = INTERVAL.toNanos() - (System.nanoTime() - at);
            if (rest > 0) {
                Thread.sleep(rest / 1_000_000, (int) (rest % 1_000_000));
            }
        }
    }
}
