package io.ferry.devstack.docker;

import io.ferry.devstack.CassandraService;
import io.ferry.devstack.DevService;
import io.ferry.devstack.KafkaService;
import io.ferry.devstack.MongoService;
import io.ferry.devstack.MysqlService;
import io.ferry.devstack.PostgresService;
import io.ferry.devstack.ServerFactory;
import io.ferry.devstack.Service;
import org.testcontainers.cassandra.CassandraContainer;
import org.testcontainers.containers.JdbcDatabaseContainer;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.mariadb.MariaDBContainer;
import org.testcontainers.mongodb.MongoDBContainer;
import org.testcontainers.mysql.MySQLContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

/** The docker provider: official images, configured like their local counterparts. */
public final class DockerServers implements ServerFactory {

    static final String POSTGRES_IMAGE = "postgres:17";
    static final String MYSQL_IMAGE = "mysql:8.4";
    static final String MARIADB_IMAGE = "mariadb:11.4";
    static final String KAFKA_IMAGE = "apache/kafka:4.1.2";
    static final String CASSANDRA_IMAGE = "cassandra:5.0";
    static final String MONGODB_IMAGE = "mongo:7.0";

    private static final String[] BINLOG_FLAGS = {"--server-id=1", "--log-bin=binlog", "--binlog-format=ROW",
        "--binlog-row-image=FULL", "--default-time-zone=+00:00", "--character-set-server=utf8mb4"};

    @Override
    public DevService start(Service kind) {
        return switch (kind) {
            case POSTGRES -> postgres();
            case MARIADB -> mysqlFamily(new MariaDBContainer(MARIADB_IMAGE).withCommand(BINLOG_FLAGS),
                    Service.MARIADB, MysqlService.Flavor.MARIADB);
            case MYSQL -> mysqlFamily(new MySQLContainer(MYSQL_IMAGE).withCommand(concat(BINLOG_FLAGS,
                    "--gtid-mode=ON", "--enforce-gtid-consistency=ON")), Service.MYSQL, MysqlService.Flavor.MYSQL);
            case KAFKA -> kafka();
            case CASSANDRA -> cassandra();
            case MONGODB -> mongodb();
        };
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static PostgresService postgres() {
        PostgreSQLContainer c = new PostgreSQLContainer(POSTGRES_IMAGE)
                .withCommand("postgres", "-c", "wal_level=logical", "-c", "max_replication_slots=64",
                        "-c", "max_wal_senders=64", "-c", "max_connections=200", "-c", "fsync=off");
        c.start();
        final class DockerPostgres extends ContainerService implements PostgresService {
            DockerPostgres() {
                super(Service.POSTGRES, c, 5432);
            }

            @Override
            public String user() {
                return c.getUsername();
            }

            @Override
            public String password() {
                return c.getPassword();
            }
        }
        return new DockerPostgres();
    }

    private static MysqlService mysqlFamily(JdbcDatabaseContainer<?> c, Service kind, MysqlService.Flavor flavor) {
        c.withUsername("root").withPassword("ferry");
        c.start();
        final class DockerMysql extends ContainerService implements MysqlService {
            DockerMysql() {
                super(kind, c, 3306);
            }

            @Override
            public Flavor flavor() {
                return flavor;
            }

            @Override
            public String user() {
                return c.getUsername();
            }

            @Override
            public String password() {
                return c.getPassword();
            }
        }
        return new DockerMysql();
    }

    private static KafkaService kafka() {
        KafkaContainer c = new KafkaContainer(KAFKA_IMAGE);
        c.start();
        final class DockerKafka extends ContainerService implements KafkaService {
            DockerKafka() {
                super(Service.KAFKA, c, 9092);
            }

            @Override
            public String bootstrapServers() {
                return c.getBootstrapServers();
            }
        }
        return new DockerKafka();
    }

    private static CassandraService cassandra() {
        CassandraContainer c = new CassandraContainer(CASSANDRA_IMAGE);
        c.start();
        final class DockerCassandra extends ContainerService implements CassandraService {
            DockerCassandra() {
                super(Service.CASSANDRA, c, 9042);
            }

            @Override
            public String localDatacenter() {
                return c.getLocalDatacenter();
            }
        }
        return new DockerCassandra();
    }

    private static MongoService mongodb() {
        MongoDBContainer c = new MongoDBContainer(MONGODB_IMAGE);
        c.start();
        final class DockerMongo extends ContainerService implements MongoService {
            DockerMongo() {
                super(Service.MONGODB, c, 27017);
            }

            @Override
            public String connectionString() {
                return c.getReplicaSetUrl();
            }

            @Override
            public boolean isRealMongo() {
                return true;
            }
        }
        return new DockerMongo();
    }
}
