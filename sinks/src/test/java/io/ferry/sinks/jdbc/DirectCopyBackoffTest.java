package io.ferry.sinks.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DirectCopyBackoffTest {

    @Test
    void newRowsAlwaysTryTheDirectCopy() {
        DirectCopyBackoff b = new DirectCopyBackoff();
        for (int i = 0; i < 10; i++) {
            assertThat(b.tryDirect()).isTrue();
            b.copied();
        }
    }

    @Test
    void eachMissInARowDoublesTheBatchesSentToStagingUpTo64AndASuccessEndsIt() {
        DirectCopyBackoff b = new DirectCopyBackoff();
        List<Integer> staged = new ArrayList<>();
        assertThat(b.tryDirect()).isTrue();
        for (int miss = 0; miss < 8; miss++) {
            b.hitExistingKey(); // the direct try missed
            int n = 0;
            while (!b.tryDirect()) { // batches through staging until the next direct try
                n++;
            }
            staged.add(n);
        }
        assertThat(staged).containsExactly(2, 4, 8, 16, 32, 64, 64, 64);

        b.copied(); // that last direct try went in
        assertThat(b.tryDirect()).isTrue();
        b.hitExistingKey();
        assertThat(b.tryDirect()).isFalse();
        assertThat(b.tryDirect()).isFalse();
        assertThat(b.tryDirect()).isTrue();
    }
}
