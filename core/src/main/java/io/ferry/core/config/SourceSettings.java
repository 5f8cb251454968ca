package io.ferry.core.config;

import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

/** The {@code source} section, with the defaults that depend on other values filled in. */
public record SourceSettings(String type, String host, int port, String database, String user, Optional<Secret> password,
        List<String> tables, ZoneId timeZone, boolean readOnly, String snapshot, String slot, String publication,
        int serverId, Duration heartbeatInterval, String heartbeatSchema) {

    static SourceSettings from(ConfigValues v, String pipelineName) {
        String type = v.find(PipelineOptions.SOURCE_TYPE).orElse("postgres");
        String derived = derivedName(pipelineName);
        ConfigValues heartbeat = v.section(PipelineOptions.HEARTBEAT);
        return new SourceSettings(type, v.find(PipelineOptions.HOST).orElse(""),
                v.find(PipelineOptions.PORT).orElse(type.equals("postgres") ? 5432 : 3306),
                v.find(PipelineOptions.DATABASE).orElse(""), v.find(PipelineOptions.USER).orElse(""),
                v.find(PipelineOptions.PASSWORD), v.find(PipelineOptions.TABLES).orElse(List.of()),
                v.get(PipelineOptions.TIME_ZONE), v.get(PipelineOptions.READ_ONLY), v.get(PipelineOptions.SNAPSHOT),
                v.find(PipelineOptions.SLOT).orElse(derived), v.find(PipelineOptions.PUBLICATION).orElse(derived),
                v.find(PipelineOptions.SERVER_ID).orElse(5400 + Math.floorMod(pipelineName.hashCode(), 1_000_000)),
                heartbeat.get(PipelineOptions.HEARTBEAT_INTERVAL), heartbeat.get(PipelineOptions.HEARTBEAT_SCHEMA));
    }

    /**
     * The JDBC URL of the source database, for every module that connects to it (capture, the lag clock,
     * validation): the PostgreSQL driver, or MariaDB's for MySQL and MariaDB (MySQL 8's default
     * authentication needs the server's public key).
     */
    public String jdbcUrl() {
        return type.equals("postgres")
                ? "jdbc:postgresql://" + host + ":" + port + "/" + database
                : "jdbc:mariadb://" + host + ":" + port + "/" + database + (type.equals("mysql") ? "?allowPublicKeyRetrieval=true" : "");
    }

    /**
     * What a connection to the source needs beyond {@link #jdbcUrl()}: the user and password, and bounds on a connect and
     * on each wait for the server's answer ({@link JdbcTimeouts}).
     *
     * @param connect how long opening a connection may take, the handshake and login included
     * @param read how long one wait for the server's answer may take; a query running longer fails and its connection is
     *        closed, so only for connections whose queries are short
     */
    public java.util.Properties connectionProperties(Duration connect, Duration read) {
        java.util.Properties p = new java.util.Properties();
        p.setProperty("user", user);
        password.ifPresent(pw -> p.setProperty("password", pw.reveal()));
        return JdbcTimeouts.bound(p, jdbcUrl(), connect, read);
    }

    /**
     * The default slot and publication name: {@code ferry_<pipeline>}, valid in PostgreSQL (lower-case,
     * digits and '_', at most 63 bytes). A name that had to change ('-' to '_', or cut) gets a short hash
     * of the pipeline name, so pipelines {@code a-b} and {@code a_b} never share a slot.
     */
    static String derivedName(String pipeline) {
        String plain = "ferry_" + pipeline;
        String safe = plain.replace('-', '_');
        if (safe.equals(plain) && safe.length() <= 63) {
            return safe;
        }
        String hash = Integer.toHexString(pipeline.hashCode() & 0xffffff);
        return (safe.length() > 55 ? safe.substring(0, 55) : safe) + "_" + hash;
    }
}
