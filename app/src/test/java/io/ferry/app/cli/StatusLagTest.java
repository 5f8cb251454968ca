package io.ferry.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.validation.gate.ValidationSummary;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What {@code ferry cutover check} with its own thresholds takes from {@code /status} as the last validation. */
class StatusLagTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aValidationIsAsOldAsItsStartAndOneThatFailedIsNotClean() throws Exception {
        ValidationSummary ran = StatusLag.validation(JSON.readTree("""
                {"validation": {"startedAt": "2026-11-25T01:00:00Z", "finishedAt": "2026-11-25T03:00:00Z", "clean": true,
                 "summary": "every table matches"}}""")).orElseThrow();
        assertThat(ran.clean()).isTrue();
        assertThat(ran.startedAt()).isEqualTo(Instant.parse("2026-11-25T01:00:00Z"));

        // the report before a failed validation is still shown, but it no longer counts
        ValidationSummary failed = StatusLag.validation(JSON.readTree("""
                {"validation": {"startedAt": "2026-11-25T01:00:00Z", "finishedAt": "2026-11-25T03:00:00Z", "clean": true,
                 "summary": "every table matches", "failed": "cannot connect to the source"}}""")).orElseThrow();
        assertThat(failed.clean()).isFalse();
        assertThat(failed.detail()).contains("failed", "cannot connect to the source");

        assertThat(StatusLag.validation(JSON.readTree("{}"))).isEmpty();
    }

    @Test
    void theStagesOfTheDeploymentsOtherProcessesCountButNotTheirValidation() throws Exception {
        assertThat(StatusLag.stageProblems(JSON.readTree("""
                {"stages": [{"stage": "capture", "state": "STANDBY", "healthy": true},
                            {"stage": "validate", "state": "RETRYING", "healthy": false}],
                 "processes": [
                   {"process": "11@a", "stages": [{"stage": "capture", "state": "DEGRADED", "healthy": false,
                                                   "detail": "public.audit match source.tables but are left out"},
                                                  {"stage": "validate", "state": "FAILED", "healthy": false}]},
                   {"process": "12@b", "stages": [{"stage": "sink pg", "state": "RUNNING", "healthy": true},
                                                  {"stage": "transform", "state": "STARTING", "healthy": true}]}]}
                """))).containsExactly(
                "capture in process 11@a is DEGRADED: public.audit match source.tables but are left out",
                "transform in process 12@b is STARTING");
    }

    /**
     * The service's own blockers, when /status has them, are what a CLI gate with thresholds of its own counts: they carry
     * what only the service sees (the processes topic not followed, whose other processes /status then lists none of).
     */
    @Test
    void theServicesBlockersCountWhatOnlyItSees() throws Exception {
        assertThat(StatusLag.stageProblems(JSON.readTree("""
                {"stages": [{"stage": "capture", "state": "RUNNING", "healthy": true}],
                 "processes": [],
                 "gate": {"state": "NOT_READY", "blockers": ["following the processes topic stopped: TimeoutException"]}}
                """))).containsExactly("following the processes topic stopped: TimeoutException");
    }
}
