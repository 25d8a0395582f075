package io.fastlimit.backends.redis;

import io.fastlimit.ClientRequest;
import io.fastlimit.FailurePolicy;
import io.fastlimit.FastLimit;
import io.fastlimit.RateLimitStatus;
import io.fastlimit.event.CircuitEvent;
import io.fastlimit.event.DecisionEvent;
import io.fastlimit.event.FailurePolicyEvent;
import io.fastlimit.event.RateLimitListener;
import io.fastlimit.rules.RateLimitRule;
import io.fastlimit.testing.ManualClock;
import io.fastlimit.testing.logging.QuietLogs;
import io.fastlimit.testing.redis.RedisExtension;
import io.fastlimit.testing.redis.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the limiter's listeners hear while a real redis-server goes away and comes back: the
 * failure policy's answers with their cause, the circuit opening once and closing once. Peek on
 * Redis through the limiter, too.
 */
@ExtendWith(QuietLogs.class) // the warnings of a Redis that is down on purpose
class RedisListenerTest {

    private static final Duration TIMEOUT = Duration.ofMillis(200);

    @RegisterExtension
    final RedisExtension redis = RedisExtension.standalonePerTest();

    private RedisServer server;
    private RedisBackend owner;
    private final ManualClock clock = new ManualClock();
    private final RateLimitRule rule = RateLimitRule.ip("login", "3/min");
    private final ClientRequest client = ClientRequest.of("198.51.100.7");
    private final List<DecisionEvent> decisions = Collections.synchronizedList(new ArrayList<>());
    private final List<FailurePolicyEvent> failures = Collections.synchronizedList(new ArrayList<>());
    private final List<CircuitEvent> circuits = Collections.synchronizedList(new ArrayList<>());
    private final RateLimitListener recorder = new RateLimitListener() {
        @Override
        public void onDecision(DecisionEvent event) {
            decisions.add(event);
        }

        @Override
        public void onFailurePolicy(FailurePolicyEvent event) {
            failures.add(event);
        }

        @Override
        public void onCircuit(CircuitEvent event) {
            circuits.add(event);
        }
    };

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

    @Test
    void theCircuitOpensOnceAndClosesOnceAndEveryPolicyAnswerIsTold() {
        RedisBackend backend = RedisBackend.builder().client(owner.client()).timeout(TIMEOUT).testClock(clock).build();
        try (FastLimit limiter = FastLimit.builder().backend(backend).clock(clock).failurePolicy(FailurePolicy.LOCAL)
                .listener(recorder).build()) {
            assertThat(limiter.check(rule, client).allowed()).isTrue();
            assertThat(decisions).singleElement().satisfies(event -> assertThat(event.failurePolicy()).isNull());

            server.stop();
            for (int i = 0; i < 6; i++) {
                limiter.check(rule, client);
            }
            assertThat(backend.isCircuitOpen()).isTrue();
            assertThat(circuits).containsExactly(new CircuitEvent("RedisBackend", true));
            assertThat(failures).hasSize(6).allSatisfy(event -> {
                assertThat(event.policy()).isEqualTo(FailurePolicy.LOCAL);
                assertThat(event.ruleName()).isEqualTo("login");
                assertThat(event.cause()).isNotNull();
            });
            assertThat(decisions.subList(1, 7)).allSatisfy(event ->
                    assertThat(event.failurePolicy()).isEqualTo(FailurePolicy.LOCAL));
            assertThat(decisions.subList(1, 7)).extracting(DecisionEvent::outcome).as("the local limit holds")
                    .containsExactly(DecisionEvent.Outcome.ALLOWED, DecisionEvent.Outcome.ALLOWED,
                            DecisionEvent.Outcome.ALLOWED, DecisionEvent.Outcome.BLOCKED,
                            DecisionEvent.Outcome.BLOCKED, DecisionEvent.Outcome.BLOCKED);

            startAgainAndAwaitRecovery(limiter);
            assertThat(circuits).containsExactly(new CircuitEvent("RedisBackend", true),
                    new CircuitEvent("RedisBackend", false));
        }
    }

    @Test
    void peekThroughTheLimiterReadsRedisWithoutSpending() {
        RedisBackend backend = RedisBackend.builder().client(owner.client()).timeout(TIMEOUT).build();
        try (FastLimit limiter = FastLimit.builder().backend(backend).build()) {
            backend.clearAll();
            limiter.check(rule, client);
            for (int i = 0; i < 5; i++) {
                RateLimitStatus status = limiter.peek(rule, client);
                assertThat(status.limit()).isEqualTo(3);
                assertThat(status.remaining()).isEqualTo(2);
            }
            assertThat(limiter.check(rule, client).remaining()).isEqualTo(1);
        }
    }

    /** Starts the server again and moves the circuit's clock on until a check reaches it and is told so. */
    private void startAgainAndAwaitRecovery(FastLimit limiter) {
        server.startAgainAndAwait(() -> {
            clock.advanceMillis(RedisBackend.CIRCUIT_OPEN_MS);
            return limiter.check(rule, client);
        }, d -> d.bucketChecked() && decisions.get(decisions.size() - 1).failurePolicy() == null);
    }
}
