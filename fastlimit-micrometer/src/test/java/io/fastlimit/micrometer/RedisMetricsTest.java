package io.fastlimit.micrometer;

import io.fastlimit.ClientRequest;
import io.fastlimit.FailurePolicy;
import io.fastlimit.FastLimit;
import io.fastlimit.backends.redis.RedisBackend;
import io.fastlimit.rules.RateLimitRule;
import io.fastlimit.testing.ManualClock;
import io.fastlimit.testing.logging.QuietLogs;
import io.fastlimit.testing.redis.RedisExtension;
import io.fastlimit.testing.redis.RedisServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** "Is Redis failing?" as the meters answer it, while a real redis-server is stopped and started again. */
@ExtendWith(QuietLogs.class) // the warnings of a Redis that is down on purpose
class RedisMetricsTest {

    private static final Duration TIMEOUT = Duration.ofMillis(200);

    @RegisterExtension
    final RedisExtension redis = RedisExtension.standalonePerTest();

    private RedisServer server;
    private RedisBackend owner;
    private final ManualClock clock = new ManualClock();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final RateLimitRule rule = RateLimitRule.ip("login", "3/min");
    private final ClientRequest client = ClientRequest.of("198.51.100.7");

    @BeforeEach
    void connect() {
        server = redis.server();
        owner = RedisBackend.builder().url(server.url()).timeout(TIMEOUT).build();
    }

    @AfterEach
    void disconnect() {
        if (owner != null) {
            owner.close();
        }
    }

    private double circuitOpen() {
        return registry.get(FastLimitMetrics.CIRCUIT_OPEN).tag("backend", "RedisBackend").gauge().value();
    }

    private double circuitChanges(String state) {
        return registry.get(FastLimitMetrics.CIRCUIT_CHANGES).tag("state", state).counter().count();
    }

    @Test
    void theCircuitGaugeAndTheFailurePolicyCounterFollowRedis() {
        RedisBackend backend = RedisBackend.builder().client(owner.client()).timeout(TIMEOUT).testClock(clock).build();
        try (FastLimit limiter = FastLimit.builder().backend(backend).clock(clock).failurePolicy(FailurePolicy.LOCAL).build()) {
            FastLimitMetrics.bindTo(registry, limiter);
            limiter.check(rule, client);
            assertThat(circuitOpen()).isZero();

            server.stop();
            for (int i = 0; i < 5; i++) {
                limiter.check(rule, client);
            }
            assertThat(circuitOpen()).isEqualTo(1);
            assertThat(circuitChanges("open")).isEqualTo(1);
            assertThat(registry.find(FastLimitMetrics.FAILURE_POLICY_DECISIONS).tags("rule", "login", "policy", "local")
                    .counters()).as("one series per cause").isNotEmpty()
                    .allSatisfy(counter -> assertThat(counter.getId().getTag("cause")).isNotBlank());
            double answered = registry.find(FastLimitMetrics.FAILURE_POLICY_DECISIONS).counters().stream()
                    .mapToDouble(counter -> counter.count()).sum();
            assertThat(answered).isEqualTo(5);

            server.startAgainAndAwait(() -> {
                clock.advanceMillis(RedisBackend.CIRCUIT_OPEN_MS);
                return limiter.check(rule, client);
            }, decision -> circuitOpen() == 0);
            assertThat(circuitOpen()).isZero();
            assertThat(circuitChanges("closed")).isEqualTo(1);
        }
    }
}
