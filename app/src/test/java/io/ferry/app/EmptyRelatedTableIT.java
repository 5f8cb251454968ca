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
 * A mapping whose related table has no rows: capture publishes a table's schema with its first row, and the sinks wait
 * for a target's shape, which needs the schemas of every table it reads; so the users' target was never written while
 * user_sessions stayed empty (before session 28). Capture now publishes the schemas of tables without rows from the
 * catalog (PostgreSQL).
 */
@WithServices(Service.POSTGRES)
class EmptyRelatedTableIT {

    @Test
    void aRelatedTableWithoutRowsDoesNotHoldTheTarget(PostgresService pg) throws Exception {
        UsersPipeline users = new UsersPipeline(pg, "emptyrel_src", "emptyrel_dst");
        users.createSource(30, 0);
        PipelineConfig config = users.config("emptyrel", UsersPipeline.freshDir("emptyrel"), "", "http: {enabled: false}");
        try (FerryService service = new FerryService(config, EnumSet.allOf(Role.class), new SimpleMeterRegistry()).start()) {
            // every user, with a session count of 0 and no last login
            users.awaitTargetMatches(Duration.ofMinutes(2));
            ValidationReport report = service.validate();
            assertThat(report.clean()).as(report.summary()).isTrue();

            users.execute("INSERT INTO user_sessions (session_id, user_id, last_activity) VALUES (gen_random_uuid(), 7, '2030-01-01')");
            users.awaitTargetMatches(Duration.ofMinutes(1));
        }
    }
}
