package io.fastlimit.spring;

import io.fastlimit.FastLimit;
import io.fastlimit.backends.Backend;
import io.fastlimit.backends.redis.RedisBackend;
import io.fastlimit.micrometer.FastLimitMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.fastlimit.servlet.FastLimitFilter;
import org.redisson.api.RedissonClient;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * fastlimit for a Spring Boot application: a {@link FastLimit} bean configured by the
 * {@code fastlimit.*} properties ({@link FastLimitProperties}), a servlet filter for each rule of
 * {@code fastlimit.rules}, in a Spring MVC application the {@link RateLimit} annotation on handler methods,
 * and with {@code fastlimit-micrometer} the limiter's meters in the application's {@code MeterRegistry}.
 *
 * <ul>
 *   <li>The counters live in Redis when {@code fastlimit.redis-url} is set (with {@code fastlimit-redis}
 *       on the class path); else in the application's {@link RedissonClient} bean, when it has one and
 *       {@code fastlimit-redis}; else in memory. A {@link Backend} bean of the application's is used instead.</li>
 *   <li>Each bean backs off when the application defines its own: a {@link FastLimit}, a {@link Backend},
 *       or a rule's filter registration ({@code fastlimit.<rule>.filter}).</li>
 *   <li>The limiter is closed with the context; a backend or client the application gave stays its own.</li>
 *   <li>{@code fastlimit.enabled=false} turns all of it off.</li>
 * </ul>
 */
@AutoConfiguration(afterName = {"org.redisson.spring.starter.RedissonAutoConfigurationV2",
        "org.redisson.spring.starter.RedissonAutoConfiguration"})
@ConditionalOnClass(FastLimit.class)
@ConditionalOnBooleanProperty(name = "fastlimit.enabled", matchIfMissing = true)
@EnableConfigurationProperties(FastLimitProperties.class)
public class FastLimitAutoConfiguration {

    /**
     * The limiter, from the properties, with the application's {@link Backend} bean if there is one.
     *
     * @throws IllegalArgumentException naming the property and its value when one is wrong
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public FastLimit fastLimit(FastLimitProperties properties, Environment environment, ObjectProvider<Backend> backend) {
        return LimiterSettings.build(properties, environment, backend.getIfUnique());
    }

    /** The application's Redisson client, reused when no Redis URL is set for fastlimit. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({RedisBackend.class, RedissonClient.class})
    @ConditionalOnBean(RedissonClient.class)
    @Conditional(NoRedisUrl.class)
    static class ApplicationRedissonClient {

        /** Closed with the context; the client stays the application's. */
        @Bean
        @ConditionalOnMissingBean(Backend.class)
        RedisBackend fastLimitRedisBackend(RedissonClient client) {
            return new RedisBackend(client);
        }
    }

    /** A servlet filter for each rule, in a servlet web application. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnClass({FastLimitFilter.class, FilterRegistrationBean.class})
    @Import(FastLimitFilterRegistrar.class)
    static class ServletFilters {
    }

    /**
     * The limiter's Micrometer meters ({@code fastlimit.decisions} and others), bound to the
     * application's {@link MeterRegistry} (its primary one, when it has several), with
     * {@code fastlimit-micrometer}; {@code fastlimit.metrics.enabled=false} leaves them out.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({FastLimitMetrics.class, MeterRegistry.class})
    @ConditionalOnBooleanProperty(name = "fastlimit.metrics.enabled", matchIfMissing = true)
    static class Meters {

        @Bean(destroyMethod = "close")
        LimiterMeters fastLimitMeters(FastLimit limiter, ObjectProvider<MeterRegistry> registry) {
            MeterRegistry target = registry.getIfUnique();
            return new LimiterMeters(target == null ? null : FastLimitMetrics.bindTo(target, limiter));
        }
    }

    /** {@link RateLimit} on the handler methods of a Spring MVC application. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnClass(WebMvcConfigurer.class)
    static class SpringMvcAnnotations {

        @Bean
        RateLimitInterceptor fastLimitRateLimitInterceptor(FastLimit limiter, ApplicationContext context) {
            return new RateLimitInterceptor(limiter, context);
        }

        @Bean
        WebMvcConfigurer fastLimitWebMvcConfigurer(RateLimitInterceptor interceptor) {
            return new WebMvcConfigurer() {
                @Override
                public void addInterceptors(InterceptorRegistry registry) {
                    registry.addInterceptor(interceptor);
                }
            };
        }
    }

    /** Matches when neither {@code fastlimit.redis-url} nor {@code FASTLIMIT_REDIS_URL} is set. */
    static final class NoRedisUrl implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return !LimiterSettings.hasRedisUrl(context.getEnvironment());
        }
    }
}
