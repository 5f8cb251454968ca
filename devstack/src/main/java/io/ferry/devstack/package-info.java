/**
 * devstack: real PostgreSQL, MariaDB/MySQL, Kafka, Cassandra and MongoDB-protocol servers for tests, the
 * demo and benchmarks. {@link io.ferry.devstack.Devstack} starts what is asked for, on free loopback
 * ports, from Maven artifacts (the {@code local} provider) or from Docker images (the {@code docker}
 * provider), and hands out connection details through the service interfaces in this package.
 */
package io.ferry.devstack;
