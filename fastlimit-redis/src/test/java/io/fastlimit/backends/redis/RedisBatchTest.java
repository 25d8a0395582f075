package io.fastlimit.backends.redis;

import io.fastlimit.Algorithm;
import io.fastlimit.backends.BackendResult;
import io.fastlimit.backends.BackendUnavailableException;
import io.fastlimit.rules.BucketConfig;
import io.fastlimit.rules.Rate;
import io.fastlimit.testing.logging.QuietLogs;
import io.fastlimit.testing.redis.RedisExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Checks that arrive while the backend's calls are all in flight travel together, in one pipeline.
 * A short {@code CLIENT PAUSE} holds the one call a backend may have in flight in Redis, so the checks
 * sent meanwhile surely wait for the next batch; what the tests assert is counted, never timed.
 */
class RedisBatchTest {

    @RegisterExtension
    static final RedisExtension redis = RedisExtension.standalone();

    private static RedisBackend owner;
    private RedisBackend backend;

    @BeforeAll
    static void connect() {
        owner = RedisBackend.fromUrl(redis.url()); // one client for the class; each test has its own backend on it
    }

    @AfterAll
    static void disconnect() {
        owner.close();
    }

    @BeforeEach
    void empty() {
        redis.server().command("FLUSHALL");
    }

    @AfterEach
    void permitsAllBack() {
        if (backend != null) {
            assertThat(backend.freeCallPermits()).as("every permit given back").isEqualTo(1);
        }
    }

    /** A backend with one call in flight at most, so every call that arrives meanwhile is batched. */
    private static RedisBackend onePermit(Duration timeout) {
        return RedisBackend.builder().client(owner.client()).timeout(timeout).queueTimeout(Duration.ofSeconds(10))
                .maxCallsInFlight(1).build();
    }

    private static List<BucketConfig> buckets(String rate, Algorithm algorithm) {
        return List.of(BucketConfig.of(Rate.parse(rate).get(0), algorithm));
    }

    private void pause(int ms) {
        assertThat(redis.server().command("CLIENT", "PAUSE", Integer.toString(ms), "ALL")).isEqualTo("OK");
    }

    private static <T> List<T> joinAll(List<CompletableFuture<T>> futures) throws Exception {
        List<T> results = new ArrayList<>();
        for (CompletableFuture<T> future : futures) {
            results.add(future.get(30, TimeUnit.SECONDS));
        }
        return results;
    }

    @Test
    void aLoneCheckIsSentAtOnceOnItsOwn() {
        backend = onePermit(Duration.ofSeconds(10));
        BackendResult result = backend.checkAndIncrementAsync("lone:rule:ip:{1}", buckets("10/min", Algorithm.TOKEN_BUCKET), 1)
                .toCompletableFuture().join();
        assertThat(result.remaining()).isEqualTo(9);
        assertThat(backend.callsSentAlone()).isEqualTo(1);
        assertThat(backend.batchesSent()).as("nothing waited for a batch").isZero();
    }

    @Test
    void checksThatArriveWhileACallIsInFlightGoOutTogetherAndCountExactly() throws Exception {
        backend = onePermit(Duration.ofSeconds(10));
        List<BucketConfig> buckets = buckets("250/hour", Algorithm.SLIDING_WINDOW);
        backend.checkAndIncrement("warm:rule:ip:{0}", buckets, 1); // connected and the script cached
        redis.server().command("CONFIG", "RESETSTAT");
        pause(300);

        List<CompletableFuture<BackendResult>> checks = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            checks.add(backend.checkAndIncrementAsync("many:rule:ip:{1}", buckets, 1).toCompletableFuture());
        }
        List<BackendResult> results = joinAll(checks);

        assertThat(results).filteredOn(BackendResult::allowed).as("exactly the limit").hasSize(250);
        assertThat(results).filteredOn(BackendResult::allowed).extracting(BackendResult::remaining)
                .as("each allowed check saw its own count").doesNotHaveDuplicates();
        assertThat(backend.callsSentAlone()).as("the warm-up and the first check, held by the pause").isEqualTo(2);
        assertThat(backend.batchesSent()).as("299 checks in batches of at most 128").isEqualTo(3);
        assertThat(backend.callsBatched()).isEqualTo(299);
        assertThat(redis.server().commandCalls().get("evalsha")).as("one EVALSHA per check all the same").isEqualTo(300);
        assertThat(backend.failuresCounted()).isZero();
    }

    @Test
    void aBatchMeetingAnEmptyScriptCacheReloadsItOnceAndSendsAgainOnlyTheCallsRedisRefused() throws Exception {
        backend = onePermit(Duration.ofSeconds(10));
        List<BucketConfig> buckets = buckets("10/min", Algorithm.FIXED_WINDOW);
        for (int i = 0; i < 10; i++) {
            backend.checkAndIncrement("refunded:rule:ip:{" + i + "}", buckets, 1);
        }
        redis.server().command("SCRIPT", "FLUSH");
        redis.server().command("CONFIG", "RESETSTAT");
        pause(300);

        // the first check holds the one permit and reloads the check script itself (NOSCRIPT, SCRIPT
        // LOAD, EVALSHA again); the batch behind it holds 10 checks, whose script is then known, and
        // 10 refunds, whose script is not
        CompletableFuture<BackendResult> first = backend.checkAndIncrementAsync("first:rule:ip:{1}", buckets, 1)
                .toCompletableFuture();
        List<CompletableFuture<BackendResult>> checks = new ArrayList<>();
        List<CompletableFuture<Void>> refunds = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            checks.add(backend.checkAndIncrementAsync("checked:rule:ip:{" + i + "}", buckets, 1).toCompletableFuture());
            refunds.add(backend.refundAsync("refunded:rule:ip:{" + i + "}", buckets, 1).toCompletableFuture());
        }

        assertThat(first.get(30, TimeUnit.SECONDS).remaining()).isEqualTo(9);
        assertThat(joinAll(checks)).allSatisfy(result -> assertThat(result.remaining()).isEqualTo(9));
        joinAll(refunds);
        assertThat(backend.checkAndIncrement("refunded:rule:ip:{3}", buckets, 1).remaining())
                .as("the refund was applied").isEqualTo(9);
        assertThat(backend.batchesSent()).isEqualTo(1);
        Map<String, Long> calls = redis.server().commandCalls();
        assertThat(calls.getOrDefault("script|load", calls.get("script"))).as("each script loaded once").isEqualTo(2);
        assertThat(calls.get("evalsha")).as("the first check twice, the batch, its 10 refunds again, the last check")
                .isEqualTo(2 + 20 + 10 + 1);
        assertThat(backend.failuresCounted()).isZero();
    }

    @Test
    void anErrorRedisGivesOneCallOfABatchFailsThatCallOnlyAndCountsOnce() throws Exception {
        backend = onePermit(Duration.ofSeconds(10));
        List<BucketConfig> buckets = buckets("10/min", Algorithm.FIXED_WINDOW);
        backend.checkAndIncrement("warm:rule:ip:{0}", buckets, 1);
        // a string where the script expects its hash: Redis answers that check with WRONGTYPE
        redis.server().command("SET", "broken:rule:ip:{9}:10/60000ms:fixed", "not a bucket");
        pause(300);

        CompletableFuture<BackendResult> first = backend.checkAndIncrementAsync("fine:rule:ip:{0}", buckets, 1)
                .toCompletableFuture();
        List<CompletableFuture<BackendResult>> fine = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            fine.add(backend.checkAndIncrementAsync("fine:rule:ip:{" + i + "}", buckets, 1).toCompletableFuture());
        }
        CompletableFuture<BackendResult> broken = backend.checkAndIncrementAsync("broken:rule:ip:{9}", buckets, 1)
                .toCompletableFuture();

        assertThat(first.get(30, TimeUnit.SECONDS).remaining()).isEqualTo(9);
        assertThat(joinAll(fine)).allSatisfy(result -> assertThat(result.remaining()).isEqualTo(9));
        assertThatThrownBy(broken::join).hasCauseInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("WRONGTYPE");
        assertThat(backend.batchesSent()).isEqualTo(1);
        assertThat(backend.failuresCounted()).as("the batch, once").isEqualTo(1);
    }

    @Test
    @ExtendWith(QuietLogs.class) // Redisson's warnings about the timed-out batch
    void aBatchRedisDoesNotAnswerFailsEveryCallInItAndCountsOnce() throws Exception {
        backend = onePermit(Duration.ofMillis(200));
        List<BucketConfig> buckets = buckets("10/min", Algorithm.SLIDING_WINDOW_COUNTER);
        backend.checkAndIncrement("warm:rule:ip:{0}", buckets, 1);
        pause(1_000); // far longer than the timeout, twice over

        CompletableFuture<BackendResult> first = backend.checkAndIncrementAsync("slow:rule:ip:{0}", buckets, 1)
                .toCompletableFuture();
        List<CompletableFuture<BackendResult>> batched = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            batched.add(backend.checkAndIncrementAsync("slow:rule:ip:{" + i + "}", buckets, 1).toCompletableFuture());
        }

        assertThatThrownBy(first::join).hasCauseInstanceOf(BackendUnavailableException.class);
        for (CompletableFuture<BackendResult> check : batched) {
            assertThatThrownBy(check::join).hasCauseInstanceOf(BackendUnavailableException.class);
        }
        assertThat(backend.batchesSent()).isEqualTo(1);
        assertThat(backend.failuresCounted()).as("the first call and the batch, once").isEqualTo(2);
        assertThat(backend.isCircuitOpen()).as("2 failures of %d", RedisBackend.CIRCUIT_FAILURES).isFalse();
        assertThat(backend.busyRefusals()).isZero();
    }

    @Test
    void withBatchingOffEveryCallWaitsForItsOwnPermit() throws Exception {
        backend = RedisBackend.builder().client(owner.client()).timeout(Duration.ofSeconds(10)).maxCallsInFlight(1)
                .batching(false).build();
        List<BucketConfig> buckets = buckets("100/min", Algorithm.FIXED_WINDOW);
        backend.checkAndIncrement("warm:rule:ip:{0}", buckets, 1);
        pause(100);
        List<CompletableFuture<BackendResult>> checks = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            checks.add(backend.checkAndIncrementAsync("off:rule:ip:{1}", buckets, 1).toCompletableFuture());
        }
        assertThat(joinAll(checks)).extracting(BackendResult::remaining).doesNotHaveDuplicates();
        assertThat(backend.batchesSent()).isZero();
        assertThat(backend.callsBatched()).isZero();
    }
}
