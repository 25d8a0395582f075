package io.fastlimit.spring;

import io.fastlimit.FastLimit;
import io.fastlimit.backends.Backend;
import io.fastlimit.backends.redis.RedisBackend;
import io.fastlimit.testing.redis.RedisExtension;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

/**
 * A Spring Boot application on Tomcat whose rule counts in a real redis-server, over HTTP, through a
 * {@code Backend} bean of the application's: one with a generous timeout, as a loaded machine can take
 * longer than the default 250 ms (the Redis URL and the RedissonClient are {@link RedisTest}'s).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        classes = {TestApplication.class, RedisOverHttpTest.PatientRedis.class}, properties = {
        "fastlimit.key-prefix=boot", "fastlimit.rules[0].name=hello", "fastlimit.rules[0].url-patterns=/hello",
        "fastlimit.rules[0].ip=5/min", "fastlimit.rules[1].name=dispatch", "fastlimit.rules[1].url-patterns=/dispatch",
        "fastlimit.rules[1].ip=3/min", "fastlimit.rules[1].async=true"})
class RedisOverHttpTest {

    @RegisterExtension
    static final RedisExtension redis = RedisExtension.standalone();

    @TestConfiguration(proxyBeanMethods = false)
    static class PatientRedis {
        @Bean
        Backend redisBackend() {
            return RedisBackend.builder().url(redis.url()).timeout(Duration.ofSeconds(5)).build();
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    FastLimit limiter;

    @Test
    void fiveRequestsPassThenTheSixthGets429AndTheKeysAreInRedis() {
        assertThat(limiter.backend()).isInstanceOf(RedisBackend.class);
        for (int remaining = 4; remaining >= 0; remaining--) {
            RestAssured.given().port(port).get("/hello").then().statusCode(200)
                    .header("X-RateLimit-Remaining", Integer.toString(remaining));
        }
        RestAssured.given().port(port).get("/hello").then().statusCode(429);
        assertThat(redis.server().command("KEYS", "boot:hello:*")).asString().contains("boot:hello:ip");
    }

    /** The controller answers the dispatch it ran in: without the async option it would be REQUEST. */
    @Test
    void anAsyncRuleLetsGoOfTheThreadAndTheControllerRunsInAnAsyncDispatch() {
        for (int remaining = 2; remaining >= 0; remaining--) {
            RestAssured.given().port(port).get("/dispatch").then().statusCode(200)
                    .header("X-RateLimit-Remaining", Integer.toString(remaining))
                    .body(equalTo("ASYNC"));
        }
        RestAssured.given().port(port).get("/dispatch").then().statusCode(429).header("Retry-After", notNullValue());
        assertThat(redis.server().command("KEYS", "boot:dispatch:*")).asString().contains("boot:dispatch:ip");
    }
}
