package io.fastlimit.rules;

import io.fastlimit.Algorithm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RateLimitRuleTest {

    @Test
    void holdsRatesPerScope() {
        RateLimitRule rule = RateLimitRule.builder("api")
                .ip("10/min").user("50/min;1000/day").header("X-Api-Key", "500/min").cost(2)
                .algorithm(Algorithm.TOKEN_BUCKET).build();
        assertThat(rule.name()).isEqualTo("api");
        assertThat(rule.cost()).isEqualTo(2);
        assertThat(rule.algorithm()).contains(Algorithm.TOKEN_BUCKET);
        assertThat(rule.headerName()).isEqualTo("X-Api-Key");
        assertThat(rule.rates(Scope.USER)).hasSize(2);
        assertThat(rule.limits(Scope.IP)).isTrue();
        assertThat(rule.toString()).contains("api", "ip=10/min", "header(X-Api-Key)=500/min", "cost=2");
    }

    @Test
    void unsetScopesAreEmpty() {
        RateLimitRule rule = RateLimitRule.ip("login", "5/min");
        assertThat(rule.limits(Scope.USER)).isFalse();
        assertThat(rule.rates(Scope.USER)).isEmpty();
        assertThat(rule.algorithm()).isEmpty();
    }

    @Test
    void costMustFitTheSmallestLimit() {
        assertThatThrownBy(() -> RateLimitRule.builder("export").ip("100/min").user("3/min").cost(5).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("5").hasMessageContaining("3/min");
        assertThatThrownBy(() -> RateLimitRule.builder("export").ip("10/min").cost(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0");
        assertThatThrownBy(() -> RateLimitRule.builder("export").ip("10/min").cost(-3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-3");
        assertThat(RateLimitRule.builder("export").ip("5/min").cost(5).build().cost()).isEqualTo(5);
    }

    @Test
    void aRuleMustLimitSomething() {
        assertThatThrownBy(() -> RateLimitRule.builder("empty").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "has space", "a:b", "{tag}", "new\nline", "é"})
    void namesMustBeSafeForKeys(String name) {
        assertThatThrownBy(() -> RateLimitRule.builder(name))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'" + name + "'");
    }

    @Test
    void longNamesAreRejected() {
        assertThatThrownBy(() -> RateLimitRule.builder("x".repeat(129))).isInstanceOf(IllegalArgumentException.class);
        assertThat(RateLimitRule.builder("com.example.Resource.method/export-v2_1").ip("1/s").build().name())
                .isEqualTo("com.example.Resource.method/export-v2_1");
    }

    @Test
    void headerNamesAreValidated() {
        assertThatThrownBy(() -> RateLimitRule.builder("k").header("X Api Key", "10/min"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'X Api Key'");
    }

    @Test
    void badRatesNameTheRate() {
        assertThatThrownBy(() -> RateLimitRule.builder("k").ip("10/lightyear"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'10/lightyear'");
    }
}
