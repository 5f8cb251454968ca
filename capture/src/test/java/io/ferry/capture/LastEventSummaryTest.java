package io.ferry.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.debezium.engine.DebeziumEngine;
import org.junit.jupiter.api.Test;

/** What capture's WARN says when the summary cannot be replaced (the real replacement: PostgresCaptureIT, MariaDbCaptureIT). */
class LastEventSummaryTest {

    @Test
    void anEngineThatIsNotDebeziumsAsyncOneIsLeftAsItIsAndSaysWhy() {
        DebeziumEngine<Object> other = new DebeziumEngine<>() {
            @Override
            public void run() {
            }

            @Override
            public void close() {
            }
        };
        LastEventSummary.Outcome outcome = LastEventSummary.install(other);
        assertThat(outcome.status()).isEqualTo(LastEventSummary.Outcome.Status.CANNOT);
        assertThat(outcome.detail()).contains("not Debezium's async engine", getClass().getName());
    }
}
