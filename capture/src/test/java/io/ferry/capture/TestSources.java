package io.ferry.capture;

import io.ferry.core.config.KafkaSettings;
import io.ferry.core.config.Secret;
import io.ferry.core.config.SourceSettings;
import io.ferry.devstack.KafkaService;
import io.ferry.devstack.MysqlService;
import io.ferry.devstack.PostgresService;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Capture settings pointing at devstack's servers. */
final class TestSources {

    private TestSources() {
    }

    static KafkaSettings kafka() {
        return new KafkaSettings(Optional.empty(), 3, Optional.empty(), Optional.empty(), Map.of());
    }

    static CaptureSettings postgres(String pipeline, PostgresService pg, String database, KafkaService kafka, String... tables) {
        SourceSettings source = new SourceSettings("postgres", pg.host(), pg.port(), database, pg.user(),
                Optional.of(new Secret(pg.password())), List.of(tables), ZoneId.of("UTC"), false, "initial",
                "ferry_" + pipeline.replace('-', '_'), "ferry_" + pipeline.replace('-', '_'), 5400,
                Duration.ofMillis(500), "ferry");
        return new CaptureSettings(pipeline, source, kafka(), kafka.bootstrapServers());
    }

    static CaptureSettings mariadb(String pipeline, MysqlService db, String database, KafkaService kafka, int serverId,
            String... tables) {
        SourceSettings source = new SourceSettings("mariadb", db.host(), db.port(), database, db.user(),
                Optional.of(new Secret(db.password())), List.of(tables), ZoneId.of("UTC"), false, "initial", "", "", serverId,
                Duration.ofMillis(500), "ferry");
        return new CaptureSettings(pipeline, source, kafka(), kafka.bootstrapServers());
    }
}
