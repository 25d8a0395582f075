package io.fastlimit.spring;

import io.fastlimit.FastLimit;
import io.fastlimit.backends.redis.RedisBackend;
import io.fastlimit.testing.redis.RedisExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The counters in a real redis-server that the test starts: from fastlimit.redis-url, or the
 * application's RedissonClient ({@link RedisOverHttpTest}: over HTTP).
 */
class RedisTest {

    @RegisterExtension
    static final RedisExtension redis = RedisExtension.standalone();

    @BeforeEach
    void forgetEveryKey() {
        redis.server().command("FLUSHALL");
    }

    @Configuration(proxyBeanMethods = false)
    static class ApplicationClient {
        /** The application's client: it shuts it down itself (here, the test does). */
        @Bean(destroyMethod = "")
        RedissonClient redisson() {
            Config config = new Config();
            config.useSingleServer().setAddress(redis.url());
            return Redisson.create(config);
        }
    }

    private final WebApplicationContextRunner web = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(FastLimitAutoConfiguration.class));

    @Test
    void theApplicationsRedissonClientIsReusedAndLeftOpen() {
        RedissonClient[] client = new RedissonClient[1];
        web.withUserConfiguration(ApplicationClient.class).run(context -> {
            client[0] = context.getBean(RedissonClient.class);
            FastLimit limiter = context.getBean(FastLimit.class);
            assertThat(limiter.backend()).isInstanceOf(RedisBackend.class);
            assertThat(((RedisBackend) limiter.backend()).client()).isSameAs(client[0]);
        });
        try {
            assertThat(client[0].isShutdown()).as("the application's client outlives the limiter").isFalse();
        } finally {
            client[0].shutdown();
        }
    }

    @Test
    void aRedisUrlGetsAClientOfItsOwnClosedWithTheContext() {
        RedisBackend[] backend = new RedisBackend[1];
        web.withPropertyValues("fastlimit.redis-url=" + redis.url()).run(context -> {
            backend[0] = (RedisBackend) context.getBean(FastLimit.class).backend();
            assertThat(context).doesNotHaveBean(RedissonClient.class);
        });
        assertThat(backend[0].client().isShutdown()).isTrue();
    }
}
