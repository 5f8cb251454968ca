package io.ferry.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ExitCodeTest {

    @Test
    void codesAreTheContractCutoverScriptsRelyOn() {
        assertThat(ExitCode.OK.code()).isZero();
        assertThat(ExitCode.NOT_READY.code()).isEqualTo(1);
        assertThat(ExitCode.USAGE.code()).isEqualTo(2);
        assertThat(ExitCode.UNKNOWN.code()).isEqualTo(3);
        assertThat(ExitCode.values()).hasSize(4);
    }

    @Test
    void helpTextListsEveryCodeWithItsMeaning() {
        assertThat(ExitCode.helpText()).contains("0  success / READY / no differences", "1  NOT_READY, or differences found",
                "2  usage or configuration error", "3  could not tell");
    }
}
