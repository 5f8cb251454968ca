package io.ferry.devstack;

/** A single-node Cassandra; {@link #port()} is the CQL native transport port. */
public interface CassandraService extends DevService {

    /** The data center name a driver's load-balancing policy must be given. */
    String localDatacenter();
}
