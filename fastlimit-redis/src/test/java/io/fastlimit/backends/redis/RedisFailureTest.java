package io.fastlimit.backends.redis;

import io.fastlimit.ClientRequest;
import io.fastlimit.Consumption;
import io.fastlimit.FailurePolicy;
import io.fastlimit.FastLimit;
import io.fastlimit.RateLimitDecision;
import io.fastlimit.backends.BackendUnavailableException;
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
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What requests get while Redis is down, and that checks work again once it is back, without
 * restarting anything. Each test stops and starts its own real redis-server.
 */
@ExtendWith(QuietLogs.class) // the warnings of a Redis that is down on purpose
class RedisFailureTest {

    /** Far above the timeout, far below what a client with retries would wait: the request never hangs. */
    private static final long NO_HANG_MS = 2_000;
    private static final Duration TIMEOUT = Duration.ofMillis(200);

    @RegisterExtension
    final RedisExtension redis = RedisExtension.standalonePerTest();

    private RedisServer server;
    private RedisBackend owner;
    private final ManualClock clock = new ManualClock();
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

    private RedisBackend backend() {
        return RedisBackend.builder().client(owner.client()).timeout(TIMEOUT).testClock(clock).build();
    }

    private static RateLimitDecision timed(FastLimit limiter, RateLimitRule rule, ClientRequest client) {
        long start = System.nanoTime();
        RateLimitDecision decision = limiter.check(rule, client);
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(tookMs).as("a check while Redis is down returns promptly").isLessThan(NO_HANG_MS);
        return decision;
    }

    @Test
    void failOpenLetsRequestsThroughAndRecovers() {
        RedisBackend backend = backend();
        FastLimit limiter = FastLimit.builder().backend(backend).clock(clock).failurePolicy(FailurePolicy.OPEN).build();
        assertThat(limiter.check(rule, client).remaining()).isEqualTo(2);

        server.stop();
        for (int i = 0; i < 10; i++) {
            RateLimitDecision d = timed(limiter, rule, client);
            assertThat(d.allowed()).isTrue();
            assertThat(d.bucketChecked()).isFalse();
        }
        assertThat(backend.isCircuitOpen()).as("repeated failures open the circuit").isTrue();

        RateLimitDecision back = startAgainAndAwaitRecovery(limiter);
        assertThat(back.bucketChecked()).isTrue();
        assertThat(backend.isCircuitOpen()).isFalse();
    }

    @Test
    void failClosedBlocks() {
        FastLimit limiter = FastLimit.builder().backend(backend()).clock(clock).failurePolicy(FailurePolicy.CLOSED).build();
        server.stop();
        for (int i = 0; i < 5; i++) {
            RateLimitDecision d = timed(limiter, rule, client);
            assertThat(d.allowed()).isFalse();
            assertThat(d.headers()).containsEntry("Retry-After", "1");
        }
    }

    @Test
    void failLocalKeepsLimitingInMemory() {
        FastLimit limiter = FastLimit.builder().backend(backend()).clock(clock).failurePolicy(FailurePolicy.LOCAL).build();
        server.stop();
        assertThat(timed(limiter, rule, client).allowed()).isTrue();
        assertThat(timed(limiter, rule, client).allowed()).isTrue();
        assertThat(timed(limiter, rule, client).allowed()).isTrue();
        assertThat(timed(limiter, rule, client).allowed()).as("the local limit holds").isFalse();
    }

    @Test
    void anOpenCircuitFailsAtOnceAndLetsOneProbeThroughLater() {
        RedisBackend backend = backend();
        server.stop();
        for (int i = 0; i < RedisBackend.CIRCUIT_FAILURES; i++) {
            assertThatThrownBy(() -> backend.checkAndIncrement("c:r:ip:{1.1.1.1}", io.fastlimit.rules.BucketConfig.of(
                    io.fastlimit.rules.Rate.parse("5/min").get(0), io.fastlimit.Algorithm.FIXED_WINDOW), 1))
                    .isInstanceOf(BackendUnavailableException.class);
        }
        assertThat(backend.isCircuitOpen()).isTrue();
        long start = System.nanoTime();
        assertThatThrownBy(() -> backend.checkAndIncrement("c:r:ip:{1.1.1.1}", io.fastlimit.rules.BucketConfig.of(
                io.fastlimit.rules.Rate.parse("5/min").get(0), io.fastlimit.Algorithm.FIXED_WINDOW), 1))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("not calling it");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(TIMEOUT.toMillis());
    }

    @Test
    void aSlowRedisCostsNoMoreThanTheTimeout() {
        RedisBackend backend = backend();
        FastLimit limiter = FastLimit.builder().backend(backend).clock(clock).failurePolicy(FailurePolicy.OPEN).build();
        limiter.check(rule, client); // connected and the script cached
        assertThat(server.command("CLIENT", "PAUSE", "1500", "ALL")).isEqualTo("OK"); // a server that answers nothing for 1.5 s
        RateLimitDecision d = timed(limiter, rule, client);
        assertThat(d.bucketChecked()).as("timed out, let through").isFalse();
    }

    @Test
    void eachTimeoutCountsOnceSoTheCircuitOpensAfterTheDocumentedNumber() {
        RedisBackend backend = backend();
        FastLimit limiter = FastLimit.builder().backend(backend).clock(clock).failurePolicy(FailurePolicy.OPEN).build();
        limiter.check(rule, client); // connected and the script cached
        assertThat(server.command("CLIENT", "PAUSE", "3000", "ALL")).isEqualTo("OK");
        for (int i = 1; i < RedisBackend.CIRCUIT_FAILURES; i++) {
            assertThat(timed(limiter, rule, client).bucketChecked()).as("timed out").isFalse();
            assertThat(backend.failuresCounted()).isEqualTo(i);
            assertThat(backend.isCircuitOpen()).as("%d timeouts of %d", i, RedisBackend.CIRCUIT_FAILURES).isFalse();
        }
        timed(limiter, rule, client);
        assertThat(backend.failuresCounted()).isEqualTo(RedisBackend.CIRCUIT_FAILURES);
        assertThat(backend.isCircuitOpen()).isTrue();
    }

    @Test
    void anAsyncCheckCompletesWithTheFailureWhenRedisIsDown() {
        RedisBackend backend = backend();
        server.stop();
        java.util.concurrent.CompletableFuture<io.fastlimit.backends.BackendResult> check = backend.checkAndIncrementAsync(
                "c:r:ip:{1.1.1.1}", java.util.List.of(io.fastlimit.rules.BucketConfig.of(
                        io.fastlimit.rules.Rate.parse("5/min").get(0), io.fastlimit.Algorithm.FIXED_WINDOW)), 1)
                .toCompletableFuture();
        assertThatThrownBy(check::join).hasCauseInstanceOf(BackendUnavailableException.class);
        assertThat(backend.failuresCounted()).isEqualTo(1);
    }

    @Test
    void aRefundRedisDoesNotAnswerNeitherHoldsTheRequestNorGoesUncounted() {
        RedisBackend backend = backend();
        FastLimit limiter = FastLimit.builder().backend(backend).clock(clock).failurePolicy(FailurePolicy.OPEN).build();
        Consumption consumption = limiter.acquire(rule, client);
        assertThat(consumption.decision().remaining()).isEqualTo(2);
        assertThat(server.command("CLIENT", "PAUSE", "1500", "ALL")).isEqualTo("OK");

        long start = System.nanoTime();
        consumption.giveBack(); // as when a later limit turns the request away
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("given back without waiting for Redis")
                .isLessThan(TIMEOUT.toMillis());
        // the next check of the key is sent once the refund has timed out, and times out too
        assertThat(timed(limiter, rule, client).bucketChecked()).isFalse();
        assertThat(backend.failuresCounted()).as("the refund and the check").isEqualTo(2);

        java.util.concurrent.CompletableFuture<Void> refund = backend.refundAsync("c:r:ip:{1.1.1.1}",
                java.util.List.of(io.fastlimit.rules.BucketConfig.of(io.fastlimit.rules.Rate.parse("5/min").get(0),
                        io.fastlimit.Algorithm.FIXED_WINDOW)), 1).toCompletableFuture();
        assertThatThrownBy(refund::join).hasCauseInstanceOf(BackendUnavailableException.class);
        assertThat(backend.failuresCounted()).isEqualTo(3);
        assertThat(backend.keysWithRefundsInFlight()).isZero();
    }

    @Test
    void anApplicationsOwnClientThatRetriesStillSendsACheckOnce() {
        org.redisson.config.Config config = new org.redisson.config.Config();
        config.useSingleServer().setAddress(server.url())
                .setTimeout(400).setRetryAttempts(3).setRetryDelay(new org.redisson.config.ConstantDelay(Duration.ofMillis(100)));
        org.redisson.api.RedissonClient own = org.redisson.Redisson.create(config);
        try {
            RedisBackend backend = RedisBackend.builder().client(own).timeout(TIMEOUT).testClock(clock).build();
            FastLimit limiter = FastLimit.builder().backend(backend).clock(clock).failurePolicy(FailurePolicy.OPEN).build();
            RateLimitRule wide = RateLimitRule.ip("retry", "100/min");
            assertThat(limiter.check(wide, client).remaining()).isEqualTo(99);

            // the client would send again after 400 ms, three times, all before Redis resumes
            assertThat(server.command("CLIENT", "PAUSE", "2000", "WRITE")).isEqualTo("OK");
            assertThat(timed(limiter, wide, client).bucketChecked()).as("timed out").isFalse();
            // a write waits for the pause to end, behind anything sent before it
            server.command("SET", "after-the-pause", "1");
            assertThat(limiter.check(wide, client).remaining())
                    .as("the timed-out check ran once when Redis resumed, then this one").isEqualTo(97);
        } finally {
            own.shutdown();
        }
    }

    @Test
    void aResetWhileRedisIsDownReturnsAndAResetAfterwardsForgets() {
        RedisBackend backend = backend();
        FastLimit limiter = FastLimit.builder().backend(backend).clock(clock).failurePolicy(FailurePolicy.OPEN).build();
        server.stop();
        limiter.reset(rule, client); // logged, not thrown
        assertThat(backend.failuresCounted()).isEqualTo(1);

        startAgainAndAwaitRecovery(limiter);
        limiter.check(rule, client);
        limiter.check(rule, client);
        assertThat(limiter.check(rule, client).allowed()).isFalse();
        limiter.reset(rule, client);
        assertThat(limiter.check(rule, client).remaining()).as("forgotten").isEqualTo(2);
    }

    /** Starts the server again and moves the circuit's clock past its open time until a probe reaches it. */
    private RateLimitDecision startAgainAndAwaitRecovery(FastLimit limiter) {
        return server.startAgainAndAwait(() -> {
            clock.advanceMillis(RedisBackend.CIRCUIT_OPEN_MS);
            return limiter.check(rule, client);
        }, RateLimitDecision::bucketChecked);
    }
}
