package io.fastlimit.internal;

import io.fastlimit.rules.RateLimitRule;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RuleNamesTest {

    @Test
    void charactersARuleNameMayNotHoldBecomeUnderscores() {
        assertThat(RuleNames.fromText("api/v1.orders-export_2")).isEqualTo("api/v1.orders-export_2");
        assertThat(RuleNames.fromText("my filter {1}:x")).isEqualTo("my_filter__1__x");
        assertThat(RuleNames.fromText("\u00e9t\u00e9")).isEqualTo("_t_");
    }

    @Test
    void aLongNameIsCutAndKeepsAChecksumOfTheWhole() {
        String a = RuleNames.fromText("R".repeat(150) + ".a");
        String b = RuleNames.fromText("R".repeat(150) + ".b");
        assertThat(a).hasSize(128).startsWith("RRRR").matches("R{119}-[0-9a-f]{8}");
        assertThat(a).isNotEqualTo(b);
        assertThat(RuleNames.fromText("R".repeat(150) + ".a")).isEqualTo(a);
        assertThat(RuleNames.fromText("R".repeat(128))).isEqualTo("R".repeat(128));
        RateLimitRule.builder(a); // a name the core accepts
    }

    @Test
    void everyNameMadeFromTextIsValid() {
        for (String text : new String[] {"x", "a b", "{}", "R".repeat(129), "\u00e9".repeat(300)}) {
            assertThat(RuleNames.isValid(RuleNames.fromText(text))).as(text).isTrue();
        }
        assertThat(RuleNames.isValid("")).isFalse();
        assertThat(RuleNames.isValid(null)).isFalse();
        assertThat(RuleNames.isValid("R".repeat(129))).isFalse();
        assertThatThrownBy(() -> RuleNames.fromText("")).isInstanceOf(IllegalArgumentException.class);
    }
}
