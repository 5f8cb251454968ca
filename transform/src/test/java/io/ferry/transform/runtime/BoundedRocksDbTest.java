package io.ferry.transform.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Options;

class BoundedRocksDbTest {

    @Test
    void everyStoreGetsTheSharedBudget() {
        // created first, as Streams does when it checks its configuration: the class loads RocksDB itself
        BoundedRocksDb setter = new BoundedRocksDb();
        try (Options a = new Options(); Options b = new Options()) {
            a.setTableFormatConfig(new BlockBasedTableConfig());
            b.setTableFormatConfig(new BlockBasedTableConfig());
            setter.setConfig("one", a, Map.of());
            setter.setConfig("two", b, Map.of());
            assertThat(a.writeBufferSize()).isEqualTo(b.writeBufferSize()).isLessThanOrEqualTo(BoundedRocksDb.BUDGET / 8);
            assertThat(a.maxWriteBufferNumber()).isEqualTo(2);
            assertThat(((BlockBasedTableConfig) a.tableFormatConfig()).cacheIndexAndFilterBlocks()).isTrue();
            setter.close("one", a);
        }
    }
}
