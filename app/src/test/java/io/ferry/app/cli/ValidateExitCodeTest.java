package io.ferry.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** `ferry validate` and `cutover drain`'s exit code from a report (README, "Exit codes"). */
class ValidateExitCodeTest {

    private static int exit(String json) throws Exception {
        return ValidateCommand.exitCode(new ObjectMapper().readTree(json));
    }

    @Test
    void aDifferenceFoundIsOneEvenWhenAnotherTableCouldNotBeRead() throws Exception {
        assertThat(exit("{\"clean\": false, \"tables\": [{\"result\": \"ERROR\"}, {\"result\": \"DIFF\"}]}")).isEqualTo(1);
        assertThat(exit("{\"clean\": false, \"tables\": [{\"result\": \"MATCH\"}, {\"result\": \"ERROR\"}]}")).isEqualTo(3);
        assertThat(exit("{\"clean\": true, \"tables\": [{\"result\": \"MATCH\"}]}")).isZero();
        assertThat(exit("{\"clean\": false, \"tables\": [{\"result\": \"DIFF\"}]}")).isEqualTo(1);
    }
}
