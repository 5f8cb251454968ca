package io.ferry.app.bench;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

/**
 * The members of a consumer group, as its coordinator sees them. A consumer that closes leaves its group at once; one whose
 * JVM was killed stays a member until its session times out ({@code session.timeout.ms}, 45 s by default), and a consumer
 * of the same group started meanwhile waits for that in its first rebalance.
 */
final class GroupMembers {

    private static final Duration LOOK = Duration.ofSeconds(10);

    private GroupMembers() {
    }

    /** How many members {@code group} has now; 0 when there is no such group. */
    static int count(Admin admin, String group) throws InterruptedException, ExecutionException, TimeoutException {
        try {
            ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).describedGroups().get(group)
                    .get(LOOK.toMillis(), TimeUnit.MILLISECONDS);
            return d.members().size();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return 0;
            }
            throw e;
        }
    }

    /**
     * Waits until {@code group} has no member and returns the seconds that took.
     *
     * @throws BenchAborted when it still has members after {@code timeout}, or the broker does not answer
     */
    static double awaitNone(Admin admin, String group, Duration timeout) throws BenchAborted, InterruptedException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (true) {
            int members;
            try {
                members = count(admin, group);
            } catch (ExecutionException | TimeoutException e) {
                throw new BenchAborted("cannot describe the consumer group " + group + ": " + e.getMessage(), e);
            }
            if (members == 0) {
                return (System.nanoTime() - start) / 1e9;
            }
            if (System.nanoTime() > deadline) {
                throw new BenchAborted("the consumer group " + group + " still has " + members + " member(s) " + timeout.toSeconds()
                        + " s after its consumers' JVM stopped; a new start would wait for them in its first rebalance");
            }
            Thread.sleep(500);
        }
    }
}
