package io.fastlimit.servlet;

import io.fastlimit.ClientRequest;
import io.fastlimit.FailurePolicy;
import io.fastlimit.FastLimit;
import io.fastlimit.RateLimitDecision;
import io.fastlimit.backends.Backend;
import io.fastlimit.backends.BackendResult;
import io.fastlimit.rules.BucketConfig;
import io.fastlimit.rules.RateLimitRule;
import io.fastlimit.testing.ManualClock;
import io.fastlimit.testing.logging.QuietLogs;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

/** The programmatic filter beyond the backend suite: ownership, its init-params, backend failures. */
class EmbeddedFilterTest {

    /** A backend whose store is down. */
    private static final class DownBackend implements Backend {
        @Override
        public BackendResult checkAndIncrement(String key, List<BucketConfig> buckets, int cost) {
            throw new IllegalStateException("connection refused");
        }

        @Override
        public void reset(String key) {
            throw new IllegalStateException("connection refused");
        }

        @Override
        public void clearAll() {
            throw new IllegalStateException("connection refused");
        }
    }

    @Test
    void aLimiterGivenInCodeStaysOpenWhenTheServerStops() throws Exception {
        try (FastLimit limiter = FastLimit.builder().clock(new ManualClock()).build()) {
            RateLimitRule rule = RateLimitRule.ip("api", "3/min");
            try (TestServer server = TestServer.embedded(context -> context.addFilter(
                    new FilterHolder(new FastLimitFilter(limiter, rule)), "/*", TestServer.ALL_DISPATCHES))) {
                server.request().get("/hello").then().statusCode(200).header("X-RateLimit-Remaining", "2");
                assertThat(server.context().getServletContext().getAttribute(FastLimitFilter.LIMITER_ATTRIBUTE)).isNull();
            }
            RateLimitDecision after = limiter.check(rule, ClientRequest.of("127.0.0.1"));
            assertThat(after.remaining()).isEqualTo(1);
        }
    }

    @Test
    void aFilterGivenItsRuleInCodeRefusesRuleAndLimiterInitParams() throws Exception {
        try (FastLimit limiter = FastLimit.builder().build()) {
            FilterHolder holder = new FilterHolder(new FastLimitFilter(limiter, RateLimitRule.ip("api", "3/min")));
            holder.setInitParameter("ip", "100/min");
            assertThatThrownBy(() -> TestServer.embedded(context -> context.addFilter(holder, "/*", TestServer.ALL_DISPATCHES)))
                    .satisfies(e -> assertThat(messages(e)).contains("Init-param ip='100/min'")
                            .contains("was given its limiter and rule in code"));
        }
    }

    @Test
    void twoFiltersOfOneRuleNameWithOtherLimitsStopTheStart() throws Exception {
        try (FastLimit limiter = FastLimit.builder().build()) {
            assertThatThrownBy(() -> TestServer.embedded(context -> {
                context.addFilter(new FilterHolder(new FastLimitFilter(limiter, RateLimitRule.ip("api", "5/min"))),
                        "/*", TestServer.ALL_DISPATCHES);
                context.addFilter(new FilterHolder(new FastLimitFilter(limiter, RateLimitRule.ip("api", "100/min"))),
                        "/login", TestServer.ALL_DISPATCHES);
            })).satisfies(e -> assertThat(messages(e)).contains("Rule 'api' is used with other limits"));
        }
    }

    @Test
    @ExtendWith(QuietLogs.class) // the warnings of a backend that is down on purpose
    void whenTheBackendIsDownFailOpenLetsRequestsThroughWithoutHeaders() throws Exception {
        try (FastLimit limiter = FastLimit.builder().backend(new DownBackend()).failurePolicy(FailurePolicy.OPEN).build();
             TestServer server = TestServer.embedded(context -> context.addFilter(
                     new FilterHolder(new FastLimitFilter(limiter, RateLimitRule.ip("api", "1/min"))), "/*",
                     TestServer.ALL_DISPATCHES))) {
            for (int i = 0; i < 3; i++) {
                server.request().get("/hello").then().statusCode(200).body(equalTo("hello"))
                        .header("X-RateLimit-Limit", nullValue());
            }
        }
    }

    @Test
    @ExtendWith(QuietLogs.class) // the warnings of a backend that is down on purpose
    void whenTheBackendIsDownFailClosedAnswers429WithRetryAfterOne() throws Exception {
        try (FastLimit limiter = FastLimit.builder().backend(new DownBackend()).failurePolicy(FailurePolicy.CLOSED).build();
             TestServer server = TestServer.embedded(context -> context.addFilter(
                     new FilterHolder(new FastLimitFilter(limiter, RateLimitRule.ip("api", "10/min"))), "/*",
                     TestServer.ALL_DISPATCHES))) {
            server.request().get("/hello").then().statusCode(429)
                    .header("Retry-After", "1")
                    .body("retry_after", equalTo(1));
        }
    }

    @Test
    @ExtendWith(QuietLogs.class) // the warnings of a backend that is down on purpose
    void whenTheBackendIsDownFailLocalCountsInMemory() throws Exception {
        try (FastLimit limiter = FastLimit.builder().backend(new DownBackend()).failurePolicy(FailurePolicy.LOCAL).build();
             TestServer server = TestServer.embedded(context -> context.addFilter(
                     new FilterHolder(new FastLimitFilter(limiter, RateLimitRule.ip("api", "2/min"))), "/*",
                     TestServer.ALL_DISPATCHES))) {
            server.request().get("/hello").then().statusCode(200).header("X-RateLimit-Remaining", "1");
            server.request().get("/hello").then().statusCode(200).header("X-RateLimit-Remaining", "0");
            server.request().get("/hello").then().statusCode(429);
        }
    }

    private static String messages(Throwable failure) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            all.append(t).append('\n');
            for (Throwable suppressed : t.getSuppressed()) {
                all.append(messages(suppressed));
            }
        }
        return all.toString();
    }
}
