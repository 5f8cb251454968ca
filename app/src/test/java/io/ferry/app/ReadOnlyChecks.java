package io.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ferry.app.service.FerryService;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/** What the read-only source ITs share: a busy source, and the lag its Debezium heartbeats give. */
final class ReadOnlyChecks {

    private ReadOnlyChecks() {
    }

    /**
     * A busy source: one small transaction every 100 ms on a table captured but not mapped (a row that changes faster than
     * the pipeline's latency can never be confirmed equal by a validation under live writes). Closing stops it and fails
     * the test if a statement failed.
     */
    static final class Ticker implements AutoCloseable {
        private final AtomicBoolean ticking = new AtomicBoolean(true);
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final Thread thread;

        Ticker(Sql.Source source, String statement) {
            thread = new Thread(() -> {
                try (Connection c = source.connect(); Statement s = c.createStatement()) {
                    while (ticking.get()) {
                        s.execute(statement);
                        Thread.sleep(100);
                    }
                } catch (SQLException | InterruptedException e) {
                    failure.set(e);
                }
            }, "ticker");
        }

        void start() {
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            ticking.set(false);
            if (thread.isAlive()) {
                thread.join(10_000);
            }
            assertThat(failure.get()).as("the ticker's statements").isNull();
        }
    }

    /** The table's lag is known and low, from Debezium's heartbeats on a read-only source. */
    static void awaitLagLow(FerryService service, String table) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(service.lag().orElseThrow().tables())
                .filteredOn(l -> l.table().equals(table)).singleElement().satisfies(l -> {
                    assertThat(l.known()).isTrue();
                    assertThat(l.lagMs()).isLessThan(5_000);
                    assertThat(l.detail()).contains("read-only");
                }));
    }
}
