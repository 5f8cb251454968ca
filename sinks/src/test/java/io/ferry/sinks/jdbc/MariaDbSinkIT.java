package io.ferry.sinks.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.core.schema.Column;
import io.ferry.core.spi.SinkFactory;
import io.ferry.core.types.ColumnType;
import io.ferry.devstack.MysqlService;
import io.ferry.devstack.Service;
import io.ferry.devstack.junit.WithServices;
import io.ferry.sinks.SinkContractIT;
import org.junit.jupiter.api.BeforeAll;

@WithServices(Service.MARIADB)
class MariaDbSinkIT extends SinkContractIT {

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

    /** DECIMAL(5,2) holds at most 999.99; MariaDB's strict mode refuses instead of clipping. */
    @Override
    protected JsonNode poisonValue() {
        return F.textNode("123456.78");
    }
}
