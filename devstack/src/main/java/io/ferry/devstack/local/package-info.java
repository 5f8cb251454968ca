/**
 * The local provider: servers as child processes (PostgreSQL, MariaDB, Cassandra) or in-process
 * (Kafka, the MongoDB-protocol server), from binaries and jars that Maven resolved. Child processes
 * run under a watchdog that ends them when the JVM goes away, even by SIGKILL.
 */
package io.ferry.devstack.local;
