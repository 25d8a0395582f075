package io.fastlimit.spring;

import io.fastlimit.FastLimit;
import io.fastlimit.HeaderStyle;
import io.fastlimit.backends.Backend;
import io.fastlimit.backends.memory.MemoryBackend;
import io.fastlimit.servlet.FastLimitFilter;
import io.fastlimit.ClientRequest;
import io.fastlimit.rules.RateLimitRule;
import io.fastlimit.testing.logging.QuietLogs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the auto-configuration creates, when it backs off, and what a bad property does, in real
 * application contexts (without a server: {@link RulesOverHttpTest} has the HTTP side).
 */
class FastLimitAutoConfigurationTest {

    private final WebApplicationContextRunner web = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(FastLimitAutoConfiguration.class));

    @Configuration(proxyBeanMethods = false)
    static class OwnLimiter {
        @Bean(destroyMethod = "close")
        FastLimit myLimiter() {
            return FastLimit.builder().keyPrefix("mine").build();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnBackend {
        static final MemoryBackend BACKEND = new MemoryBackend();

        @Bean(destroyMethod = "")
        Backend myBackend() {
            return BACKEND;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnFilter {
        @Bean(name = "fastlimit.hello.filter")
        FilterRegistrationBean<FastLimitFilter> mine(FastLimit limiter) {
            FilterRegistrationBean<FastLimitFilter> registration =
                    new FilterRegistrationBean<>(new FastLimitFilter(limiter, RateLimitRule.ip("mine", "1/s")));
            registration.addUrlPatterns("/mine");
            return registration;
        }
    }

    @Test
    void aLimiterAndAFilterPerRuleFromTheProperties() {
        web.withPropertyValues("fastlimit.headers=ietf", "fastlimit.trusted-proxies=10.0.0.0/8",
                        "fastlimit.rules[0].name=hello", "fastlimit.rules[0].url-patterns=/hello,/hi",
                        "fastlimit.rules[0].ip=5/min", "fastlimit.rules[0].user=50/min")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(FastLimit.class);
                    FastLimit limiter = context.getBean(FastLimit.class);
                    assertThat(limiter.headerStyle()).isEqualTo(HeaderStyle.ietf());
                    assertThat(limiter.backend()).isInstanceOf(MemoryBackend.class);
                    FilterRegistrationBean<?> hello = context.getBean("fastlimit.hello.filter", FilterRegistrationBean.class);
                    assertThat(hello.getUrlPatterns()).containsExactly("/hello", "/hi");
                    assertThat(hello.getFilter()).isInstanceOf(FastLimitFilter.class);
                });
    }

    @Test
    void theLimiterIsClosedWithTheContext() {
        MemoryBackend[] backend = new MemoryBackend[1];
        web.run(context -> {
            FastLimit limiter = context.getBean(FastLimit.class);
            backend[0] = (MemoryBackend) limiter.backend();
            limiter.check(RateLimitRule.ip("api", "5/min"), ClientRequest.of("192.0.2.1"));
            assertThat(backend[0].size()).isPositive();
        });
        assertThat(backend[0].size()).as("the limiter closed its memory backend").isZero();
    }

    @Test
    void anApplicationLimiterIsUsedByTheRulesFilters() {
        web.withUserConfiguration(OwnLimiter.class)
                .withPropertyValues("fastlimit.key-prefix=ignored", "fastlimit.rules[0].name=hello", "fastlimit.rules[0].ip=5/min")
                .run(context -> {
                    assertThat(context).hasSingleBean(FastLimit.class);
                    assertThat(context.getBean(FastLimit.class).keyPrefix()).isEqualTo("mine");
                    assertThat(context).hasBean("fastlimit.hello.filter");
                });
    }

    @Test
    void anApplicationBackendIsUsedAndLeftOpen() {
        web.withUserConfiguration(OwnBackend.class).run(context ->
                assertThat(context.getBean(FastLimit.class).backend()).isSameAs(OwnBackend.BACKEND));
    }

    @Test
    void anApplicationFilterRegistrationUnderARulesNameReplacesIt() {
        web.withUserConfiguration(OwnFilter.class)
                .withPropertyValues("fastlimit.rules[0].name=hello", "fastlimit.rules[0].ip=5/min")
                .run(context -> assertThat(context.getBean("fastlimit.hello.filter", FilterRegistrationBean.class)
                        .getUrlPatterns()).containsExactly("/mine"));
    }

    @Test
    void disabledCreatesNothing() {
        web.withPropertyValues("fastlimit.enabled=false", "fastlimit.rules[0].name=hello", "fastlimit.rules[0].ip=5/min")
                .run(context -> assertThat(context).doesNotHaveBean(FastLimit.class).doesNotHaveBean("fastlimit.hello.filter"));
    }

    @Test
    void outsideAWebApplicationOnlyTheLimiter() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(FastLimitAutoConfiguration.class))
                .withPropertyValues("fastlimit.rules[0].name=hello", "fastlimit.rules[0].ip=5/min")
                .run(context -> assertThat(context).hasSingleBean(FastLimit.class).doesNotHaveBean("fastlimit.hello.filter"));
    }

    @Test
    void everySettingOfTheCoreHasItsProperty() {
        assertThat(LimiterSettings.byName(new FastLimitProperties()).keySet())
                .containsExactlyInAnyOrderElementsOf(io.fastlimit.FastLimitSettings.NAMES);
    }

    @Test
    void aSettingLeftOutFallsBackToItsVariable() {
        web.withPropertyValues("FASTLIMIT_KEY_PREFIX=from-env").run(context ->
                assertThat(context.getBean(FastLimit.class).keyPrefix()).isEqualTo("from-env"));
        web.withPropertyValues("FASTLIMIT_KEY_PREFIX=from-env", "fastlimit.key-prefix=from-yaml").run(context ->
                assertThat(context.getBean(FastLimit.class).keyPrefix()).isEqualTo("from-yaml"));
    }

    @Test
    @ExtendWith(QuietLogs.class) // Spring's warning of each failed start
    void badValuesFailTheStartNamingThePropertyAndTheValue() {
        assertStartFails("Invalid fastlimit.key-prefix='bad prefix!'", "fastlimit.key-prefix=bad prefix!");
        assertStartFails("Invalid fastlimit.algorithm='leaky'", "fastlimit.algorithm=leaky");
        assertStartFails("Invalid fastlimit.trusted-proxies='everyone'", "fastlimit.trusted-proxies=everyone");
        assertStartFails("Invalid FASTLIMIT_FAILURE_POLICY='maybe'", "FASTLIMIT_FAILURE_POLICY=maybe");
        assertStartFails("Invalid fastlimit.rules[0].ip='10/lightyear'",
                "fastlimit.rules[0].name=hello", "fastlimit.rules[0].ip=10/lightyear");
        assertStartFails("Invalid fastlimit.rules[1]: Invalid cost 9 for rule 'b'", "fastlimit.rules[0].name=a", "fastlimit.rules[0].ip=1/s",
                "fastlimit.rules[1].name=b", "fastlimit.rules[1].ip=5/min", "fastlimit.rules[1].cost=9");
        assertStartFails("fastlimit.rules[0].name is not set", "fastlimit.rules[0].ip=5/min");
        assertStartFails("Invalid fastlimit.rules[0].header-resolver='nobody'", "fastlimit.rules[0].name=keys",
                "fastlimit.rules[0].header=5/min", "fastlimit.rules[0].header-name=X-Api-Key",
                "fastlimit.rules[0].header-resolver=nobody");
    }

    @Test
    @ExtendWith(QuietLogs.class)
    void aBadRedisUrlFailsTheStartWithoutShowingThePassword() {
        web.withPropertyValues("fastlimit.redis-url=redis://:s3cret@localhost:notaport").run(context -> {
            assertThat(context).hasFailed();
            String messages = messages(context.getStartupFailure());
            assertThat(messages).contains("fastlimit.redis-url").doesNotContain("s3cret");
        });
    }

    private void assertStartFails(String expected, String... properties) {
        web.withPropertyValues(properties).run(context -> {
            assertThat(context).hasFailed();
            assertThat(messages(context.getStartupFailure())).contains(expected);
        });
    }

    /** The messages of a failure and its causes, one a line. */
    private static String messages(Throwable failure) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }
}
