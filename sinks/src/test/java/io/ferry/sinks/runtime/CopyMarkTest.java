package io.ferry.sinks.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class CopyMarkTest {

    private static final TopicPartition P0 = new TopicPartition("ferry.shop.change.public.items", 0);
    private static final TopicPartition P1 = new TopicPartition("ferry.shop.change.public.items", 1);

    private static Map<TopicPartition, OffsetAndMetadata> committed(OffsetAndMetadata p0, OffsetAndMetadata p1) {
        Map<TopicPartition, OffsetAndMetadata> m = new HashMap<>();
        m.put(P0, p0); // the consumer answers null for a partition without offsets
        m.put(P1, p1);
        return m;
    }

    @Test
    void noOffsetsMeanTheCopyHasNotBegun() {
        assertThat(CopyMark.of(committed(null, null))).isEqualTo(CopyMark.NONE);
    }

    @Test
    void theMarkOnAnyPartitionMeansACopyDidNotFinish() {
        assertThat(CopyMark.of(committed(new OffsetAndMetadata(40, SinkRunner.COPY_IN_PROGRESS), null))).isEqualTo(CopyMark.IN_PROGRESS);
        assertThat(CopyMark.of(committed(new OffsetAndMetadata(41), new OffsetAndMetadata(3, SinkRunner.COPY_IN_PROGRESS))))
                .isEqualTo(CopyMark.IN_PROGRESS);
    }

    @Test
    void offsetsWithoutTheMarkMeanDoneEvenWhereAPartitionNeverHadARecord() {
        assertThat(CopyMark.of(committed(new OffsetAndMetadata(41), null))).isEqualTo(CopyMark.DONE);
        assertThat(CopyMark.of(committed(new OffsetAndMetadata(41, ""), new OffsetAndMetadata(0)))).isEqualTo(CopyMark.DONE);
    }
}
