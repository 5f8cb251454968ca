package io.ferry.app.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SharedRunsTest {

    /** A job whose runs are numbered and each wait for the test to let it end. */
    private static final class Job {
        final AtomicInteger started = new AtomicInteger();
        final List<CountDownLatch> gates = List.of(new CountDownLatch(1), new CountDownLatch(1), new CountDownLatch(1));

        Integer run() {
            int n = started.incrementAndGet();
            try {
                gates.get(n - 1).await(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return n;
        }
    }

    @Test
    void callersThatAskDuringARunShareTheNextOne() throws Exception {
        Job job = new Job();
        SharedRuns<Integer> runs = new SharedRuns<>(job::run);
        CompletableFuture<Integer> first = CompletableFuture.supplyAsync(runs::get);
        await().atMost(Duration.ofSeconds(30)).until(() -> job.started.get() == 1);

        List<CompletableFuture<Integer>> during = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            during.add(CompletableFuture.supplyAsync(runs::get, r -> {
                Thread t = new Thread(r);
                threads.add(t);
                t.start();
            }));
        }
        // all four inside get(), waiting: no second run while the first is under way
        await().atMost(Duration.ofSeconds(30)).until(() -> threads.stream().allMatch(t -> t.getState() == Thread.State.WAITING));
        assertThat(job.started.get()).isEqualTo(1);

        job.gates.get(0).countDown();
        assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo(1);
        await().atMost(Duration.ofSeconds(30)).until(() -> job.started.get() == 2);
        job.gates.get(1).countDown();
        for (CompletableFuture<Integer> f : during) {
            assertThat(f.get(30, TimeUnit.SECONDS)).as("the run after the first, shared").isEqualTo(2);
        }
        assertThat(job.started.get()).as("four asks during a run cost one more run").isEqualTo(2);

        // a later ask gets a run of its own
        job.gates.get(2).countDown();
        assertThat(runs.get()).isEqualTo(3);
    }

    @Test
    void aFailedRunFailsEveryoneWhoSharedItAndTheNextRunIsNew() {
        AtomicInteger calls = new AtomicInteger();
        SharedRuns<Integer> runs = new SharedRuns<>(() -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("source unreachable");
            }
            return calls.get();
        });
        assertThatThrownBy(runs::get).isInstanceOf(IllegalStateException.class).hasMessage("source unreachable");
        assertThat(runs.get()).isEqualTo(2);
    }
}
