package io.ferry.transform.topology;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Forwards change records into a group's funnel, tagged with the change topic, partition and offset they
 * were read from: the group processor behind the funnel aligns markers per origin and names it in dead letters.
 */
final class FunnelRouter implements Processor<byte[], byte[], byte[], byte[]> {

    private ProcessorContext<byte[], byte[]> context;

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata meta = context.recordMetadata().orElseThrow();
        RecordHeaders headers = new RecordHeaders();
        String origin = meta.topic() + "\u0000" + meta.partition() + "\u0000" + meta.offset();
        headers.add(Outputs.ORIGIN_HEADER, origin.getBytes(StandardCharsets.UTF_8));
        context.forward(new Record<>(record.key(), record.value(), record.timestamp(), headers));
    }
}
