package io.ferry.transform.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.devstack.KafkaService;
import io.ferry.devstack.Service;
import io.ferry.devstack.junit.WithServices;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

/**
 * The listing pattern groups' markers wait on, against a real broker: only matching topics with their partition counts,
 * one listing reused for markers that came before it began, a new one for a marker that came after.
 */
@WithServices(Service.KAFKA)
class AdminTopicListingIT {

    @Test
    void listsMatchingTopicsAgainOnlyForAMarkerThatCameAfterTheLastListing(KafkaService kafka) throws Exception {
        String prefix = "ferry.listing.change.";
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()));
                AdminTopicListing listing = new AdminTopicListing(kafka.bootstrapServers(), Map.of(),
                        List.of(Pattern.compile(Pattern.quote(prefix) + "public\\.orders_\\d+")))) {
            admin.createTopics(List.of(new NewTopic(prefix + "public.orders_1", 3, (short) 1),
                    new NewTopic(prefix + "public.customers", 3, (short) 1))).all().get();

            long firstMarker = System.nanoTime();
            Map<String, Integer> first = listing.listedSince(firstMarker);
            assertThat(first).containsExactly(Map.entry(prefix + "public.orders_1", 3));

            admin.createTopics(List.of(new NewTopic(prefix + "public.orders_2", 2, (short) 1))).all().get();
            assertThat(listing.listedSince(firstMarker)).as("a marker that came before the listing began: the same listing")
                    .isSameAs(first);
            assertThat(listing.listedSince(System.nanoTime())).as("a marker that came after the new shard's topic was made")
                    .containsOnly(Map.entry(prefix + "public.orders_1", 3), Map.entry(prefix + "public.orders_2", 2));
        }
    }
}
