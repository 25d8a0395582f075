package io.fastlimit.spring;

import io.fastlimit.ClientRequest;
import io.fastlimit.FastLimit;
import io.fastlimit.micrometer.FastLimitMetrics;
import io.fastlimit.rules.RateLimitRule;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/** The limiter's meters in the application's MeterRegistry, when fastlimit-micrometer is on the class path. */
class MetricsTest {

    private final WebApplicationContextRunner web = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(FastLimitAutoConfiguration.class));

    @Configuration(proxyBeanMethods = false)
    static class Registry {
        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }
    }

    private static void checkOnce(FastLimit limiter) {
        limiter.check(RateLimitRule.ip("api", "5/min"), ClientRequest.of("192.0.2.1"));
    }

    @Test
    void decisionsAreCountedInTheApplicationsRegistry() {
        web.withUserConfiguration(Registry.class).run(context -> {
            checkOnce(context.getBean(FastLimit.class));
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            assertThat(registry.get(FastLimitMetrics.DECISIONS).tag("rule", "api").tag("outcome", "allowed").counter().count())
                    .isEqualTo(1.0);
        });
    }

    @Test
    void turnedOffOrWithoutARegistryNothingIsBound() {
        web.withUserConfiguration(Registry.class).withPropertyValues("fastlimit.metrics.enabled=false").run(context -> {
            checkOnce(context.getBean(FastLimit.class));
            assertThat(context.getBean(MeterRegistry.class).find(FastLimitMetrics.DECISIONS).counters()).isEmpty();
        });
        web.run(context -> {
            assertThat(context).hasNotFailed();
            checkOnce(context.getBean(FastLimit.class));
        });
    }
}
