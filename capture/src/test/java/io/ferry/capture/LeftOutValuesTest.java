package io.ferry.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** Which failures of a read-back fail the batch (published again) and which leave the values out with a WARN. */
class LeftOutValuesTest {

    private static boolean passes(String state) {
        return LeftOutValues.transientError(new SQLException("x", state));
    }

    @Test
    void theConnectionAndTheServerGoingAwayMayPass() {
        assertThat(passes("08006")).as("connection failure").isTrue();
        assertThat(passes("08001")).as("cannot connect").isTrue();
        assertThat(passes("57P01")).as("admin shutdown").isTrue();
        assertThat(passes("57P03")).as("cannot connect now").isTrue();
        assertThat(passes("53300")).as("too many connections").isTrue();
        assertThat(passes("40P01")).as("deadlock").isTrue();
    }

    @Test
    void whatWouldFailEveryTimeDoesNotHoldCapture() {
        assertThat(passes("42703")).as("undefined column").isFalse();
        assertThat(passes("42P01")).as("undefined table").isFalse();
        assertThat(passes("22P02")).as("invalid text representation").isFalse();
        assertThat(passes("54000")).as("program limit exceeded").isFalse();
        assertThat(passes("57014")).as("statement timeout").isFalse();
        assertThat(passes("XX001")).as("data corrupted").isFalse();
        assertThat(passes(null)).as("no SQL state").isFalse();
    }
}
