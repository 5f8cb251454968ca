package io.ferry.transform.runtime;

import io.ferry.transform.topology.TopicListing;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link TopicListing} by an admin client of its own, one listing at a time, the latest kept for every task of the
 * process: a marker's first copy asks for a listing begun after it arrived, and its other copies (and the other tasks'
 * markers that arrived before that listing began) reuse it.
 */
final class AdminTopicListing implements TopicListing, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AdminTopicListing.class);
    private static final long LIST_TIMEOUT_S = 30;

    private final Admin admin;
    private long listedAtNanos = Long.MIN_VALUE;
    private Set<String> topics = Set.of();
    private boolean failing;

    AdminTopicListing(String bootstrapServers, Map<String, String> clientProperties) {
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "ferry-transform-topic-listing");
        this.admin = Admin.create(p);
    }

    @Override
    public synchronized Set<String> listedSince(long notBeforeNanos) {
        if (listedAtNanos != Long.MIN_VALUE && listedAtNanos - notBeforeNanos >= 0) {
            return topics;
        }
        long startedAt = System.nanoTime();
        try {
            topics = Set.copyOf(admin.listTopics().names().get(LIST_TIMEOUT_S, TimeUnit.SECONDS));
            listedAtNanos = startedAt;
            if (failing) {
                failing = false;
                log.info("transform: the topics are listed again");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            if (!failing) {
                failing = true;
                log.warn("transform: cannot list the topics ({}); a group that reads by pattern lets a marker through once the"
                        + " topics it has been given delivered it, and may pass it ahead of a new topic's rows", e.toString());
            }
        }
        return topics;
    }

    @Override
    public void close() {
        admin.close(java.time.Duration.ofSeconds(10));
    }
}
