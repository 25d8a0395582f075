package io.fastlimit.spring;

import io.fastlimit.FastLimit;
import io.fastlimit.rules.RateLimitRule;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the {@link RateLimit} annotations of handler methods become, and how a bad one is reported. */
class HandlerRulesTest {

    private final FastLimit limiter = FastLimit.builder().build();
    private final HandlerRules rules = new HandlerRules(limiter);

    @AfterEach
    void close() {
        limiter.close();
    }

    @RateLimit(ip = "100/min", user = "1000/min")
    static class Orders {
        @RateLimit(header = "5/min", headerName = "X-Api-Key", cost = 2)
        public String export(String format) {
            return format;
        }

        public String list() {
            return "";
        }

        @RateLimit("10/lightyear")
        public String broken() {
            return "";
        }
    }

    static class Other {
        @RateLimit(value = "20/min", name = "Orders")
        public String clash() {
            return "";
        }
    }

    @Test
    void theMethodRuleComesFirstThenTheClassRuleEachNamedAfterItsPlace() throws Exception {
        List<RateLimitRule> export = rules.of(Orders.class, Orders.class.getMethod("export", String.class));
        assertThat(export).extracting(RateLimitRule::name).containsExactly("Orders.export", "Orders");
        assertThat(export.get(0).cost()).isEqualTo(2);
        assertThat(rules.of(Orders.class, Orders.class.getMethod("list"))).extracting(RateLimitRule::name)
                .containsExactly("Orders");
        assertThat(rules.of(Other.class, Object.class.getMethod("toString"))).isEmpty();
    }

    @Test
    void aBadValueNamesTheHandlerMethodAndTheValue() {
        assertThatThrownBy(() -> rules.of(Orders.class, Orders.class.getMethod("broken")))
                .hasMessageContaining("@RateLimit on io.fastlimit.spring.HandlerRulesTest$Orders#broken()")
                .hasMessageContaining("'10/lightyear'");
    }

    @Test
    void aNameCountedWithOtherRatesFails() throws Exception {
        rules.of(Orders.class, Orders.class.getMethod("list"));
        assertThatThrownBy(() -> rules.of(Other.class, Other.class.getMethod("clash")))
                .hasMessageContaining("HandlerRulesTest$Other#clash()");
    }
}
