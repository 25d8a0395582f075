package io.fastlimit.spring;

import io.fastlimit.FastLimit;
import io.fastlimit.backends.redis.RedisBackend;
import io.fastlimit.testing.redis.RedisExtension;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/** A Spring Boot application on Tomcat whose rule counts in a real redis-server, over HTTP. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, classes = TestApplication.class, properties = {
        "fastlimit.key-prefix=boot", "fastlimit.rules[0].name=hello", "fastlimit.rules[0].url-patterns=/hello",
        "fastlimit.rules[0].ip=5/min"})
class RedisOverHttpTest {

    @RegisterExtension
    static final RedisExtension redis = RedisExtension.standalone();

    @DynamicPropertySource
    static void redisUrl(DynamicPropertyRegistry properties) {
        properties.add("fastlimit.redis-url", redis::url);
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
}
