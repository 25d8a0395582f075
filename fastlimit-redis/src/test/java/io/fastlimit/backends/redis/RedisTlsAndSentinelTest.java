package io.fastlimit.backends.redis;

import io.fastlimit.Algorithm;
import io.fastlimit.backends.BackendResult;
import io.fastlimit.rules.BucketConfig;
import io.fastlimit.rules.Rate;
import io.fastlimit.testing.redis.RedisExtension;
import io.fastlimit.testing.redis.RedisTls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** TLS (rediss://) and Sentinel (redis-sentinel://) against real processes. */
class RedisTlsAndSentinelTest {

    @RegisterExtension
    static final RedisExtension sentinel = RedisExtension.sentinel();

    private static final BucketConfig BUCKET = BucketConfig.of(Rate.parse("2/min").get(0), Algorithm.SLIDING_WINDOW);

    @Test
    void sentinelFindsTheMaster() {
        try (RedisBackend backend = RedisBackend.fromUrl(sentinel.url())) {
            assertThat(backend.checkAndIncrement("s:r:ip:{1.1.1.1}", BUCKET, 1).remaining()).isEqualTo(1);
            assertThat(backend.checkAndIncrement("s:r:ip:{1.1.1.1}", BUCKET, 1).remaining()).isZero();
        }
        assertThat(sentinel.server().command("EXISTS", "s:r:ip:{1.1.1.1}:2/60000ms:log")).isEqualTo(1L);
    }

    @Test
    void checksThatArriveWhileACallIsInFlightTravelInOneBatchThroughSentinel() throws Exception {
        try (RedisBackend backend = RedisBackend.builder().url(sentinel.url()).timeout(Duration.ofSeconds(10))
                .maxCallsInFlight(1).build()) {
            List<BucketConfig> buckets = List.of(BucketConfig.of(Rate.parse("50/hour").get(0), Algorithm.FIXED_WINDOW));
            backend.checkAndIncrement("sb:r:ip:{warm}", buckets, 1); // connected and the script cached
            // the master holds the first check a moment (far less than Sentinel's down-after time), so the others wait for it
            assertThat(sentinel.server().command("CLIENT", "PAUSE", "200", "ALL")).isEqualTo("OK");
            List<CompletableFuture<BackendResult>> checks = new ArrayList<>();
            for (int i = 0; i < 80; i++) {
                checks.add(backend.checkAndIncrementAsync("sb:r:ip:{1.1.1.1}", buckets, 1).toCompletableFuture());
            }
            int allowed = 0;
            for (CompletableFuture<BackendResult> check : checks) {
                allowed += check.get(30, TimeUnit.SECONDS).allowed() ? 1 : 0;
            }
            assertThat(allowed).isEqualTo(50);
            assertThat(backend.batchesSent()).isEqualTo(1);
            assertThat(backend.callsBatched()).isEqualTo(79);
        }
    }

    @Test
    void tlsWithATrustStore() {
        RedisTls.assumeSupported();
        try (RedisTls tls = RedisTls.start();
             RedisBackend backend = RedisBackend.fromUrl(tls.url())) {
            assertThat(backend.checkAndIncrement("t:r:ip:{1.1.1.1}", BUCKET, 1).remaining()).isEqualTo(1);
            assertThat(backend.checkAndIncrement("t:r:ip:{1.1.1.1}", BUCKET, 2).allowed()).isFalse();
        }
    }
}
