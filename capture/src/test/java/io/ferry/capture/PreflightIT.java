package io.ferry.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ferry.capture.source.Preflight;
import io.ferry.capture.source.SourceDialect;
import io.ferry.core.event.TableId;
import io.ferry.devstack.KafkaService;
import io.ferry.devstack.MysqlService;
import io.ferry.devstack.PostgresService;
import io.ferry.devstack.Service;
import io.ferry.devstack.junit.WithServices;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every preflight problem is reported at once, each naming what to fix. */
@WithServices({Service.POSTGRES, Service.MARIADB, Service.KAFKA})
class PreflightIT {

    @Test
    void postgresProblemsAreAllReported(PostgresService pg, KafkaService kafka) throws Exception {
        pg.createDatabase("preflight_pg");
        try (Connection c = pg.connect("preflight_pg"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE keyless (line text)");
            s.execute("CREATE TABLE fine (id int PRIMARY KEY)");
            s.execute("DO $$ BEGIN CREATE ROLE plain LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$");
            s.execute("GRANT SELECT ON keyless TO plain");
            // a replica identity index without the key: a delete's log record would not name the row
            s.execute("CREATE TABLE by_code (id int PRIMARY KEY, code text NOT NULL UNIQUE)");
            s.execute("ALTER TABLE by_code REPLICA IDENTITY USING INDEX by_code_code_key");
            s.execute("GRANT SELECT ON by_code TO plain");
            // bit varying: Debezium passes the bits set, not the length
            s.execute("CREATE TABLE flags (id int PRIMARY KEY, mask varbit(8), spans interval[], prices money[], places point[])");
            s.execute("GRANT SELECT ON flags TO plain");
            // keyed by the markers' reserved field: its rows' keys would read as markers
            s.execute("CREATE TABLE ticks (\"__marker\" int PRIMARY KEY)");
            s.execute("GRANT SELECT ON ticks TO plain");
        }
        CaptureSettings base = TestSources.postgres("pg-preflight", pg, "preflight_pg", kafka, "public.keyless", "public.missing", "public.fine",
                "public.by_code", "public.flags", "public.ticks");
        CaptureException e = catchThrowableOfType(CaptureException.class,
                () -> Capture.start(TestSources.asUser(base, "plain"), null));
        assertThat(e.problems()).hasSize(9);
        // no publication yet, and Debezium would make it with tables 'plain' does not own
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains("source.publication 'ferry_pg_preflight' does not exist")
                .contains("does not own public.by_code, public.fine").contains("GRANT <owner role> TO plain"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains("public.ticks has a primary key of one column named '__marker'")
                .contains("rename the column"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains("public.flags has mask (bit varying(8))")
                .contains("change the column to bit(n) or text"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains("public.flags has spans (interval[]), prices (money[]),"
                + " places (point[])").contains("Debezium leaves an array of interval, money, name, xml or point out of every event"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains("public.by_code has REPLICA IDENTITY USING INDEX"
                + " by_code_code_key, which does not hold its primary key (id)").contains("ALTER TABLE public.by_code REPLICA IDENTITY DEFAULT"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains("'plain' lacks the REPLICATION attribute")
                .contains("ALTER ROLE plain WITH REPLICATION"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains("'public.missing' matches no table"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains("public.keyless has no primary key").contains("ADD PRIMARY KEY"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains("may not read public.fine").contains("GRANT SELECT"));
    }

    @Test
    void mariadbProblemsAreAllReported(MysqlService db, KafkaService kafka) throws Exception {
        db.createDatabase("preflight_maria");
        try (Connection c = db.connect("preflight_maria"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE keyless (line VARCHAR(10))");
            // a cascade whose parent is not captured: its deletes, the only trace of the children's, are never seen
            s.execute("CREATE TABLE parents (id INT PRIMARY KEY)");
            s.execute("CREATE TABLE children (id INT PRIMARY KEY, parent_id INT, FOREIGN KEY (parent_id) REFERENCES parents(id)"
                    + " ON DELETE CASCADE ON UPDATE CASCADE)");
            s.execute("SET GLOBAL binlog_format = 'STATEMENT'");
            s.execute("SET GLOBAL binlog_row_image = 'MINIMAL'");
        }
        try {
            CaptureException e = catchThrowableOfType(CaptureException.class, () -> Capture.start(
                    TestSources.mariadb("maria-preflight", db, "preflight_maria", kafka, 6103, "preflight_maria.keyless",
                            "preflight_maria.missing", "preflight_maria.children"), null));
            assertThat(e.problems()).hasSize(5);
            assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains("preflight_maria.children references preflight_maria.parents"
                    + " with ON DELETE CASCADE, but preflight_maria.parents is not captured").contains("add preflight_maria.parents to source.tables"));
            assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains("binlog_format is STATEMENT").contains("binlog_format=ROW"));
            assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains("binlog_row_image is MINIMAL").contains("binlog_row_image=FULL"));
            assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains("'preflight_maria.missing' matches no table"));
            assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains("preflight_maria.keyless has no primary key"));
            assertThat(e.getMessage()).startsWith("5 problems with the source:");
        } finally {
            try (Connection c = db.connect("preflight_maria"); Statement s = c.createStatement()) {
                s.execute("SET GLOBAL binlog_format = 'ROW'");
                s.execute("SET GLOBAL binlog_row_image = 'FULL'");
            }
        }
    }

    @Test
    void anUnreachableSourceNamesTheSettingsToCheck(PostgresService pg, KafkaService kafka) {
        CaptureSettings base = TestSources.postgres("pg-unreachable", pg, "no_such_database", kafka, "public.x");
        CaptureException e = catchThrowableOfType(CaptureException.class, () -> Capture.start(base, null));
        assertThat(e).hasMessageContaining("cannot reach the source").hasMessageContaining("no_such_database")
                .hasMessageContaining("source.database");
        assertThat(List.of(e.getMessage())).noneMatch(m -> m.contains(pg.password() + "@"));
    }

    @Test
    void tablesDebeziumNeverCapturesAreLeftOutAndNamed(PostgresService pg, KafkaService kafka) throws Exception {
        pg.createDatabase("preflight_geo");
        try (Connection c = pg.connect("preflight_geo"); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA geo");
            s.execute("CREATE TABLE geo.places (id int PRIMARY KEY)");
            // PostGIS's table, by name: Debezium leaves it out of every capture (its system tables predicate)
            s.execute("CREATE TABLE geo.spatial_ref_sys (srid int PRIMARY KEY, srtext text)");
        }
        SourceDialect dialect = SourceDialect.of(TestSources.postgres("pg-geo", pg, "preflight_geo", kafka, "geo\\..*").source());
        try (Connection c = dialect.connect()) {
            Preflight byPattern = dialect.preflight(c);
            assertThat(byPattern.problems()).isEmpty();
            assertThat(byPattern.tables()).extracting(t -> t.id().toString()).containsExactly("geo.places");
            assertThat(byPattern.notes()).anySatisfy(n -> assertThat(n).contains("geo.spatial_ref_sys").contains("never captures"));
            assertThat(dialect.allTables(c)).extracting(TableId::toString).contains("geo.places").doesNotContain("geo.spatial_ref_sys");

            SourceDialect named = SourceDialect.of(TestSources.postgres("pg-geo", pg, "preflight_geo", kafka, "geo.spatial_ref_sys").source());
            Preflight byName = named.preflight(c);
            assertThat(byName.tables()).isEmpty();
            assertThat(byName.problems()).singleElement().satisfies(p -> assertThat(p).contains("'geo.spatial_ref_sys' matches only")
                    .contains("never captures").contains("leave it out of source.tables"));
        }
    }
}
