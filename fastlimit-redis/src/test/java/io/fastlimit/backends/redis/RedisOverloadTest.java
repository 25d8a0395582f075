package io.fastlimit.backends.redis;

import io.fastlimit.Algorithm;
import io.fastlimit.ClientRequest;
import io.fastlimit.FastLimit;
import io.fastlimit.RateLimitDecision;
import io.fastlimit.backends.BackendResult;
import io.fastlimit.backends.BackendUnavailableException;
import io.fastlimit.rules.BucketConfig;
import io.fastlimit.rules.Rate;
import io.fastlimit.rules.RateLimitRule;
import io.fastlimit.testing.logging.QuietLogs;
import io.fastlimit.testing.redis.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A healthy Redis behind an instance with more checks than calls in flight: the checks that find no
 * permit in time go to the failure policy, and none counts as a Redis failure or opens the circuit.
 * A short {@code CLIENT PAUSE} holds the one permit in Redis, so other checks surely wait for it.
 */
@ExtendWith(QuietLogs.class) // the failure policy's warnings
class RedisOverloadTest {

    /** Far longer than the pause: the call holding the permit succeeds. */
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Duration QUEUE_TIMEOUT = Duration.ofMillis(20);

    private RedisServer server;
    private RedisBackend backend;

    @BeforeEach
    void start() {
        assumeTrue(RedisServer.available(), "no redis-server available");
        server = RedisServer.startNew();
        backend = RedisBackend.builder().url(server.url()).timeout(TIMEOUT).queueTimeout(QUEUE_TIMEOUT)
                .maxCallsInFlight(1).build();
    }

    @AfterEach
    void stop() {
        if (backend != null) {
            backend.close();
        }
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void twoHundredThreadsOnOnePermitOpenNoCircuitAndCountNoRedisFailure() throws Exception {
        FastLimit limiter = FastLimit.builder().backend(backend).build();
        RateLimitRule rule = RateLimitRule.ip("busy", "1000000/hour");
        limiter.check(rule, ClientRequest.of("198.51.100.1")); // connected and the script cached

        int threads = 200;
        int checksEach = 20;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger answered = new AtomicInteger();
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                ClientRequest client = ClientRequest.of("198.51.100." + (t % 250 + 1));
                done.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < checksEach; i++) {
                        RateLimitDecision decision = limiter.check(rule, client);
                        assertThat(decision.allowed()).isTrue();
                        answered.incrementAndGet();
                    }
                    return null;
                }));
            }
            // Redis holds the one call in flight for a while: the others wait longer than the queue timeout
            assertThat(server.command("CLIENT", "PAUSE", "300", "ALL")).isEqualTo("OK");
            go.countDown();
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(answered.get()).isEqualTo(threads * checksEach);
        assertThat(backend.busyRefusals()).as("checks that found no permit in time").isPositive();
        assertThat(limiter.failurePolicyDecisions()).as("each answered by the failure policy").isEqualTo(backend.busyRefusals());
        assertThat(backend.failuresCounted()).as("no Redis failure").isZero();
        assertThat(backend.isCircuitOpen()).isFalse();
        assertThat(backend.freeCallPermits()).as("every permit given back").isEqualTo(1);
    }

    @Test
    void anAsyncCheckThatFindsNoPermitCompletesWithTheFailure() {
        List<BucketConfig> buckets = List.of(BucketConfig.of(Rate.parse("100/min").get(0), Algorithm.FIXED_WINDOW));
        backend.checkAndIncrement("o:r:ip:{1}", buckets, 1); // connected and the script cached
        assertThat(server.command("CLIENT", "PAUSE", "300", "ALL")).isEqualTo("OK");

        CompletableFuture<BackendResult> holder = backend.checkAndIncrementAsync("o:r:ip:{1}", buckets, 1).toCompletableFuture();
        CompletableFuture<BackendResult> waiter = backend.checkAndIncrementAsync("o:r:ip:{2}", buckets, 1).toCompletableFuture();

        assertThatThrownBy(waiter::join).hasCauseInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("busy");
        assertThat(holder.join().allowed()).as("the call holding the permit is answered once Redis resumes").isTrue();
        assertThat(backend.busyRefusals()).isEqualTo(1);
        assertThat(backend.failuresCounted()).isZero();
        assertThat(backend.freeCallPermits()).isEqualTo(1);
    }
}
