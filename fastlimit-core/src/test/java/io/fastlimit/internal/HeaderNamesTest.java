package io.fastlimit.internal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HeaderNamesTest {

    @Test
    void headerNamesAreHttpTokens() {
        assertThat(HeaderNames.isValid("X-Api-Key")).isTrue();
        assertThat(HeaderNames.isValid("!#$%&'*+.^_`|~09azAZ-")).isTrue();
        assertThat(HeaderNames.isValid("X".repeat(256))).isTrue();
        assertThat(HeaderNames.isValid("X".repeat(257))).isFalse();
        assertThat(HeaderNames.isValid("")).isFalse();
        assertThat(HeaderNames.isValid(null)).isFalse();
        assertThat(HeaderNames.isValid("X Api")).isFalse();
        assertThat(HeaderNames.isValid("X-Api:")).isFalse();
        assertThat(HeaderNames.isValid("Caf\u00e9")).isFalse();
    }
}
