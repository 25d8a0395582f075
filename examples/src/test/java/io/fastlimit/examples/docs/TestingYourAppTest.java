package io.fastlimit.examples.docs;

import io.fastlimit.ClientRequest;
import io.fastlimit.FastLimit;
import io.fastlimit.RateLimitDecision;
import io.fastlimit.rules.RateLimitRule;
import io.fastlimit.testing.ManualClock;
import io.restassured.builder.RequestSpecBuilder;
import io.restassured.specification.RequestSpecification;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The samples of docs/testing.md: an application's tests on the memory backend, moving a clock
 * instead of sleeping. The application under test is {@link EmbeddedJettyQuickstart}: {@code /api/*}
 * limited to 100 requests a minute per IP.
 */
class TestingYourAppTest {

    // tag::clock[]
    private final ManualClock clock = new ManualClock();            // moves only when the test says so
    // end::clock[]

    // tag::setup[]
    private final FastLimit limiter = FastLimit.builder().clock(clock).build();   // memory backend on the test clock
    private Server server;
    private RequestSpecification app;

    @BeforeEach
    void start() throws Exception {
        server = EmbeddedJettyQuickstart.start(0, limiter);        // the application, given the test's limiter
        app = new RequestSpecBuilder().setBaseUri("http://127.0.0.1").setPort(server.getURI().getPort()).build();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
        limiter.close();
    }
    // end::setup[]

    // tag::http-test[]
    @Test
    void theHundredAndFirstRequestOfAMinuteIsRefusedThenAllowedAMinuteLater() {
        for (int i = 0; i < 100; i++) {
            given(app).get("/api/hello").then().statusCode(200);
        }
        given(app).get("/api/hello").then().statusCode(429).header("Retry-After", "60");

        clock.advance(Duration.ofSeconds(60));                     // no sleep: the window has passed
        given(app).get("/api/hello").then().statusCode(200).header("X-RateLimit-Remaining", "99");
    }
    // end::http-test[]

    // tag::unit-test[]
    @Test
    void aRuleCanBeTestedWithoutHttp() {
        RateLimitRule login = RateLimitRule.builder("login").ip("5/min").user("20/min").build();
        ClientRequest anonymous = ClientRequest.of("203.0.113.7");

        for (int i = 0; i < 5; i++) {
            assertThat(limiter.check(login, anonymous).allowed()).isTrue();
        }
        RateLimitDecision sixth = limiter.check(login, anonymous);
        assertThat(sixth.allowed()).isFalse();
        assertThat(sixth.retryAfterSeconds()).isEqualTo(60);
        assertThat(sixth.headers()).containsEntry("Retry-After", "60").containsEntry("X-RateLimit-Remaining", "0");

        limiter.reset(login, anonymous);                           // forget this client's buckets
        assertThat(limiter.check(login, anonymous).remaining()).isEqualTo(4);
    }
    // end::unit-test[]

    // tag::clear-all[]
    @Test
    void clearAllForgetsEveryBucket() {
        RateLimitRule rule = RateLimitRule.ip("search", "1/min");
        limiter.check(rule, ClientRequest.of("203.0.113.7"));
        limiter.backend().clearAll();                               // as between tests sharing one limiter
        assertThat(limiter.check(rule, ClientRequest.of("203.0.113.7")).allowed()).isTrue();
    }
    // end::clear-all[]
}
