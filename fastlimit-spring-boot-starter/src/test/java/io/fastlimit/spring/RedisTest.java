package io.fastlimit.spring;

import io.fastlimit.FastLimit;
import io.fastlimit.backends.redis.RedisBackend;
import io.fastlimit.testing.redis.RedisExtension;
import io.restassured.RestAssured;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/** The counters in a real redis-server that the test starts: from fastlimit.redis-url, or the application's RedissonClient. */
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

    /** A Spring Boot application on Tomcat whose rule counts in Redis, over HTTP. */
    @Nested
    @SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, classes = TestApplication.class, properties = {
            "fastlimit.key-prefix=boot", "fastlimit.rules[0].name=hello", "fastlimit.rules[0].url-patterns=/hello",
            "fastlimit.rules[0].ip=5/min"})
    class OverHttp {

        @DynamicPropertySource
        static void redisUrl(DynamicPropertyRegistry properties) {
            properties.add("fastlimit.redis-url", redis::url);
        }

        @LocalServerPort
        int port;

        @Autowired
        FastLimit limiter;

        @Test
        void fiveRequestsPassThenTheSixthGets429() {
            assertThat(limiter.backend()).isInstanceOf(RedisBackend.class);
            for (int remaining = 4; remaining >= 0; remaining--) {
                RestAssured.given().port(port).get("/hello").then().statusCode(200)
                        .header("X-RateLimit-Remaining", Integer.toString(remaining));
            }
            RestAssured.given().port(port).get("/hello").then().statusCode(429);
            assertThat(redis.server().command("KEYS", "boot:hello:*")).isNotNull();
        }
    }
}
