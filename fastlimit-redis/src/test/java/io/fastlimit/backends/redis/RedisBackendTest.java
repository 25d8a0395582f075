package io.fastlimit.backends.redis;

import io.fastlimit.Algorithm;
import io.fastlimit.ClientRequest;
import io.fastlimit.FastLimit;
import io.fastlimit.RateLimitDecision;
import io.fastlimit.backends.BackendResult;
import io.fastlimit.rules.BucketConfig;
import io.fastlimit.rules.Rate;
import io.fastlimit.rules.RateLimitRule;
import io.fastlimit.testing.redis.RedisExtension;
import io.fastlimit.testing.redis.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The Redis backend against a real standalone redis-server, on the server's own clock. */
class RedisBackendTest {

    @RegisterExtension
    static final RedisExtension redis = RedisExtension.standalone();

    private static RedisBackend backend;

    @BeforeAll
    static void connect() {
        backend = RedisBackend.fromUrl(redis.url());
    }

    @AfterAll
    static void disconnect() {
        backend.close();
    }

    @BeforeEach
    void empty() {
        redis.server().command("FLUSHALL");
    }

    private static BucketConfig bucket(String rate, Algorithm algorithm) {
        return BucketConfig.of(Rate.parse(rate).get(0), algorithm);
    }

    private static long serverTimeMs() {
        @SuppressWarnings("unchecked")
        List<Object> time = (List<Object>) redis.server().command("TIME");
        return Long.parseLong((String) time.get(0)) * 1000 + Long.parseLong((String) time.get(1)) / 1000;
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void threeClientsWithEightThreadsEachAllowExactlyTheLimit(Algorithm algorithm) throws Exception {
        int allowed = RedisExactness.allowedAcrossClients(redis.url(), algorithm, "exact:rule:ip:{" + algorithm + "}", true);
        assertThat(allowed).isEqualTo(RedisExactness.LIMIT);
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void threeClientsWithEightThreadsEachAllowExactlyTheLimitWithoutBatching(Algorithm algorithm) throws Exception {
        int allowed = RedisExactness.allowedAcrossClients(redis.url(), algorithm, "unbatched:rule:ip:{" + algorithm + "}", false);
        assertThat(allowed).isEqualTo(RedisExactness.LIMIT);
    }

    @Test
    void everyCheckIsOneEvalshaAndNothingElse() {
        BucketConfig bucket = bucket("100/min", Algorithm.SLIDING_WINDOW);
        backend.checkAndIncrement("rt:rule:ip:{1.1.1.1}", bucket, 1); // warm-up: the script is now cached
        redis.server().command("CONFIG", "RESETSTAT");
        int checks = 0;
        for (Algorithm algorithm : Algorithm.values()) {
            List<BucketConfig> two = List.of(bucket("100/min", algorithm), bucket("1000/hour", algorithm));
            for (int i = 0; i < 25; i++) {
                backend.checkAndIncrement("rt:rule:ip:{" + algorithm + "}", two, 1);
                checks++;
            }
        }
        Map<String, Long> calls = redis.server().commandCalls();
        assertThat(calls.get("evalsha")).isEqualTo(checks);
        assertThat(calls).doesNotContainKeys("eval", "get", "set", "script", "script|load", "keys", "multi");
    }

    @Test
    void aFlushedScriptCacheIsReloadedOnce() {
        BucketConfig bucket = bucket("10/min", Algorithm.FIXED_WINDOW);
        backend.checkAndIncrement("flush:rule:ip:{1.1.1.1}", bucket, 1);
        redis.server().command("SCRIPT", "FLUSH");
        redis.server().command("CONFIG", "RESETSTAT");
        assertThat(backend.checkAndIncrement("flush:rule:ip:{1.1.1.1}", bucket, 1).remaining()).isEqualTo(8);
        assertThat(backend.checkAndIncrement("flush:rule:ip:{1.1.1.1}", bucket, 1).remaining()).isEqualTo(7);
        Map<String, Long> calls = redis.server().commandCalls();
        // Redis 7 counts "script|load"; Redis 6 counts subcommands under "script"
        assertThat(calls.getOrDefault("script|load", calls.get("script"))).as("loaded once").isEqualTo(1);
        assertThat(calls.get("evalsha")).as("the refused call, its retry, the next check").isEqualTo(3);
        assertThat(calls).doesNotContainKey("eval");
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void timeComesFromTheServer(Algorithm algorithm) {
        long before = serverTimeMs();
        BackendResult result = backend.checkAndIncrement("time:rule:ip:{1.1.1.1}", bucket("1/min", algorithm), 1);
        long after = serverTimeMs();
        // the bucket is whole again one window after "now" (counter: after the next window), as the server sees it
        long latest = algorithm == Algorithm.SLIDING_WINDOW_COUNTER ? after + 120_000 : after + 60_000;
        assertThat(result.resetMs()).isBetween(before - 60_000, latest + 1);
        BackendResult blocked = backend.checkAndIncrement("time:rule:ip:{1.1.1.1}", bucket("1/min", algorithm), 1);
        assertThat(blocked.allowed()).isFalse();
        assertThat(blocked.retryAfterMs()).isBetween(1L, 120_000L);
    }

    @Test
    void stateIsPlainRedisTypesUnderThePrefixAndExpires() {
        Map<Algorithm, String> types = Map.of(Algorithm.SLIDING_WINDOW, "zset", Algorithm.FIXED_WINDOW, "hash",
                Algorithm.TOKEN_BUCKET, "hash", Algorithm.SLIDING_WINDOW_COUNTER, "hash");
        Map<Algorithm, String> suffixes = Map.of(Algorithm.SLIDING_WINDOW, "log", Algorithm.FIXED_WINDOW, "fixed",
                Algorithm.TOKEN_BUCKET, "token", Algorithm.SLIDING_WINDOW_COUNTER, "counter");
        for (Algorithm algorithm : Algorithm.values()) {
            backend.checkAndIncrement("app:login:ip:{203.0.113.9}", bucket("5/min", algorithm), 1);
            String key = "app:login:ip:{203.0.113.9}:5/60000ms:" + suffixes.get(algorithm);
            assertThat(redis.server().command("TYPE", key)).as(key).isEqualTo(types.get(algorithm));
            long ttlMs = (Long) redis.server().command("PTTL", key);
            assertThat(ttlMs).as("TTL of " + key).isPositive().isLessThanOrEqualTo(121_000);
        }
        assertThat(redis.server().command("HGET", "app:login:ip:{203.0.113.9}:5/60000ms:fixed", "n")).isEqualTo("1");
        assertThat(redis.server().command("ZCARD", "app:login:ip:{203.0.113.9}:5/60000ms:log")).isEqualTo(1L);
    }

    @Test
    void resetAndClearAllScanRatherThanKeys() {
        RedisBackend backend = RedisBackend.builder().client(RedisBackendTest.backend.client()).keyPrefix("app").build();
        BucketConfig bucket = bucket("2/min", Algorithm.FIXED_WINDOW);
        backend.checkAndIncrement("app:r:ip:{1.1.1.1}", List.of(bucket, bucket("5/hour", Algorithm.FIXED_WINDOW)), 2);
        backend.checkAndIncrement("app:r:ip:{2.2.2.2}", bucket, 2);
        backend.checkAndIncrement("other-app:r:ip:{2.2.2.2}", bucket, 2);
        redis.server().command("SET", "someone-else:key", "kept");
        redis.server().command("CONFIG", "RESETSTAT");

        backend.reset("app:r:ip:{1.1.1.1}");
        assertThat(backend.checkAndIncrement("app:r:ip:{1.1.1.1}", bucket, 1).remaining()).isEqualTo(1);
        assertThat(backend.checkAndIncrement("app:r:ip:{2.2.2.2}", bucket, 1).allowed()).isFalse();

        backend.clearAll();
        assertThat(backend.checkAndIncrement("app:r:ip:{2.2.2.2}", bucket, 1).allowed()).isTrue();
        assertThat(backend.checkAndIncrement("other-app:r:ip:{2.2.2.2}", bucket, 1).allowed())
                .as("another limiter's buckets, under another prefix, are kept").isFalse();
        assertThat(redis.server().command("GET", "someone-else:key")).isEqualTo("kept");
        assertThat(redis.server().commandCalls()).containsKey("scan").doesNotContainKey("keys");
    }

    @Test
    void resettingNamedBucketsDeletesThemInOneCallWithoutScanning() {
        List<BucketConfig> buckets = List.of(bucket("2/min", Algorithm.SLIDING_WINDOW), bucket("5/hour", Algorithm.FIXED_WINDOW));
        String key = "app:login:ip:{198.51.100.60}";
        backend.checkAndIncrement(key, buckets, 2);
        backend.checkAndIncrement("app:login:ip:{198.51.100.61}", buckets, 2);
        for (int i = 0; i < 20; i++) { // unrelated keys that a scan would have to walk past
            redis.server().command("SET", "unrelated:" + i, "x");
        }
        backend.reset("app:login:ip:{warm-up}", buckets); // the script is cached
        redis.server().command("CONFIG", "RESETSTAT");

        backend.reset(key, buckets);

        Map<String, Long> calls = redis.server().commandCalls();
        assertThat(calls).doesNotContainKeys("scan", "keys").containsEntry("evalsha", 1L);
        assertThat(backend.checkAndIncrement(key, buckets, 2).allowed()).as("forgotten").isTrue();
        assertThat(backend.checkAndIncrement("app:login:ip:{198.51.100.61}", buckets, 1).allowed())
                .as("another client's buckets kept").isFalse();
    }

    @Test
    void aResetOnAPausedRedisFailsAsAnUnavailableBackend() {
        RedisBackend timed = RedisBackend.builder().client(backend.client()).timeout(Duration.ofMillis(100)).build();
        List<BucketConfig> buckets = List.of(bucket("2/min", Algorithm.FIXED_WINDOW));
        timed.reset("app:login:ip:{198.51.100.62}", buckets); // connected, script cached
        redis.server().command("CLIENT", "PAUSE", "1000", "WRITE");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> timed.reset("app:login:ip:{198.51.100.62}", buckets))
                .isInstanceOf(io.fastlimit.backends.BackendUnavailableException.class)
                .hasMessageContaining("100 ms");
        assertThat(timed.failuresCounted()).isEqualTo(1);
        redis.server().command("SET", "after-the-pause", "1"); // waits for the pause to end
    }

    @Test
    void keysWithoutAHashTagGetOne() {
        BucketConfig bucket = bucket("2/min", Algorithm.TOKEN_BUCKET);
        List<BucketConfig> two = List.of(bucket, bucket("3/hour", Algorithm.TOKEN_BUCKET));
        assertThat(backend.checkAndIncrement("plain-key", two, 1).allowed()).isTrue();
        assertThat(redis.server().command("EXISTS", "{plain-key}:2/60000ms:token")).isEqualTo(1L);
        assertThat(RedisBackend.hashTagged("a:{b}:c")).isEqualTo("a:{b}:c");
        assertThat(RedisBackend.hashTagged("a:{}:c")).isEqualTo("{a:{}:c}");
    }

    @Test
    void theLimiterTakesARedisUrl() {
        try (FastLimit limiter = FastLimit.builder().redisUrl(redis.url()).keyPrefix("viaurl").build()) {
            RateLimitRule rule = RateLimitRule.ip("login", "2/min");
            ClientRequest client = ClientRequest.of("198.51.100.4");
            assertThat(limiter.check(rule, client).allowed()).isTrue();
            assertThat(limiter.check(rule, client).allowed()).isTrue();
            RateLimitDecision blocked = limiter.check(rule, client);
            assertThat(blocked.allowed()).isFalse();
            assertThat(blocked.headers()).containsKey("Retry-After");
            assertThat(redis.server().command("EXISTS", "viaurl:login:ip:{198.51.100.4}:2/60000ms:log")).isEqualTo(1L);
        }
        try (FastLimit fromEnv = FastLimit.builder().env(Map.of("FASTLIMIT_REDIS_URL", redis.url())).build()) {
            assertThat(fromEnv.backend()).isInstanceOf(RedisBackend.class);
        }
    }

    @Test
    void aclUsersPasswordsAndDatabases() {
        try (RedisServer secured = RedisServer.startNew("--requirepass", "topsecret",
                "--user", "alice", "on", ">wonderland", "~*", "&*", "+@all")) {
            try (RedisBackend withPassword = RedisBackend.fromUrl("redis://:topsecret@127.0.0.1:" + secured.port() + "/3");
                 RedisBackend withUser = RedisBackend.fromUrl("redis://alice:wonderland@127.0.0.1:" + secured.port())) {
                BucketConfig bucket = bucket("3/min", Algorithm.FIXED_WINDOW);
                assertThat(withPassword.checkAndIncrement("db:r:ip:{1.1.1.1}", bucket, 1).remaining()).isEqualTo(2);
                assertThat(withUser.checkAndIncrement("db:r:ip:{1.1.1.1}", bucket, 1).remaining())
                        .as("database 0 is another database").isEqualTo(2);
            }
            String keyspace = (String) secured.commandAs("alice", "wonderland", "INFO", "keyspace");
            assertThat(keyspace).contains("db3:keys=1").contains("db0:keys=1");
            org.assertj.core.api.Assertions.assertThatThrownBy(
                    () -> RedisBackend.fromUrl("redis://alice:wrong@127.0.0.1:" + secured.port()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("refused")
                    .hasMessageNotContaining("wrong@");
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> RedisBackend.fromUrl("redis://:unexpected@127.0.0.1:" + redis.server().port()))
                .as("a password for a Redis that has none")
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("refused");
    }
}
