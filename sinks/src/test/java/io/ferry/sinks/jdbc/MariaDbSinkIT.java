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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    /** DECIMAL(5,2) holds at most 999.99; MariaDB's strict mode refuses instead of clipping. */
    @Override
    protected JsonNode poisonValue() {
        return F.textNode("123456.78");
    }
}
