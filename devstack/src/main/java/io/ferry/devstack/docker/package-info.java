/**
 * The docker provider: the same servers from official images via Testcontainers, including real
 * MySQL 8 and MongoDB 7. Used only where a Docker engine answers; not exercised on machines without one.
 */
package io.ferry.devstack.docker;
