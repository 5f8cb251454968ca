package io.ferry.sinks.runtime;

import io.ferry.core.schema.Column;
import io.ferry.core.spi.TargetTable;
import io.ferry.core.types.CanonicalType;
import io.ferry.core.types.ColumnType;
import io.ferry.sinks.SinkOptionsFixture;
import io.ferry.sinks.jdbc.PostgresSinkFactory;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** A PostgreSQL sink in its own JVM, for tests that kill it: args are pipeline, JDBC URL, Kafka bootstrap servers. */
public final class SinkProcess {

    private SinkProcess() {
    }

    static final TargetTable ACCOUNTS = TargetTable.keyed("accounts", List.of(new Column("id", ColumnType.of(CanonicalType.INT64), false),
            new Column("balance", ColumnType.decimal(12, 2), true), new Column("note", ColumnType.of(CanonicalType.STRING), true)),
            List.of("id"));

    public static void main(String[] args) throws Exception {
        var factory = new PostgresSinkFactory();
        var options = SinkOptionsFixture.bind(factory, "url: " + args[1] + "\nuser: postgres\nbatch_rows: 500\n");
        var sink = factory.create(new RuntimeSinkContext(args[0], "pg", options, () -> Map.of("accounts", ACCOUNTS)));
        Properties client = new Properties();
        client.put("bootstrap.servers", args[2]);
        SinkRunner runner = new SinkRunner(args[0], "pg", sink, options, client, new SinkMetrics(null, args[0], "pg"));
        runner.start();
        System.out.println("sinking");
        System.out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(runner::close));
        Thread.sleep(Long.MAX_VALUE);
    }
}
