package io.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.app.service.FerryService;
import io.ferry.app.service.Role;
import io.ferry.core.config.PipelineConfig;
import io.ferry.devstack.PostgresService;
import io.ferry.devstack.Service;
import io.ferry.devstack.junit.WithServices;
import io.ferry.validation.diff.ValidationReport;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/**
 * A {@code TRUNCATE} at the source reaches the targets (until session 29 it was skipped, and the targets kept every row):
 * capture writes it as a snapshot run that reads nothing, and transform deletes the table's rows written before it, the
 * documents they were aggregated into following; rows written after it in the same transaction stay.
 */
@WithServices(Service.POSTGRES)
class TruncateIT {

    @Test
    void aTruncateReachesTheTargetsAndTheRowsWrittenAfterItStay(PostgresService pg) throws Exception {
        UsersPipeline users = new UsersPipeline(pg, "trunc_src", "trunc_dst");
        users.createSource(40, 2);
        PipelineConfig config = users.config("trunc", UsersPipeline.freshDir("trunc"), "", "http: {enabled: false}");
        try (FerryService service = new FerryService(config, EnumSet.allOf(Role.class), new SimpleMeterRegistry()).start()) {
            users.awaitTargetMatches(Duration.ofMinutes(2));

            // the related table emptied and given one new row in one transaction: only the new row counts
            users.execute("BEGIN", "TRUNCATE user_sessions",
                    "INSERT INTO user_sessions (session_id, user_id, last_activity) VALUES (gen_random_uuid(), 7, '2030-01-01')", "COMMIT");
            users.awaitTargetMatches(Duration.ofMinutes(1));
            assertThat(users.actual()).filteredOn(r -> !r.contains("|0|null|")).as("one user with a session left").hasSize(1);

            // the root table, its sessions with it (CASCADE truncates both, each its own record)
            users.execute("TRUNCATE users CASCADE", "INSERT INTO users (email, name) VALUES ('after@example.com', 'After the truncate')");
            users.awaitTargetMatches(Duration.ofMinutes(1));
            assertThat(users.actual()).hasSize(1);
            ValidationReport report = service.validate();
            assertThat(report.clean()).as(report.summary()).isTrue();
        }
    }
}
