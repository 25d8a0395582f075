package io.fastlimit.backends.redis;

import io.fastlimit.Algorithm;
import io.fastlimit.ClientRequest;
import io.fastlimit.FailurePolicy;
import io.fastlimit.FastLimit;
import io.fastlimit.RateLimitDecision;
import io.fastlimit.backends.BackendResult;
import io.fastlimit.backends.BackendUnavailableException;
import io.fastlimit.rules.BucketConfig;
import io.fastlimit.rules.Rate;
import io.fastlimit.rules.RateLimitRule;
import io.fastlimit.testing.ManualClock;
import io.fastlimit.testing.logging.QuietLogs;
import io.fastlimit.testing.redis.RedisExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What one key may cost Redis: a bound that does not grow with the limit, and nothing at all from a
 * Redis that is full.
 */
class RedisMemoryBoundTest {

    @RegisterExtension
    static final RedisExtension redis = RedisExtension.standalone();

    private static RedisBackend connection;
    private final ManualClock clock = new ManualClock();

    @BeforeAll
    static void connect() {
        connection = RedisBackend.fromUrl(redis.url());
    }

    @AfterAll
    static void disconnect() {
        connection.close();
    }

    @BeforeEach
    void empty() {
        redis.server().command("FLUSHALL");
    }

    @AfterEach
    void roomAgain() {
        redis.server().command("CONFIG", "SET", "maxmemory", "0");
    }

    private RedisBackend backend() {
        return RedisBackend.builder().client(connection.client()).testClock(clock).build();
    }

    private static long number(Object reply) {
        return reply instanceof Long l ? l : Long.parseLong(String.valueOf(reply));
    }

    @Test
    void aSlidingLogAtAHugeLimitHoldsABoundedNumberOfEntries() {
        RedisBackend backend = backend();
        BucketConfig bucket = BucketConfig.of(Rate.parse("1000000/hour").get(0), Algorithm.SLIDING_WINDOW);
        String key = "huge:rule:ip:{198.51.100.1}";
        // a whole hour of traffic at the limit: 20,000 requests of 50 units, one every 180 ms
        for (int i = 0; i < 20_000; i++) {
            assertThat(backend.checkAndIncrement(key, bucket, 50).allowed()).as("request %d", i).isTrue();
            clock.advanceMillis(180);
        }
        clock.advanceMillis(-180 + 1); // still inside the hour that began with the first request
        BackendResult full = backend.checkAndIncrement(key, bucket, 1);
        assertThat(full.allowed()).as("never more than the limit in a window").isFalse();
        assertThat(full.remaining()).isZero();

        String redisKey = key + ":1000000/3600000ms:log";
        long entries = number(redis.server().command("ZCARD", redisKey));
        long bytes = number(redis.server().command("MEMORY", "USAGE", redisKey));
        assertThat(entries).as("entries of a full key at 10^6 per hour").isLessThanOrEqualTo(io.fastlimit.rules.BucketConfig.SLIDING_LOG_EXACT_LIMIT + 2);
        assertThat(bytes).as("bytes of a full key at 10^6 per hour").isLessThan(200_000);
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void aFullRedisTakesNoNewKey(Algorithm algorithm) {
        RedisBackend backend = backend();
        BucketConfig bucket = BucketConfig.of(Rate.parse("100/min").get(0), algorithm);
        backend.checkAndIncrement("full:rule:ip:{warm-up}", bucket, 1); // the script is cached
        long keysBefore = number(redis.server().command("DBSIZE"));

        redis.server().command("CONFIG", "SET", "maxmemory-policy", "noeviction");
        redis.server().command("CONFIG", "SET", "maxmemory", "1"); // already over it: a full Redis
        for (int i = 0; i < 20; i++) {
            String key = "full:rule:ip:{198.51.100." + i + "}";
            assertThatThrownBy(() -> backend.checkAndIncrement(key, bucket, 1))
                    .isInstanceOf(BackendUnavailableException.class)
                    .hasMessageContaining("maxmemory");
            clock.advanceMillis(1_001); // past the circuit's open time, so each check reaches Redis
        }
        redis.server().command("CONFIG", "SET", "maxmemory", "0");
        assertThat(number(redis.server().command("DBSIZE"))).as("keys written into a full Redis").isEqualTo(keysBefore);
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    @ExtendWith(QuietLogs.class) // the warnings of a Redis that is full on purpose
    void aFullRedisReachesTheFailurePolicyForKnownKeysToo(Algorithm algorithm) {
        FastLimit limiter = FastLimit.builder().backend(backend()).clock(clock)
                .algorithm(algorithm).failurePolicy(FailurePolicy.OPEN).build();
        RateLimitRule rule = RateLimitRule.ip("full", "100/min");
        ClientRequest client = ClientRequest.of("198.51.100.30");
        assertThat(limiter.check(rule, client).bucketChecked()).isTrue();

        redis.server().command("CONFIG", "SET", "maxmemory-policy", "noeviction");
        redis.server().command("CONFIG", "SET", "maxmemory", "1");
        RateLimitDecision decision = limiter.check(rule, client);
        assertThat(decision.bucketChecked()).as("decided by the failure policy, which reports no bucket").isFalse();
        assertThat(decision.allowed()).as("open").isTrue();
    }
}
