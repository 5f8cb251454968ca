package io.ferry.core.topic;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates missing topics with their specs, and refuses to run on an existing topic whose cleanup
 * policy is wrong (a compacted topic that deletes would lose offsets; a deleting topic that compacts
 * would lose changes).
 */
public final class TopicAdmin {

    private static final Logger log = LoggerFactory.getLogger(TopicAdmin.class);
    private static final long TIMEOUT_SECONDS = 60;

    private TopicAdmin() {
    }

    /**
     * @throws IllegalStateException when an existing topic has the wrong cleanup policy
     * @throws TopicAdminException when Kafka cannot be reached or refuses
     */
    public static void ensure(Admin admin, Collection<TopicSpec> specs) {
        try {
            Set<String> existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            List<TopicSpec> missing = specs.stream().filter(s -> !existing.contains(s.name())).toList();
            create(admin, missing);
            verifyPolicies(admin, specs.stream().filter(s -> existing.contains(s.name())).toList());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TopicAdminException("interrupted while checking topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new TopicAdminException("could not check or create topics: " + rootMessage(e), e);
        }
    }

    private static void create(Admin admin, List<TopicSpec> missing) throws InterruptedException, TimeoutException,
            ExecutionException {
        if (missing.isEmpty()) {
            return;
        }
        List<NewTopic> topics = missing.stream()
                .map(s -> new NewTopic(s.name(), java.util.Optional.of(s.partitions()), s.replicationFactor()).configs(s.configs()))
                .toList();
        var results = admin.createTopics(topics).values();
        for (var entry : results.entrySet()) {
            try {
                entry.getValue().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                log.info("created topic {}", entry.getKey());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
                // another Ferry process created it a moment ago: fine, its policy is checked below
                verifyPolicies(admin, missing.stream().filter(s -> s.name().equals(entry.getKey())).toList());
            }
        }
    }

    private static void verifyPolicies(Admin admin, List<TopicSpec> specs) throws InterruptedException,
            ExecutionException, TimeoutException {
        if (specs.isEmpty()) {
            return;
        }
        List<ConfigResource> resources = specs.stream()
                .map(s -> new ConfigResource(ConfigResource.Type.TOPIC, s.name())).toList();
        Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        List<String> wrong = new ArrayList<>();
        for (TopicSpec spec : specs) {
            Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, spec.name()));
            String policy = config == null || config.get("cleanup.policy") == null ? "" : config.get("cleanup.policy").value();
            Set<String> actual = Set.of(policy.split(",")).stream().map(String::trim).collect(Collectors.toSet());
            if (!actual.equals(Set.of(spec.cleanupPolicy().kafkaValue()))) {
                wrong.add(spec.name() + " has cleanup.policy=" + policy + " but Ferry needs " + spec.cleanupPolicy().kafkaValue());
            }
        }
        if (!wrong.isEmpty()) {
            throw new IllegalStateException("existing topics have the wrong cleanup policy: " + String.join("; ", wrong)
                    + ". Fix with kafka-configs --alter --entity-type topics --entity-name <topic> "
                    + "--add-config cleanup.policy=<policy>, or delete the topic if it holds nothing Ferry needs.");
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    /** Kafka could not be reached, timed out, or refused a request. */
    public static final class TopicAdminException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TopicAdminException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
