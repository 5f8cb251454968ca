package io.ferry.sinks.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.core.schema.Column;
import io.ferry.core.spi.SinkFactory;
import io.ferry.core.types.ColumnType;
import io.ferry.devstack.PostgresService;
import io.ferry.devstack.Service;
import io.ferry.devstack.junit.WithServices;
import org.junit.jupiter.api.BeforeAll;

@WithServices(Service.POSTGRES)
class PostgresSinkIT extends JdbcSinkContractIT {

    private static PostgresService pg;

    @BeforeAll
    static void database(PostgresService postgres) {
        pg = postgres;
        pg.createDatabase("sink_pg");
    }

    @Override
    protected SinkFactory factory() {
        return new PostgresSinkFactory();
    }

    @Override
    protected String options() {
        return "url: " + pg.jdbcUrl("sink_pg") + "\nuser: " + pg.user() + "\npassword: " + pg.password() + "\n";
    }

    @Override
    protected Column poisonColumn() {
        return new Column("amount", ColumnType.decimal(5, 2), true);
    }

    /** numeric(5,2) holds at most 999.99. */
    @Override
    protected JsonNode poisonValue() {
        return F.textNode("123456.78");
    }
}
