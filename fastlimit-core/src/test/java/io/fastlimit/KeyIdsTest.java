package io.fastlimit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class KeyIdsTest {

    @Test
    void keepsShortPlainIdsReadable() {
        assertThat(KeyIds.of("alice")).isEqualTo("alice");
        assertThat(KeyIds.of("alice@example.com")).isEqualTo("alice@example.com");
        assertThat(KeyIds.of("2001:db8::1")).isEqualTo("2001:db8::1");
        assertThat(KeyIds.of("key_ABC-123.x+y=")).isEqualTo("key_ABC-123.x+y=");
    }

    @Test
    void digestsAnythingThatCouldBreakAKey() {
        for (String hostile : new String[] {"a}b", "{tag}", "with space", "line\r\nbreak", "tab\t", "é", "",
                "x".repeat(65), "x".repeat(1_000_000), "a*b", "a\u0000b"}) {
            String id = KeyIds.of(hostile);
            assertThat(id).startsWith("~").hasSize(23).matches("~[A-Za-z0-9_-]{22}");
        }
    }

    @Test
    void digestsAreStableAndDistinct() {
        assertThat(KeyIds.of("a b")).isEqualTo(KeyIds.of("a b"));
        assertThat(KeyIds.of("a b")).isNotEqualTo(KeyIds.of("a  b"));
        assertThat(KeyIds.of("x".repeat(65))).isNotEqualTo(KeyIds.of("x".repeat(66)));
    }
}
