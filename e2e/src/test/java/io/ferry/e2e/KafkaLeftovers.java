package io.ferry.e2e;

import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;

/**
 * Deletes a pipeline's topics and consumer groups (all named {@code ferry.<pipeline>.}) that an earlier run on the
 * same devstack broker left, so a run starts from nothing as on a fresh machine.
 */
final class KafkaLeftovers {

    private KafkaLeftovers() {
    }

    static void delete(String bootstrap, String pipeline) throws Exception {
        String prefix = "ferry." + pipeline + ".";
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        try (Admin admin = Admin.create(p)) {
            List<String> groups = admin.listConsumerGroups().all().get().stream().map(ConsumerGroupListing::groupId)
                    .filter(g -> g.startsWith(prefix)).toList();
            if (!groups.isEmpty()) {
                admin.deleteConsumerGroups(groups).all().get();
            }
            Set<String> topics = admin.listTopics().names().get().stream().filter(t -> t.startsWith(prefix)).collect(Collectors.toSet());
            if (!topics.isEmpty()) {
                admin.deleteTopics(topics).all().get();
            }
        }
    }
}
