package io.ferry.sinks.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.core.schema.Column;
import io.ferry.core.spi.SinkFactory;
import io.ferry.core.types.ColumnType;
import io.ferry.devstack.MysqlService;
import io.ferry.devstack.Service;
import io.ferry.devstack.junit.WithServices;
import io.ferry.core.event.Row;
import io.ferry.core.event.SourceInfo;
import io.ferry.core.event.TargetEvent;
import io.ferry.core.spi.Sink;
import io.ferry.core.spi.TargetTable;
import io.ferry.core.types.CanonicalType;
import io.ferry.sinks.SinkOptionsFixture;
import io.ferry.sinks.runtime.RuntimeSinkContext;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ferry.core.spi.SinkWriteException;

@WithServices(Service.MARIADB)
class MariaDbSinkIT extends JdbcSinkContractIT {

    private static MysqlService db;

    @BeforeAll
    static void database(MysqlService mariadb) {
        db = mariadb;
        db.createDatabase("sink_maria");
    }

    @Override
    protected SinkFactory factory() {
        return new MariaDbSinkFactory();
    }

    @Override
    protected String options() {
        return "url: " + db.jdbcUrl("sink_maria") + "\nuser: " + db.user() + "\npassword: " + db.password() + "\n";
    }

    @Override
    protected Column poisonColumn() {
        return new Column("amount", ColumnType.decimal(5, 2), true);
    }

    @Test
    void aTableWithAUniqueIndexBesidesItsKeyIsRefused() throws Exception {
        try (Connection c = db.connect("sink_maria"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE users_unique (id BIGINT PRIMARY KEY, email VARCHAR(100), UNIQUE KEY uq_email (email))");
        }
        TargetTable t = TargetTable.keyed("users_unique", List.of(new Column("id", ColumnType.of(CanonicalType.INT64), false),
                new Column("email", ColumnType.of(CanonicalType.STRING), true)), List.of("id"));
        try (Sink sink = factory().create(new RuntimeSinkContext("contract", "unique", SinkOptionsFixture.bind(factory(), options()),
                () -> Map.of(t.name(), t)))) {
            Row key = Row.builder().put("id", F.numberNode(1)).build();
            assertThatThrownBy(() -> sink.write(List.of(new TargetEvent.Upsert(t.name(), key, key.with("email", F.textNode("a@x.io")),
                    new SourceInfo("s", "p", null, 1, false)))))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("uq_email").hasMessageContaining("silently update");
        }
    }

    private static final SourceInfo AT = new SourceInfo("s", "p", null, 1, false);

    private Sink sinkFor(TargetTable t, String options) {
        return factory().create(new RuntimeSinkContext("contract", "sink-" + t.name(), SinkOptionsFixture.bind(factory(), options),
                () -> Map.of(t.name(), t)));
    }

    private static TargetEvent.Upsert codeRow(String table, String code, String label) {
        Row key = Row.builder().put("code", F.textNode(code)).build();
        return new TargetEvent.Upsert(table, key, key.with("label", F.textNode(label)), AT);
    }

    /**
     * Keys the source holds apart stay apart: under the server's default collation (utf8mb4_unicode_ci here, PAD SPACE)
     * 'abc', 'ABC' and 'abc ' were one row, each upsert overwriting the last, and a delete of one removed it. The key is
     * unbounded text (a PostgreSQL {@code text} key), which as LONGTEXT could not be a key at all.
     */
    @Test
    void stringKeysTheSourceHoldsApartStayApart() throws Exception {
        ColumnType varchar20 = new ColumnType(CanonicalType.STRING, 20, null, null, null, null, null, null);
        keysStayApart(TargetTable.keyed("codes_bounded", List.of(new Column("code", varchar20, false),
                new Column("label", ColumnType.of(CanonicalType.STRING), true)), List.of("code")));
        keysStayApart(TargetTable.keyed("codes", List.of(new Column("code", ColumnType.of(CanonicalType.STRING), false),
                new Column("label", ColumnType.of(CanonicalType.STRING), true)), List.of("code")));
    }

    private void keysStayApart(TargetTable t) throws Exception {
        try (Sink sink = sinkFor(t, options())) {
            sink.write(List.of(codeRow(t.name(), "abc", "lower"), codeRow(t.name(), "ABC", "upper"), codeRow(t.name(), "abc ", "padded"),
                    codeRow(t.name(), "äbc", "umlaut")));
            assertThat(codes(t.name())).containsExactlyInAnyOrder("abc=lower", "ABC=upper", "abc =padded", "äbc=umlaut");
            sink.write(List.of(new TargetEvent.Delete(t.name(), Row.builder().put("code", F.textNode("ABC")).build(), AT)));
            assertThat(codes(t.name())).containsExactlyInAnyOrder("abc=lower", "abc =padded", "äbc=umlaut");
        }
    }

    /**
     * A key-only table (no column but the key) refuses a key longer than its column, as every other table does: its upsert
     * was INSERT IGNORE, whose IGNORE overrides strict mode and clipped the key, so two source keys could become one row.
     */
    @Test
    void aKeyOnlyTableRefusesAKeyTooLongForItsColumn() throws Exception {
        TargetTable t = TargetTable.keyed("tags", List.of(new Column("tag", ColumnType.of(CanonicalType.STRING), false)), List.of("tag"));
        try (Sink sink = sinkFor(t, options())) {
            String tooLong = "t".repeat(MysqlSinkDialect.KEY_CHARS + 1);
            Row longKey = Row.builder().put("tag", F.textNode(tooLong)).build();
            Row shortKey = Row.builder().put("tag", F.textNode("short")).build();
            SinkWriteException e = catchThrowableOfType(SinkWriteException.class, () -> sink.write(List.of(
                    new TargetEvent.Upsert(t.name(), longKey, longKey, AT), new TargetEvent.Upsert(t.name(), shortKey, shortKey, AT))));
            assertThat(e).as("a key of " + tooLong.length() + " characters").isNotNull();
            assertThat(e.rejected()).containsOnlyKeys(0);
            List<String> tags = new java.util.ArrayList<>();
            try (Connection c = db.connect("sink_maria"); Statement s = c.createStatement();
                    java.sql.ResultSet rs = s.executeQuery("SELECT tag FROM tags")) {
                while (rs.next()) {
                    tags.add(rs.getString(1));
                }
            }
            assertThat(tags).containsExactly("short");
        }
    }

    /**
     * A value with more fraction digits than its DECIMAL column keeps is refused (dead-lettered) instead of rounded:
     * MariaDB and MySQL round such a value with a note, not an error, even in strict mode. An unbounded decimal (a
     * PostgreSQL {@code numeric}) is DECIMAL(65,30) here.
     */
    @Test
    void aDecimalTheColumnWouldRoundIsRefused() throws Exception {
        TargetTable t = TargetTable.keyed("amounts", List.of(new Column("id", ColumnType.of(CanonicalType.INT64), false),
                new Column("exact", ColumnType.decimal(null, null), true), new Column("cents", ColumnType.decimal(8, 2), true)),
                List.of("id"));
        try (Sink sink = sinkFor(t, options())) {
            List<TargetEvent> batch = List.of(amount(t, 1, "0." + "1".repeat(30), "1.50"), amount(t, 2, "0." + "1".repeat(31), "1.50"),
                    amount(t, 3, "2.5", "1.234"), amount(t, 4, "12345678901234567890.125", "999999.99"));
            SinkWriteException e = catchThrowableOfType(SinkWriteException.class, () -> sink.write(batch));
            assertThat(e).isNotNull();
            assertThat(e.rejected()).containsOnlyKeys(1, 2);
            assertThat(e.rejected().get(1)).contains("exact").contains("would be rounded");
            assertThat(e.rejected().get(2)).contains("cents").contains("would be rounded");
            List<String> stored = new java.util.ArrayList<>();
            try (Connection c = db.connect("sink_maria"); Statement s = c.createStatement();
                    java.sql.ResultSet rs = s.executeQuery("SELECT id, exact, cents FROM amounts ORDER BY id")) {
                while (rs.next()) {
                    stored.add(rs.getLong(1) + ":" + rs.getBigDecimal(2).stripTrailingZeros().toPlainString() + ":" + rs.getBigDecimal(3));
                }
            }
            assertThat(stored).containsExactly("1:0." + "1".repeat(30) + ":1.50", "4:12345678901234567890.125:999999.99");
        }
    }

    /**
     * A decimal wider than MariaDB's DECIMAL(65,30) (PostgreSQL's numeric(78,0) of 256-bit amounts, a scale of 35) gets the
     * widest column MariaDB has; a value that fits is written, one that does not is dead-lettered. The table was refused
     * (1426, 1425) and the sink stopped at every start.
     */
    @Test
    void aDecimalWiderThanMariaDbsWidestIsCapped() throws Exception {
        TargetTable t = TargetTable.keyed("wide_amounts", List.of(new Column("id", ColumnType.of(CanonicalType.INT64), false),
                new Column("exact", ColumnType.decimal(78, 0), true), new Column("cents", ColumnType.decimal(40, 35), true)),
                List.of("id"));
        try (Sink sink = sinkFor(t, options())) {
            List<TargetEvent> batch = List.of(amount(t, 1, "1" + "0".repeat(60), "0." + "1".repeat(30)),
                    amount(t, 2, "1" + "0".repeat(70), "1.5"), amount(t, 3, "7", "0." + "1".repeat(31)));
            SinkWriteException e = catchThrowableOfType(SinkWriteException.class, () -> sink.write(batch));
            assertThat(e).isNotNull();
            assertThat(e.rejected()).containsOnlyKeys(1, 2);
            assertThat(e.rejected().get(1)).contains("exact").contains("at most 65 digits");
            assertThat(e.rejected().get(2)).contains("cents").contains("would be rounded");
            try (Connection c = db.connect("sink_maria"); Statement s = c.createStatement();
                    java.sql.ResultSet rs = s.executeQuery("SELECT id, exact, cents FROM wide_amounts ORDER BY id")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(1);
                assertThat(rs.getBigDecimal(2).toPlainString()).isEqualTo("1" + "0".repeat(60));
                assertThat(rs.getBigDecimal(3).stripTrailingZeros().toPlainString()).isEqualTo("0." + "1".repeat(30));
                assertThat(rs.next()).isFalse();
            }
        }
    }

    /**
     * Five {@code varchar(6000)} columns (a PostgreSQL table's) are more than a MariaDB row holds in utf8mb4 (4 bytes a
     * character): the longest become MEDIUMTEXT until the rest fit, and every value is written whole. The table was refused
     * (1118) and the sink stopped at every start.
     */
    @Test
    void longStringsMoreThanARowHoldsBecomeText() throws Exception {
        List<Column> columns = new java.util.ArrayList<>(List.of(new Column("id", ColumnType.of(CanonicalType.INT64), false)));
        for (int i = 1; i <= 5; i++) {
            columns.add(new Column("s" + i, ColumnType.of(CanonicalType.STRING).withLength(6000), true));
        }
        TargetTable t = TargetTable.keyed("long_strings", columns, List.of("id"));
        try (Sink sink = sinkFor(t, options())) {
            Row key = Row.builder().put("id", F.numberNode(1)).build();
            Row row = key;
            for (int i = 1; i <= 5; i++) {
                row = row.with("s" + i, F.textNode(String.valueOf((char) ('a' + i)).repeat(5999) + "\u00e9"));
            }
            sink.write(List.of(new TargetEvent.Upsert(t.name(), key, row, AT)));
            List<Row> back = new java.util.ArrayList<>();
            ((io.ferry.core.spi.RowReader) sink).read(t.name(), io.ferry.core.spi.KeyRange.ALL, back::add);
            assertThat(back).containsExactly(row);
            try (Connection c = db.connect("sink_maria"); Statement s = c.createStatement(); java.sql.ResultSet rs = s.executeQuery(
                    "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = 'long_strings'"
                            + " AND data_type = 'varchar'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).as("the strings that still fit stay VARCHAR").isPositive();
            }
        }
    }

    /**
     * A long string added to a table that has little of its row left becomes text too: {@code ALTER TABLE ... ADD} of a
     * {@code VARCHAR(6000)} was refused (1118) and stopped the sink at every start.
     */
    @Test
    void aLongStringAddedToATableNearItsRowSizeBecomesText() throws Exception {
        try (Connection c = db.connect("sink_maria"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE long_added (id BIGINT NOT NULL PRIMARY KEY, s1 VARCHAR(6000) CHARACTER SET utf8mb4,"
                    + " s2 VARCHAR(6000) CHARACTER SET utf8mb4)");
        }
        List<Column> columns = new java.util.ArrayList<>(List.of(new Column("id", ColumnType.of(CanonicalType.INT64), false)));
        for (int i = 1; i <= 3; i++) {
            columns.add(new Column("s" + i, ColumnType.of(CanonicalType.STRING).withLength(6000), true));
        }
        TargetTable t = TargetTable.keyed("long_added", columns, List.of("id"));
        try (Sink sink = sinkFor(t, options())) {
            Row key = Row.builder().put("id", F.numberNode(1)).build();
            Row row = key;
            for (int i = 1; i <= 3; i++) {
                row = row.with("s" + i, F.textNode(String.valueOf((char) ('a' + i)).repeat(5999) + "\u00e9"));
            }
            sink.write(List.of(new TargetEvent.Upsert(t.name(), key, row, AT)));
            List<Row> back = new java.util.ArrayList<>();
            ((io.ferry.core.spi.RowReader) sink).read(t.name(), io.ferry.core.spi.KeyRange.ALL, back::add);
            assertThat(back).containsExactly(row);
        }
    }

    private static TargetEvent amount(TargetTable t, long id, String exact, String cents) {
        Row key = Row.builder().put("id", F.numberNode(id)).build();
        return new TargetEvent.Upsert(t.name(), key, key.with("exact", F.textNode(exact)).with("cents", F.textNode(cents)), AT);
    }

    /**
     * A table made by hand (or by Ferry before session 26) whose key compares by the server's case-folding collation is
     * named in a WARN with the fix; a table Ferry makes is not (its key is binary).
     */
    @Test
    void anExistingTableWhoseKeyFoldsCaseIsWarnedAbout() throws Exception {
        try (Connection c = db.connect("sink_maria"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE legacy_codes (code VARCHAR(20) NOT NULL PRIMARY KEY, label LONGTEXT)");
        }
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(JdbcSink.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged = new ch.qos.logback.core.read.ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        try {
            for (String name : List.of("legacy_codes", "fresh_codes")) {
                TargetTable t = TargetTable.keyed(name, List.of(new Column("code", ColumnType.of(CanonicalType.STRING), false),
                        new Column("label", ColumnType.of(CanonicalType.STRING), true)), List.of("code"));
                try (Sink sink = sinkFor(t, options())) {
                    sink.write(List.of(codeRow(name, "abc", "x")));
                }
            }
        } finally {
            logger.detachAppender(logged);
        }
        assertThat(logged.list).filteredOn(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN)
                .extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage).filteredOn(m -> m.contains("collation"))
                .singleElement()
                .satisfies(m -> assertThat(m).contains("legacy_codes").containsPattern("code \\(utf8mb4_\\w+_ci\\)").contains("utf8mb4_nopad_bin"));
    }

    /**
     * A table made by hand (mysqldump --no-data, say) is not rewritten to the mapped types: a column with a default, a
     * TINYINT, a TEXT stay as they are (MODIFY would drop the default), and a WARN names what looks narrower; a plain
     * column of a type Ferry makes (the INT key, its source a BIGINT) is widened.
     */
    @Test
    void aTableMadeByHandKeepsItsColumns() throws Exception {
        try (Connection c = db.connect("sink_maria"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE hand_made (id INT NOT NULL PRIMARY KEY, n INT NOT NULL DEFAULT 7, flag TINYINT, note TEXT,"
                    + " price DECIMAL(10,2) DEFAULT 0)");
        }
        TargetTable t = TargetTable.keyed("hand_made", List.of(new Column("id", ColumnType.of(CanonicalType.INT64), false),
                new Column("n", ColumnType.of(CanonicalType.INT64), false), new Column("flag", ColumnType.of(CanonicalType.INT16), true),
                new Column("note", ColumnType.of(CanonicalType.STRING), true), new Column("price", ColumnType.decimal(14, 4), true)),
                List.of("id"));
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(JdbcSink.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged = new ch.qos.logback.core.read.ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        try (Sink sink = sinkFor(t, options())) {
            Row key = Row.builder().put("id", F.numberNode(1)).build();
            sink.write(List.of(new TargetEvent.Upsert(t.name(), key, key.with("n", F.numberNode(5)).with("flag", F.numberNode(1))
                    .with("note", F.textNode("x")).with("price", F.textNode("1.25")), AT)));
            // the price column keeps two fraction digits: a value it would round is refused (MariaDB rounds it without an error)
            Row two = Row.builder().put("id", F.numberNode(2)).build();
            assertThatThrownBy(() -> sink.write(List.of(new TargetEvent.Upsert(t.name(), two, two.with("n", F.numberNode(5))
                    .with("price", F.textNode("1.2345")), AT)))).isInstanceOf(SinkWriteException.class)
                    .hasMessageContaining("price: the target's decimal(10,2) cannot hold 1.2345");
        } finally {
            logger.detachAppender(logged);
        }
        try (Connection c = db.connect("sink_maria"); Statement s = c.createStatement();
                java.sql.ResultSet rs = s.executeQuery("SELECT COLUMN_NAME, COLUMN_TYPE, COLUMN_DEFAULT FROM information_schema.COLUMNS"
                        + " WHERE TABLE_SCHEMA = 'sink_maria' AND TABLE_NAME = 'hand_made' ORDER BY ORDINAL_POSITION")) {
            List<String> columns = new java.util.ArrayList<>();
            while (rs.next()) {
                columns.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3));
            }
            // the plain key column is as Ferry makes them, and is widened; the others are left
            assertThat(columns).containsExactly("id bigint(20) null", "n int(11) 7", "flag tinyint(4) NULL", "note text NULL",
                    "price decimal(10,2) 0.00");
        }
        assertThat(logged.list).extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                .anySatisfy(m -> assertThat(m).contains("hand_made").contains("may not hold every value").contains("n int"));
    }

    /**
     * Two columns to widen, one of them in a foreign key: MariaDB refuses to change that one, and that must not hold the
     * other widening back (they were one ALTER TABLE).
     */
    @Test
    void aWideningTheTargetRefusesDoesNotHoldTheOthersBack() throws Exception {
        try (Connection c = db.connect("sink_maria"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE width_codes (code VARCHAR(20) CHARACTER SET utf8mb4 NOT NULL PRIMARY KEY)");
            s.execute("INSERT INTO width_codes VALUES ('x')");
            s.execute("CREATE TABLE indexed_widths (id BIGINT NOT NULL PRIMARY KEY, code VARCHAR(20) CHARACTER SET utf8mb4,"
                    + " amount DECIMAL(10,2), FOREIGN KEY (code) REFERENCES width_codes (code))");
        }
        TargetTable t = TargetTable.keyed("indexed_widths", List.of(new Column("id", ColumnType.of(CanonicalType.INT64), false),
                new Column("code", ColumnType.of(CanonicalType.STRING), true), new Column("amount", ColumnType.decimal(14, 4), true)),
                List.of("id"));
        try (Sink sink = sinkFor(t, options())) {
            Row key = Row.builder().put("id", F.numberNode(1)).build();
            sink.write(List.of(new TargetEvent.Upsert(t.name(), key, key.with("code", F.textNode("x")).with("amount", F.textNode("1.2345")),
                    AT)));
        }
        try (Connection c = db.connect("sink_maria"); Statement s = c.createStatement();
                java.sql.ResultSet rs = s.executeQuery("SELECT COLUMN_NAME, COLUMN_TYPE FROM information_schema.COLUMNS"
                        + " WHERE TABLE_SCHEMA = 'sink_maria' AND TABLE_NAME = 'indexed_widths' ORDER BY ORDINAL_POSITION")) {
            List<String> columns = new java.util.ArrayList<>();
            while (rs.next()) {
                columns.add(rs.getString(1) + " " + rs.getString(2));
            }
            assertThat(columns).containsExactly("id bigint(20)", "code varchar(20)", "amount decimal(14,4)");
        }
    }

    /**
     * A key changed in case only ('abc' to 'ABC': a delete and an upsert) on a table whose key folds case: the delete is
     * written first, so the row is there under its new key. Written upsert first, the upsert updated the 'abc' row and the
     * delete then removed it.
     */
    @Test
    void aKeyChangedInCaseOnlyOnAFoldingTableKeepsTheRow() throws Exception {
        try (Connection c = db.connect("sink_maria"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE folded_codes (code VARCHAR(20) NOT NULL PRIMARY KEY, label LONGTEXT) COLLATE utf8mb4_unicode_ci");
        }
        TargetTable t = TargetTable.keyed("folded_codes", List.of(new Column("code", ColumnType.of(CanonicalType.STRING), false),
                new Column("label", ColumnType.of(CanonicalType.STRING), true)), List.of("code"));
        try (Sink sink = sinkFor(t, options())) {
            sink.write(List.of(codeRow("folded_codes", "abc", "x")));
            sink.write(List.of(codeRow("folded_codes", "ABC", "y"),
                    new TargetEvent.Delete("folded_codes", Row.builder().put("code", F.textNode("abc")).build(), AT)));
        }
        try (Connection c = db.connect("sink_maria"); Statement s = c.createStatement();
                java.sql.ResultSet rs = s.executeQuery("SELECT code, label FROM folded_codes")) {
            assertThat(rs.next()).as("the row is there").isTrue();
            assertThat(rs.getString(1) + "|" + rs.getString(2)).isEqualTo("ABC|y");
            assertThat(rs.next()).isFalse();
        }
    }

    /** A key of three unbounded texts and an enum fits InnoDB's 3,072 key bytes (an equal share each did not). */
    @Test
    void aWideCompositeKeyFitsTheKeyLimit() throws Exception {
        TargetTable t = TargetTable.keyed("wide_key", List.of(new Column("a", ColumnType.of(CanonicalType.STRING), false),
                new Column("b", ColumnType.of(CanonicalType.STRING), false), new Column("c", ColumnType.of(CanonicalType.STRING), false),
                new Column("kind", ColumnType.enumOf(List.of("x", "y")), false)), List.of("a", "b", "c", "kind"));
        try (Sink sink = sinkFor(t, options())) {
            Row key = Row.builder().put("a", F.textNode("a".repeat(171))).put("b", F.textNode("B")).put("c", F.textNode("c"))
                    .put("kind", F.textNode("x")).build();
            sink.write(List.of(new TargetEvent.Upsert(t.name(), key, key, AT)));
        }
        try (Connection c = db.connect("sink_maria"); Statement s = c.createStatement();
                java.sql.ResultSet rs = s.executeQuery("SELECT length(a), b FROM wide_key")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(171);
            assertThat(rs.getString(2)).isEqualTo("B");
        }
    }

    private static List<String> codes(String table) throws Exception {
        List<String> out = new java.util.ArrayList<>();
        try (Connection c = db.connect("sink_maria"); Statement s = c.createStatement();
                java.sql.ResultSet rs = s.executeQuery("SELECT code, label FROM " + table)) {
            while (rs.next()) {
                out.add(rs.getString(1) + "=" + rs.getString(2));
            }
        }
        return out;
    }

    /** A table the target cannot create stops the sink, naming the table; before, every record of it was dead-lettered. */
    @Test
    void aTableTheTargetCannotCreateStopsTheSink() {
        // MariaDB's JSON is LONGTEXT, which cannot be a key without a prefix length
        TargetTable t = TargetTable.keyed("json_keyed", List.of(new Column("doc", ColumnType.of(CanonicalType.JSON), false),
                new Column("label", ColumnType.of(CanonicalType.STRING), true)), List.of("doc"));
        try (Sink sink = sinkFor(t, options())) {
            Row key = Row.builder().put("doc", F.textNode("{\"a\":1}")).build();
            assertThatThrownBy(() -> sink.write(List.of(new TargetEvent.Upsert(t.name(), key, key.with("label", F.textNode("x")), AT))))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot create or change target table")
                    .hasMessageContaining("json_keyed");
        }
    }

    /**
     * A write the target refuses for a reason that is not the record's (a privilege revoked here; a read-only server after a
     * failover, a full disk) is retried, not dead-lettered: every record of the batch would have gone to the dead-letter
     * topic. Once the privilege is back the same batch is written.
     */
    @Test
    void aPrivilegeTakenAwayIsRetriedNotDeadLettered() throws Exception {
        TargetTable t = TargetTable.keyed("guarded", List.of(new Column("code", ColumnType.of(CanonicalType.STRING), false),
                new Column("label", ColumnType.of(CanonicalType.STRING), true)), List.of("code"));
        try (Connection c = db.connect("sink_maria"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE guarded (code VARCHAR(20) COLLATE utf8mb4_nopad_bin NOT NULL PRIMARY KEY, label LONGTEXT)");
            s.execute("CREATE USER IF NOT EXISTS 'limited'@'%' IDENTIFIED BY 'limited'");
            s.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON sink_maria.guarded TO 'limited'@'%'");
        }
        String limited = "url: " + db.jdbcUrl("sink_maria") + "\nuser: limited\npassword: limited\n";
        try (Sink sink = sinkFor(t, limited)) {
            sink.write(List.of(codeRow(t.name(), "a", "first")));
            try (Connection c = db.connect("sink_maria"); Statement s = c.createStatement()) {
                s.execute("REVOKE INSERT, UPDATE ON sink_maria.guarded FROM 'limited'@'%'");
            }
            List<TargetEvent> batch = List.of(codeRow(t.name(), "b", "second"), codeRow(t.name(), "c", "third"));
            SinkWriteException e = catchThrowableOfType(SinkWriteException.class, () -> sink.write(batch));
            assertThat(e).as("a write without the INSERT privilege").isNotNull();
            assertThat(e.retryable()).as("retried, not dead-lettered: " + e.getMessage()).isTrue();
            assertThat(e.rejected()).isEmpty();
            try (Connection c = db.connect("sink_maria"); Statement s = c.createStatement()) {
                s.execute("GRANT INSERT, UPDATE ON sink_maria.guarded TO 'limited'@'%'");
            }
            sink.write(batch);
            assertThat(codes(t.name())).containsExactlyInAnyOrder("a=first", "b=second", "c=third");
        }
    }

    /** DECIMAL(5,2) holds at most 999.99; MariaDB's strict mode refuses instead of clipping. */
    @Override
    protected JsonNode poisonValue() {
        return F.textNode("123456.78");
    }
}
