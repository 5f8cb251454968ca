package io.ferry.transform.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.config.PipelineLoader;
import io.ferry.transform.topology.TransformSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class TransformRunnerTest {

    private static final String METADATA_AGE = StreamsConfig.mainConsumerPrefix("metadata.max.age.ms");

    private static Properties properties(String from, Map<String, String> client) {
        String yaml = "pipeline:\n  name: runner\nsource:\n  type: postgres\n  host: h\n  database: d\n  user: u\n  tables: ['shop\\.orders_\\d+', shop.items]\n"
                + "sinks:\n  - name: pg\n    type: test\nmappings:\n  - to: orders\n    from: '" + from + "'\n";
        TransformSpec spec = TransformSpec.of(PipelineLoader.standard().parse(yaml, "test.yaml"), List.of());
        return TransformRunner.properties(spec, "localhost:9092", Path.of("state"), client);
    }

    @Test
    void aPatternSubscriptionLooksForNewChangeTopicsEveryTwoSeconds() {
        // else a shard's change topic, or every change topic of a new pipeline made after the stream threads subscribed,
        // waits for the consumer's 5-minute metadata refresh
        assertThat(properties("shop\\.orders_\\d+", Map.of()).getProperty(METADATA_AGE)).isEqualTo("2000");
        assertThat(properties("shop\\.orders_\\d+", Map.of(METADATA_AGE, "30000")).getProperty(METADATA_AGE))
                .as("the user's own setting wins").isEqualTo("30000");
        assertThat(properties("shop\\.orders_\\d+", Map.of("metadata.max.age.ms", "30000")).getProperty(METADATA_AGE))
                .as("also for every client of the process").isNull();
        assertThat(properties("shop.items", Map.of()).getProperty(METADATA_AGE)).as("topics read by name are waited for at start")
                .isNull();
    }

    @Test
    void theStoresChangelogsTakeRecordsAsLargeAsFerrysTopicsDo() {
        // the broker's default of 1 MB refused a store's larger row, and Streams replaced the failing thread over and over
        assertThat(properties("shop.items", Map.of()).getProperty("topic.max.message.bytes"))
                .isEqualTo(String.valueOf(io.ferry.core.topic.TopicSpec.MAX_MESSAGE_BYTES));
    }
}
