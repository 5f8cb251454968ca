package io.ferry.devstack;

/**
 * A server that speaks MongoDB's wire protocol. With the docker provider it is a real MongoDB
 * (a single-node replica set); locally it is {@code mongo-java-server}, which has no multi-document
 * transactions and no change streams, and only partial {@code arrayFilters}: tests that need those
 * ask {@link #isRealMongo()} and say what they could not check.
 */
public interface MongoService extends DevService {

    /** A {@code mongodb://} connection string. */
    String connectionString();

    /** True for a real {@code mongod}; false for the local wire-compatible stand-in. */
    boolean isRealMongo();
}
