/**
 * Relational sinks: one {@link io.ferry.sinks.jdbc.JdbcSink} with a dialect per engine — PostgreSQL
 * ({@code INSERT … ON CONFLICT DO UPDATE}), MariaDB ({@code ON DUPLICATE KEY UPDATE … VALUES()}) and
 * MySQL 8 (the same with a row alias).
 */
package io.ferry.sinks.jdbc;
