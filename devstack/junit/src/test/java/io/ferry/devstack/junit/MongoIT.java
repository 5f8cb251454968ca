package io.ferry.devstack.junit;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.result.InsertOneResult;
import io.ferry.devstack.MongoService;
import io.ferry.devstack.Service;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.Test;

@WithServices(Service.MONGODB)
class MongoIT {

    @Test
    void bulkUpsertThenFind(MongoService mongo) {
        try (MongoClient client = MongoClients.create(mongo.connectionString())) {
            MongoCollection<Document> customers = client.getDatabase("devstack_it")
                    .getCollection("customers_" + System.nanoTime());
            var upserts = List.of(
                    new ReplaceOneModel<>(Filters.eq("_id", 1), new Document("_id", 1).append("name", "Ada"),
                            new ReplaceOptions().upsert(true)),
                    new ReplaceOneModel<>(Filters.eq("_id", 2), new Document("_id", 2).append("name", "Grace"),
                            new ReplaceOptions().upsert(true)),
                    new UpdateOneModel<Document>(Filters.eq("_id", 1), Updates.set("tier", "gold"),
                            new UpdateOptions().upsert(true)));
            var result = customers.bulkWrite(upserts);
            assertThat(result.getUpserts()).hasSize(2);

            // Replaying the same batch changes nothing: upserts by key are idempotent.
            customers.bulkWrite(upserts);
            assertThat(customers.countDocuments()).isEqualTo(2);

            Document ada = customers.find(Filters.eq("_id", 1)).first();
            assertThat(ada).isNotNull();
            assertThat(ada.getString("name")).isEqualTo("Ada");
            assertThat(ada.getString("tier")).isEqualTo("gold");
            List<String> names = customers.find().sort(new Document("_id", 1)).map(d -> d.getString("name"))
                    .into(new ArrayList<>());
            assertThat(names).containsExactly("Ada", "Grace");
        }
    }

    @Test
    void restartKeepsDocuments(MongoService mongo) {
        try (MongoClient client = MongoClients.create(mongo.connectionString())) {
            InsertOneResult r = client.getDatabase("devstack_it").getCollection("kept").insertOne(new Document("k", "v"));
            assertThat(r.wasAcknowledged()).isTrue();
        }
        mongo.restart();
        try (MongoClient client = MongoClients.create(mongo.connectionString())) {
            assertThat(client.getDatabase("devstack_it").getCollection("kept").countDocuments(Filters.eq("k", "v")))
                    .isEqualTo(1);
        }
    }
}
