package io.fastlimit.backends.redis;

import io.fastlimit.Algorithm;
import io.fastlimit.rules.BucketConfig;
import io.fastlimit.rules.Rate;
import io.fastlimit.testing.redis.RedisExtension;
import io.fastlimit.testing.redis.RedisTls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

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
    void tlsWithATrustStore() {
        RedisTls.assumeSupported();
        try (RedisTls tls = RedisTls.start();
             RedisBackend backend = RedisBackend.fromUrl(tls.url())) {
            assertThat(backend.checkAndIncrement("t:r:ip:{1.1.1.1}", BUCKET, 1).remaining()).isEqualTo(1);
            assertThat(backend.checkAndIncrement("t:r:ip:{1.1.1.1}", BUCKET, 2).allowed()).isFalse();
        }
    }
}
