package io.fastlimit.bench;

import com.google.common.util.concurrent.RateLimiter;
import io.fastlimit.Algorithm;
import io.fastlimit.ClientRequest;
import io.fastlimit.FastLimit;
import io.fastlimit.backends.memory.MemoryBackend;
import io.fastlimit.event.RateLimitListener;
import io.fastlimit.rules.BucketConfig;
import io.fastlimit.rules.RateLimitRule;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
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

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The cost of one allowed rate-limit check, for fastlimit's memory backend (each algorithm) and for
 * Bucket4j's local bucket, Resilience4j's {@code RateLimiter} and Guava's {@code RateLimiter}, on one
 * key and spread over 100,000 keys, with 1 and 2 threads.
 *
 * <p>Every limiter is given a limit far above what the benchmark can reach (10^9 per second), so
 * every check is allowed and what is measured is the bookkeeping of a check. Peers that have no
 * notion of keys keep one limiter per key in a {@link ConcurrentHashMap}, which is how an
 * application would use them per client.
 *
 * <p>{@code fastlimit-check-listened-*} is the whole check with a listener that does nothing: what a
 * check pays for building its event, against {@code fastlimit-check-*} with no listener.
 *
 * <p>Run: {@code ./mvnw -q -pl fastlimit-bench -am package -DskipTests && java -jar fastlimit-bench/target/benchmarks.jar AllowedCheck}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class AllowedCheckBenchmark {

    /** What is measured: fastlimit's backend per algorithm, fastlimit's whole check, and the peers. */
    @Param({"fastlimit-SLIDING_WINDOW", "fastlimit-FIXED_WINDOW", "fastlimit-TOKEN_BUCKET",
            "fastlimit-SLIDING_WINDOW_COUNTER", "fastlimit-check-FIXED_WINDOW", "fastlimit-check-listened-FIXED_WINDOW",
            "bucket4j", "resilience4j", "guava"})
    public String limiter;

    @Param({"1", "100000"})
    public int keys;

    /** Far above any rate the benchmark reaches, so every check is allowed. */
    private static final long LIMIT_PER_SECOND = 1_000_000_000L;

    private String[] keyNames;
    private ClientRequest[] requests;
    private KeyedLimiter target;
    private AutoCloseable closeable;

    /** One check of one key; returns whether it was allowed. */
    interface KeyedLimiter {
        boolean tryAcquire(int keyIndex);
    }

    @Setup(Level.Trial)
    public void setUp() {
        keyNames = new String[keys];
        requests = new ClientRequest[keys];
        for (int i = 0; i < keys; i++) {
            String ip = "10." + (i >>> 16 & 0xff) + "." + (i >>> 8 & 0xff) + "." + (i & 0xff);
            keyNames[i] = "fastlimit:bench:ip:{" + ip + "}";
            requests[i] = ClientRequest.of(ip);
        }
        target = create();
        for (int i = 0; i < keys; i++) {
            if (!target.tryAcquire(i)) {
                throw new IllegalStateException(limiter + " refused a check during set-up");
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        if (closeable != null) {
            closeable.close();
        }
    }

    private KeyedLimiter create() {
        if (limiter.startsWith("fastlimit-check-")) {
            String rest = limiter.substring("fastlimit-check-".length());
            boolean listened = rest.startsWith("listened-");
            Algorithm algorithm = Algorithm.valueOf(listened ? rest.substring("listened-".length()) : rest);
            FastLimit.Builder builder = FastLimit.builder().algorithm(algorithm);
            if (listened) {
                builder.listener(new RateLimitListener() { }); // hears every decision, does nothing with it
            }
            FastLimit fastLimit = builder.build();
            closeable = fastLimit;
            RateLimitRule rule = RateLimitRule.ip("bench", LIMIT_PER_SECOND + "/s");
            return i -> fastLimit.check(rule, requests[i]).allowed();
        }
        if (limiter.startsWith("fastlimit-")) {
            Algorithm algorithm = Algorithm.valueOf(limiter.substring("fastlimit-".length()));
            MemoryBackend backend = new MemoryBackend();
            closeable = backend;
            BucketConfig bucket = new BucketConfig(LIMIT_PER_SECOND, Duration.ofSeconds(1), algorithm);
            return i -> backend.checkAndIncrement(keyNames[i], bucket, 1).allowed();
        }
        switch (limiter) {
            case "bucket4j":
                return perKey(k -> Bucket.builder()
                        .addLimit(Bandwidth.builder().capacity(LIMIT_PER_SECOND)
                                .refillGreedy(LIMIT_PER_SECOND, Duration.ofSeconds(1)).build())
                        .build(), b -> b.tryConsume(1));
            case "resilience4j":
                RateLimiterConfig config = RateLimiterConfig.custom()
                        .limitForPeriod((int) LIMIT_PER_SECOND)
                        .limitRefreshPeriod(Duration.ofSeconds(1))
                        .timeoutDuration(Duration.ZERO)
                        .build();
                return perKey(k -> io.github.resilience4j.ratelimiter.RateLimiter.of(k, config),
                        io.github.resilience4j.ratelimiter.RateLimiter::acquirePermission);
            case "guava":
                return perKey(k -> RateLimiter.create(LIMIT_PER_SECOND), RateLimiter::tryAcquire);
            default:
                throw new IllegalArgumentException("Unknown limiter " + limiter);
        }
    }

    /** A map of one peer limiter per key, looked up on every check as an application would. */
    private <L> KeyedLimiter perKey(Function<String, L> factory, java.util.function.Predicate<L> acquire) {
        Map<String, L> byKey = new ConcurrentHashMap<>(new HashMap<>(keys * 2));
        for (String key : keyNames) {
            byKey.put(key, factory.apply(key));
        }
        return i -> acquire.test(byKey.get(keyNames[i]));
    }

    /**
     * Each thread visits the keys in an order of its own, shuffled once, as clients arrive in no
     * particular order: walking them in the order they were created would let the CPU's prefetcher
     * hide the cache misses a real spread of clients costs.
     */
    @State(Scope.Thread)
    public static class Cursor {
        int[] order;
        int next;

        @Setup(Level.Trial)
        public void shuffle(AllowedCheckBenchmark benchmark) {
            order = new int[benchmark.keys];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (int i = order.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int swap = order[i];
                order[i] = order[j];
                order[j] = swap;
            }
        }

        int advance(int keys) {
            int index = order[next];
            next = next + 1 == keys ? 0 : next + 1;
            return index;
        }
    }

    @Benchmark
    @Threads(1)
    public boolean oneThread(Cursor cursor) {
        return target.tryAcquire(cursor.advance(keys));
    }

    @Benchmark
    @Threads(2)
    public boolean twoThreads(Cursor cursor) {
        return target.tryAcquire(cursor.advance(keys));
    }
}
