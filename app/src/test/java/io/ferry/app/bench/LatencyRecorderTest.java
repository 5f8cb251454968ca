package io.ferry.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LatencyRecorderTest {

    @Test
    void percentilesAreNearestRankInMilliseconds() {
        LatencyRecorder r = new LatencyRecorder();
        for (int ms = 100; ms >= 1; ms--) {
            r.record(ms * 1_000_000L);
        }
        LatencyRecorder.Summary s = r.summary();
        assertThat(s.count()).isEqualTo(100);
        assertThat(s.p50Ms()).isEqualTo(50.0);
        assertThat(s.p95Ms()).isEqualTo(95.0);
        assertThat(s.p99Ms()).isEqualTo(99.0);
        assertThat(s.maxMs()).isEqualTo(100.0);
        assertThat(s.meanMs()).isEqualTo(50.5);
    }

    @Test
    void oneSampleIsEveryPercentileAndNoneIsZero() {
        LatencyRecorder r = new LatencyRecorder();
        assertThat(r.summary().p99Ms()).isZero();
        r.record(1_234_567L);
        assertThat(r.summary().p50Ms()).isEqualTo(1.2);
        assertThat(r.summary().p99Ms()).isEqualTo(1.2);
    }

    @Test
    void growsPastItsFirstArray() {
        LatencyRecorder r = new LatencyRecorder();
        for (int i = 0; i < 10_000; i++) {
            r.record(i);
        }
        assertThat(r.count()).isEqualTo(10_000);
    }
}
