package io.fastlimit.bench;

import io.fastlimit.backends.BackendResult;

import java.util.function.IntFunction;

import java.util.concurrent.CompletionStage;

import java.util.concurrent.CompletableFuture;

import java.util.List;

import io.fastlimit.Algorithm;
import io.fastlimit.backends.redis.RedisBackend;
import io.fastlimit.rules.BucketConfig;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.redisson.Bucket4jRedisson;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.redisson.Redisson;
import org.redisson.api.RRateLimiter;
import org.redisson.api.RateType;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;

/**
 * One allowed rate-limit check against a local Redis, with 16, 64 and 256 blocking callers (as a
 * servlet container calls) and one asynchronous caller keeping 64 checks in flight: fastlimit's
 * {@link RedisBackend} (each algorithm, batching on and off), Bucket4j's Redisson proxy manager and Redisson's own
 * {@link RRateLimiter}, all on one Redisson client configured alike, over 1,000 keys.
 *
 * <p>Every limiter is given a limit far above what the benchmark reaches, so every check is allowed.
 * The mode is JMH's sample time: the latency distribution (p50, p99) of checks, and, since every
 * caller sends its next check as soon as the last one returns, checks per second = callers / mean
 * latency. Run with {@code fastlimit-bench/redis-bench.sh}, which starts a redis-server on one core,
 * measures the floor (redis-benchmark running EVALSHA of a one-line script) and then this benchmark
 * on the other core, in one go.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 4)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class RedisCheckBenchmark {

    /** Each fastlimit algorithm with batching on (the default) and, next to it so both run close in time, off. */
    @Param({"fastlimit-SLIDING_WINDOW", "fastlimit-SLIDING_WINDOW-unbatched",
            "fastlimit-FIXED_WINDOW", "fastlimit-FIXED_WINDOW-unbatched",
            "fastlimit-TOKEN_BUCKET", "fastlimit-TOKEN_BUCKET-unbatched",
            "fastlimit-SLIDING_WINDOW_COUNTER", "fastlimit-SLIDING_WINDOW_COUNTER-unbatched",
            "bucket4j-redisson", "redisson-RRateLimiter"})
    public String limiter;

    @Param("redis://127.0.0.1:6390")
    public String url;

    private static final int KEYS = 1_000;
    private static final long LIMIT_PER_SECOND = 1_000_000_000L;

    /** Checks one asynchronous caller keeps in flight, as a non-blocking server would. */
    static final int ASYNC_IN_FLIGHT = 64;

    RedissonClient client;
    /** The keys' prefix: another for each limiter when several share the server. */
    String keyPrefix = "bench";
    IntPredicate check;
    IntFunction<CompletionStage<Boolean>> checkAsync;

    @Setup(Level.Trial)
    public void setUp() {
        Config config = new Config();
        config.setCodec(StringCodec.INSTANCE);
        // as recommended for an application's own client (docs/backends.md), the same for every limiter
        config.setNettyThreads(Math.max(2, Runtime.getRuntime().availableProcessors()));
        if (io.netty.channel.epoll.Epoll.isAvailable()) {
            config.setTransportMode(org.redisson.config.TransportMode.EPOLL);
        }
        config.useSingleServer().setAddress(url)
                .setConnectionPoolSize(64).setConnectionMinimumIdleSize(64)
                .setTimeout(5_000).setRetryAttempts(0);
        client = Redisson.create(config);
        if (keyPrefix.equals("bench")) {
            client.getKeys().flushall(); // alone on the server; RedisCheckCost sets several limiters up side by side
        }
        String[] keys = new String[KEYS];
        for (int i = 0; i < KEYS; i++) {
            keys[i] = keyPrefix + ":api:ip:{10.0." + (i >>> 8) + "." + (i & 0xff) + "}";
        }
        check = create(keys);
        for (int i = 0; i < KEYS; i++) {
            if (!check.test(i)) {
                throw new IllegalStateException(limiter + " refused a check during set-up");
            }
        }
    }

    private IntPredicate create(String[] keys) {
        if (limiter.startsWith("fastlimit-")) {
            // fastlimit-<ALGORITHM>, batching on (the default); -unbatched turns it off, -inflight<N>
            // sets the calls in flight (default 16)
            String[] parts = limiter.split("-");
            Algorithm algorithm = Algorithm.valueOf(parts[1]);
            RedisBackend.Builder builder = RedisBackend.builder().client(client).timeout(Duration.ofSeconds(5));
            for (int i = 2; i < parts.length; i++) {
                if (parts[i].equals("unbatched")) {
                    builder.batching(false);
                } else if (parts[i].startsWith("inflight")) {
                    builder.maxCallsInFlight(Integer.parseInt(parts[i].substring("inflight".length())));
                } else {
                    throw new IllegalArgumentException("Unknown option " + parts[i] + " of " + limiter);
                }
            }
            RedisBackend backend = builder.build();
            BucketConfig bucket = new BucketConfig(LIMIT_PER_SECOND, Duration.ofSeconds(1), algorithm);
            List<BucketConfig> buckets = List.of(bucket);
            checkAsync = i -> backend.checkAndIncrementAsync(keys[i], buckets, 1).thenApply(BackendResult::allowed);
            return i -> backend.checkAndIncrement(keys[i], bucket, 1).allowed();
        }
        if (limiter.equals("bucket4j-redisson")) {
            ProxyManager<String> proxies = Bucket4jRedisson.casBasedBuilder(((Redisson) client).getCommandExecutor())
                    .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
                    .build();
            BucketConfiguration configuration = BucketConfiguration.builder()
                    .addLimit(Bandwidth.builder().capacity(LIMIT_PER_SECOND).refillGreedy(LIMIT_PER_SECOND, Duration.ofSeconds(1)).build())
                    .build();
            io.github.bucket4j.distributed.BucketProxy[] buckets = new io.github.bucket4j.distributed.BucketProxy[KEYS];
            for (int i = 0; i < KEYS; i++) {
                buckets[i] = proxies.builder().build(keys[i], () -> configuration);
            }
            io.github.bucket4j.distributed.AsyncBucketProxy[] asyncBuckets = new io.github.bucket4j.distributed.AsyncBucketProxy[KEYS];
            for (int i = 0; i < KEYS; i++) {
                asyncBuckets[i] = proxies.asAsync().builder().build(keys[i], () -> CompletableFuture.completedFuture(configuration));
            }
            checkAsync = i -> asyncBuckets[i].tryConsume(1);
            return i -> buckets[i].tryConsume(1);
        }
        if (limiter.equals("redisson-RRateLimiter")) {
            RRateLimiter[] limiters = new RRateLimiter[KEYS];
            for (int i = 0; i < KEYS; i++) {
                limiters[i] = client.getRateLimiter(keys[i]);
                limiters[i].trySetRate(RateType.OVERALL, LIMIT_PER_SECOND, Duration.ofSeconds(1));
            }
            checkAsync = i -> limiters[i].tryAcquireAsync();
            return i -> limiters[i].tryAcquire();
        }
        throw new IllegalArgumentException("Unknown limiter " + limiter);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        client.shutdown();
    }

    /** Each caller walks the keys from its own random start. */
    @State(Scope.Thread)
    public static class Cursor {
        int next = ThreadLocalRandom.current().nextInt(KEYS);

        int advance() {
            int index = next;
            next = index + 1 == KEYS ? 0 : index + 1;
            return index;
        }
    }

    @Benchmark
    @Threads(16)
    public boolean callers16(Cursor cursor) {
        return check.test(cursor.advance());
    }

    @Benchmark
    @Threads(64)
    public boolean callers64(Cursor cursor) {
        return check.test(cursor.advance());
    }

    @Benchmark
    @Threads(256)
    public boolean callers256(Cursor cursor) {
        return check.test(cursor.advance());
    }

    /**
     * One asynchronous caller with {@value #ASYNC_IN_FLIGHT} checks in flight: the time of a round of
     * them, so checks per second = {@value #ASYNC_IN_FLIGHT} / mean time.
     */
    @Benchmark
    @Threads(1)
    public int async64(Cursor cursor) {
        @SuppressWarnings("unchecked")
        CompletableFuture<Boolean>[] round = new CompletableFuture[ASYNC_IN_FLIGHT];
        for (int i = 0; i < ASYNC_IN_FLIGHT; i++) {
            round[i] = checkAsync.apply(cursor.advance()).toCompletableFuture();
        }
        CompletableFuture.allOf(round).join();
        int allowed = 0;
        for (CompletableFuture<Boolean> check : round) {
            allowed += check.join() ? 1 : 0;
        }
        return allowed;
    }
}
