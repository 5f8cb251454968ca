package io.ferry.app.bench;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import io.ferry.devstack.MongoService;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.bson.Document;

/** A database of devstack's MongoDB-protocol server as the target: collection {@code bench}, {@code _id} the row's id. */
final class MongoBenchTarget implements BenchTarget {

    private final MongoService mongo;
    private final String database;
    private MongoClient client;

    MongoBenchTarget(MongoService mongo, String database) {
        this.mongo = mongo;
        this.database = database;
    }

    private synchronized MongoClient client() {
        if (client == null) {
            client = MongoClients.create(mongo.connectionString());
        }
        return client;
    }

    @Override
    public void create(boolean table) {
        if (table) {
            throw new UnsupportedOperationException("only Ferry writes into MongoDB here; it makes its own collection");
        }
        drop();
    }

    @Override
    public String sinkYaml() {
        return """
                  - name: mongodb
                    type: mongodb
                    uri: %s
                    database: %s
                """.formatted(mongo.connectionString(), database);
    }

    @Override
    public Reader reader() {
        MongoCollection<Document> bench = client().getDatabase(database).getCollection(BenchTable.NAME);
        return new Reader() {
            @Override
            public Map<Long, String> names(Collection<Long> ids) {
                Map<Long, String> out = new HashMap<>();
                for (Document d : bench.find(Filters.in("_id", ids)).projection(Projections.include("name"))) {
                    out.put(((Number) d.get("_id")).longValue(), d.getString("name"));
                }
                return out;
            }

            @Override
            public void close() {
                // the client is the target's
            }
        };
    }

    @Override
    public void drop() {
        client().getDatabase(database).drop();
    }

    @Override
    public synchronized void close() {
        if (client != null) {
            client.close();
            client = null;
        }
    }
}
