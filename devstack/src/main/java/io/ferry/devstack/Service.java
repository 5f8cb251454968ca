package io.ferry.devstack;

/** The kinds of server devstack can start. */
public enum Service {
    POSTGRES("PostgreSQL", PostgresService.class),
    /** MariaDB with binlog in ROW format and GTIDs. */
    MARIADB("MariaDB", MysqlService.class),
    /** Real MySQL 8 with the docker provider; locally MariaDB stands in (see {@link MysqlService#flavor()}). */
    MYSQL("MySQL", MysqlService.class),
    KAFKA("Kafka", KafkaService.class),
    CASSANDRA("Cassandra", CassandraService.class),
    /** Real MongoDB with the docker provider; locally a wire-compatible Java server (see {@link MongoService}). */
    MONGODB("MongoDB", MongoService.class);

    private final String displayName;
    private final Class<? extends DevService> type;

    Service(String displayName, Class<? extends DevService> type) {
        this.displayName = displayName;
        this.type = type;
    }

    public String displayName() {
        return displayName;
    }

    /** The interface a started server of this kind implements. */
    public Class<? extends DevService> type() {
        return type;
    }
}
