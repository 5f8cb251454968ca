package io.ferry.core.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.core.event.TableId;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TopicNamesTest {

    private final TopicNames names = new TopicNames("shop-to-cassandra");

    @Test
    void namesLiveUnderThePipeline() {
        assertThat(names.change(TableId.parse("public.users"))).isEqualTo("ferry.shop-to-cassandra.change.public.users");
        assertThat(names.changePrefix()).isEqualTo("ferry.shop-to-cassandra.change.");
        assertThat(names.target("cassandra-main", "events_by_type"))
                .isEqualTo("ferry.shop-to-cassandra.target.cassandra-main.events_by_type");
        assertThat(names.appliedPositions()).isEqualTo("ferry.shop-to-cassandra.applied-positions");
        assertThat(names.captureTransactionalId()).isEqualTo("ferry.shop-to-cassandra.capture");
    }

    @Test
    void illegalCharactersAreReplacedAndDisambiguated() {
        String spaced = names.change(TableId.parse("public.order items"));
        String underscored = names.change(TableId.parse("public.order_items"));
        assertThat(spaced).matches("[a-zA-Z0-9._-]+").startsWith("ferry.shop-to-cassandra.change.public.order_items-");
        assertThat(spaced).isNotEqualTo(underscored);
        assertThat(names.change(TableId.parse("public.ünïcode"))).matches("[a-zA-Z0-9._-]+");
    }

    @Test
    void dotsInsideAPartCannotMakeTwoTablesShareATopic() {
        assertThat(names.target("a", "b.c")).isNotEqualTo(names.target("a.b", "c"));
        assertThat(names.change(TableId.parse("public.my.table"))).startsWith("ferry.shop-to-cassandra.change.public.my_table-");
        assertThatThrownBy(() -> new TableId("my.schema", "t")).hasMessageContaining("ambiguous");
    }

    @Test
    void veryLongNamesAreCutToKafkasLimitAndStayDistinct() {
        String a = names.change(TableId.parse("public." + "t".repeat(300) + "a"));
        String b = names.change(TableId.parse("public." + "t".repeat(300) + "b"));
        assertThat(a).as("a cut name keeps the prefix change topics are found by").startsWith(names.changePrefix());
        assertThat(a).hasSizeLessThanOrEqualTo(249);
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void tablesWhoseChangeTopicsKafkaTakesForOneAreFound() {
        // Kafka refuses a topic whose name equals an existing one's once '.' and '_' are taken alike
        assertThat(names.collidingChangeTopics(java.util.List.of(TableId.parse("shop.order_items"), TableId.parse("shop_order.items"),
                TableId.parse("shop.orders"), TableId.parse("shop.order_item")))).containsExactly(
                        java.util.List.of(TableId.parse("shop.order_items"), TableId.parse("shop_order.items")));
        assertThat(names.collidingChangeTopics(java.util.List.of(TableId.parse("shop.orders"), TableId.parse("shop.items")))).isEmpty();
    }

    @Test
    void badPipelineNameIsRejected() {
        assertThatThrownBy(() -> new TopicNames("shop to db")).hasMessageContaining("pipeline name 'shop to db'");
    }

    @Test
    void layoutGivesEachTopicItsPolicy() {
        TopicLayout layout = new TopicLayout(names, 6, Optional.empty(), Optional.empty());
        assertThat(layout.change(TableId.parse("public.users")).configs())
                .containsEntry("cleanup.policy", "delete").containsEntry("retention.ms", "-1").containsEntry("retention.bytes", "-1")
                .doesNotContainKey("min.insync.replicas");
        // a finite retention is by time only: a size limit would delete a large snapshot's oldest records unread
        assertThat(new TopicLayout(names, 6, Optional.of(Duration.ofDays(30)), Optional.of((short) 3)).change(TableId.parse("public.users"))
                .configs()).containsEntry("retention.ms", Long.toString(Duration.ofDays(30).toMillis())).containsEntry("retention.bytes", "-1")
                .containsEntry("min.insync.replicas", "2");
        assertThat(layout.change(TableId.parse("public.users")).partitions()).isEqualTo(6);
        assertThat(layout.pipelineTopics()).allSatisfy(t -> assertThat(t.partitions()).isEqualTo(1));
        assertThat(layout.pipelineTopics()).filteredOn(t -> t.name().endsWith(".applied-positions")).singleElement()
                .satisfies(t -> assertThat(t.configs()).containsEntry("cleanup.policy", "compact"));
        assertThat(layout.pipelineTopics()).filteredOn(t -> t.name().endsWith(".lag")).singleElement()
                .satisfies(t -> assertThat(t.configs()).containsEntry("retention.ms", Long.toString(Duration.ofDays(7).toMillis())));
    }
}
