package io.fastlimit.backends.redis;

import io.fastlimit.backends.Backend;
import io.fastlimit.backends.BackendResult;
import io.fastlimit.backends.BackendUnavailableException;
import io.fastlimit.backends.CircuitBreakingBackend;
import io.fastlimit.rules.BucketConfig;
import org.redisson.api.RFuture;
import org.redisson.api.RKeys;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.api.options.KeysOptions;
import org.redisson.api.options.KeysScanOptions;
import org.redisson.api.options.OptionalOptions;
import org.redisson.client.RedisNoScriptException;
import org.redisson.client.codec.StringCodec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;

/**
 * A {@link Backend} that keeps buckets in Redis, so every instance of an application shares the
 * same limits. It lives in {@code io.fastlimit:fastlimit-redis}, which brings Redisson; the limiter
 * finds it for a {@code redis://}, {@code rediss://} or {@code redis-sentinel://} URL.
 *
 * <pre>{@code
 * Backend redis = RedisBackend.fromUrl("redis://localhost:6379");
 * FastLimit limiter = FastLimit.builder().backend(redis).build();
 * // or, reusing the application's own client and connection pool:
 * Backend shared = new RedisBackend(redissonClient);
 * }</pre>
 *
 * <h2>How a check runs</h2>
 * Every check is one Lua script run atomically on the server, sent as {@code EVALSHA}: exactly one
 * network round trip, no read-then-write from the client. When the server does not know the script
 * (after a restart, a failover or {@code SCRIPT FLUSH}) it is loaded once with {@code SCRIPT LOAD}
 * and the check is sent again. The script reads the server's clock ({@code TIME}, microseconds), so
 * application servers with skewed clocks agree. Every bucket of one check lives under the key's
 * hash tag ({@code {…}}), so the script runs unchanged on Redis Cluster; every key carries the
 * limiter's prefix and expires by itself once its state no longer matters. State is plain Redis
 * types (sorted sets and hashes), readable with {@code redis-cli}.
 *
 * <h2>Blocked clients cost no round trip</h2>
 * Once Redis has blocked a cost-1 check of a key, this backend answers that key's cost-1 checks
 * itself, with the same answer and the retry-after counted down, until Redis would let one through:
 * a client that keeps knocking after its 429 costs Redis nothing. The answer is exact (a cost-1
 * block means no unit is free until then, and this instance's blocked checks consume nothing). A
 * reset or refund through this backend forgets the key at once; one through another instance is
 * not seen, so this one keeps blocking until the time Redis gave, at most. At most
 * {@link Builder#blockedKeysCached(int)} keys are remembered.
 *
 * <h2>Concurrent checks travel together</h2>
 * A check that finds a call in flight free ({@link Builder#maxCallsInFlight(int)}) is sent at once, on
 * its own. Checks that find them all taken join the next batch, which goes to Redis as one pipeline
 * as soon as a call ends, taking its place: one write and one read for up to 128 checks, each still
 * its own atomic script, so no answer changes. A batch counts as one call for the permits, the
 * timeout (from its sending) and the circuit (one outcome). See {@link CommandBatcher};
 * {@link Builder#batching(boolean)} turns it off.
 *
 * <h2>When Redis fails</h2>
 * At most {@link Builder#maxCallsInFlight(int)} calls (or batches) are in flight; more wait for a permit, at most
 * {@link Builder#queueTimeout(Duration)}, and one that gets none goes to the failure policy without
 * counting as a Redis failure: a busy instance is not a dead Redis. Holding a permit,
 * a call waits at most {@link Builder#timeout(Duration) timeout} (default 250 ms) and is never
 * retried silently, also on an application's own client whatever its timeout and retry settings
 * (the backend's calls carry their own); it then throws {@link BackendUnavailableException} and the limiter's failure
 * policy decides. After {@value #CIRCUIT_FAILURES} failures in a row the backend stops calling Redis
 * for {@value #CIRCUIT_OPEN_MS} ms (calls fail at once), then tries again with one call, so a dead
 * Redis costs requests no waiting and a Redis that comes back is used again without a restart.
 *
 * <p>This class is thread-safe.
 */
public final class RedisBackend implements CircuitBreakingBackend {


    private static final System.Logger LOG = System.getLogger(RedisBackend.class.getName());

    /** Default wait for one check: a few round trips on a LAN, far less than a user notices. */
    public static final long DEFAULT_TIMEOUT_MS = 250;
    /** Failures in a row after which calls fail at once for a while. */
    public static final int CIRCUIT_FAILURES = 3;
    /** How long calls fail at once before one is tried again. */
    public static final long CIRCUIT_OPEN_MS = 1_000;
    /**
     * Calls in flight at most, by default. Few, so that concurrent checks travel in batches early: 2 was
     * measured ahead of 4 (and 4 of 16) over HTTP and with 16 to 256 blocking callers (BENCHMARKS.md).
     */
    public static final int DEFAULT_MAX_CALLS_IN_FLIGHT = 2;
    /** Blocked keys remembered at most, by default: some hundred bytes each. */
    public static final int DEFAULT_BLOCKED_KEYS_CACHED = 10_000;

    /*
     * Each script starts with the shared prologue that reads the cost and the time (clock.lua); the
     * check and peek scripts then share their read phase (read.lua), so they read buckets alike.
     */
    /** The check script, told up to which limit the sliding log is exact (see check.lua and BucketConfig). */
    private static final String SCRIPT = (loadScript("clock.lua") + loadScript("read.lua") + loadScript("check.lua"))
            .replace("${LOG_EXACT_LIMIT}", Integer.toString(BucketConfig.SLIDING_LOG_EXACT_LIMIT));
    private static final String SCRIPT_SHA = sha1(SCRIPT);
    private static final String REFUND_SCRIPT = loadScript("clock.lua") + loadScript("refund.lua");
    private static final String REFUND_SCRIPT_SHA = sha1(REFUND_SCRIPT);

    /** Reads buckets as the check script does (the same read.lua), writing nothing. */
    private static final String PEEK_SCRIPT = loadScript("clock.lua") + loadScript("read.lua") + loadScript("peek.lua");
    private static final String PEEK_SCRIPT_SHA = sha1(PEEK_SCRIPT);

    private static final String RESET_SCRIPT = loadScript("reset.lua");
    private static final String RESET_SCRIPT_SHA = sha1(RESET_SCRIPT);

    private final RedissonClient client;
    private final boolean ownsClient;
    private final RScript script;
    private final long timeoutMs;
    private final Clock testClock;
    /** The circuit's time: the system clock, or the test clock so tests need not wait. */
    private final Clock clock;
    private final Circuit circuit = new Circuit(CIRCUIT_FAILURES, CIRCUIT_OPEN_MS);
    /** Keys Redis blocked, answered here until Redis would unblock them. */
    private final BlockedKeys blockedKeys;
    /** Calls to Redis in flight at most; beyond them calls wait here, not in the client's queues. */
    private final int maxCallsInFlight;
    private final long queueTimeoutMs;
    /** This backend's own timer of timeouts, stopped by {@link #close()}. */
    private final Timeouts timeouts = new Timeouts();
    private final CallPermits permits;
    /** Calls that found no permit in time: this instance was busy, not Redis. */
    private final LongAdder busyRefusals = new LongAdder();
    /** Joins the calls that find no permit free into batches; null when batching is off. */
    private final CommandBatcher batcher;
    /** The key suffixes and script arguments of each bucket list seen, worked out once. */
    private final ConcurrentHashMap<List<BucketConfig>, Buckets> compiled = new ConcurrentHashMap<>();
    /** The same for single buckets, so the common check builds no list to look itself up. */
    private final ConcurrentHashMap<BucketConfig, Buckets> single = new ConcurrentHashMap<>();
    /**
     * Refunds sent and not yet answered, by key (with its hash tag), each removed by its own answer:
     * a check of such a key is sent after them (see {@link #refundAsync}). Usually empty, and then a
     * check pays one {@code isEmpty()}.
     */
    private final ConcurrentHashMap<String, CompletableFuture<?>> refundsInFlight = new ConcurrentHashMap<>();
    /** The limiter's default key prefix, and so this backend's unless told otherwise. */
    public static final String DEFAULT_KEY_PREFIX = "fastlimit";
    /** Matches the bucket suffix this backend adds to every key it writes, and nothing else likely. */
    private static final String BUCKET_SUFFIX = "}:[0-9]*/[0-9]*ms:[cflt]*";
    /** The glob of every bucket key under this backend's key prefix: what clearAll() deletes. */
    private final String ownBucketKeys;

    private RedisBackend(RedissonClient client, boolean ownsClient, long timeoutMs, Clock testClock, String keyPrefix,
                         int blockedKeysCached, int maxCallsInFlight, long queueTimeoutMs, boolean batching) {
        this.client = client;
        this.maxCallsInFlight = maxCallsInFlight;
        this.queueTimeoutMs = queueTimeoutMs;
        this.permits = new CallPermits(maxCallsInFlight, queueTimeoutMs, timeouts);
        this.blockedKeys = new BlockedKeys(blockedKeysCached);
        this.ownBucketKeys = escapeGlob(keyPrefix) + ":*" + BUCKET_SUFFIX;
        this.ownsClient = ownsClient;
        // this backend's own timeout and no retries, whatever the client's settings: a check sent
        // again after a timeout would be counted twice once Redis answers
        this.script = client.getScript(OptionalOptions.defaults().codec(StringCodec.INSTANCE)
                .timeout(Duration.ofMillis(timeoutMs)).retryAttempts(0));
        this.timeoutMs = timeoutMs;
        this.testClock = testClock;
        this.clock = testClock != null ? testClock : Clock.systemUTC();
        this.batcher = batching ? new CommandBatcher(client, script, permits, circuit, clock, timeoutMs, timeouts,
                CommandBatcher.DEFAULT_MAX_BATCH_SIZE, this::callReleasing, this::busy, this::circuitOpen) : null;
    }

    /**
     * A backend on the application's own Redisson client and connection pool. The client stays the
     * application's: {@link #close()} does not shut it down.
     */
    public RedisBackend(RedissonClient client) {
        this(Objects.requireNonNull(client, "client"), false, DEFAULT_TIMEOUT_MS, null, DEFAULT_KEY_PREFIX,
                DEFAULT_BLOCKED_KEYS_CACHED, DEFAULT_MAX_CALLS_IN_FLIGHT, DEFAULT_TIMEOUT_MS, true);
    }

    /**
     * A backend with its own Redisson client for {@code url}; see {@link Builder#url(String)} for the
     * forms accepted. {@link #close()} shuts the client down.
     *
     * @throws IllegalArgumentException naming the URL (password hidden) when it is malformed
     */
    public static RedisBackend fromUrl(String url) {
        return builder().url(url).build();
    }

    /**
     * Like {@link #fromUrl(String)}, for a limiter whose key prefix is {@code keyPrefix}: the prefix
     * {@link #clearAll()} confines itself to.
     */
    public static RedisBackend fromUrl(String url, String keyPrefix) {
        return builder().url(url).keyPrefix(keyPrefix).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public BackendResult checkAndIncrement(String key, BucketConfig bucket, int cost) {
        Buckets compiledBucket = single.get(bucket);
        if (compiledBucket == null) {
            compiledBucket = compile(List.of(bucket));
            if (single.size() < 10_000) {
                single.putIfAbsent(bucket, compiledBucket);
            }
        }
        return await(check(key, compiledBucket, cost));
    }

    @Override
    public BackendResult checkAndIncrement(String key, List<BucketConfig> buckets, int cost) {
        return await(check(key, compiled(buckets), cost));
    }

    @Override
    public CompletionStage<BackendResult> checkAndIncrementAsync(String key, List<BucketConfig> buckets, int cost) {
        return check(key, compiled(buckets), cost)
                .exceptionallyCompose(error -> CompletableFuture.failedFuture(unavailable(unwrap(error))));
    }

    /** Waits for a call; it always ends, by its own timeout at the latest (see {@link #call}). */
    private <T> T await(CompletableFuture<T> call) {
        try {
            return call.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendUnavailableException("Interrupted while waiting for Redis", e);
        } catch (ExecutionException e) {
            throw unavailable(unwrap(e));
        }
    }

    private CompletableFuture<BackendResult> check(String key, Buckets compiledBuckets, int cost) {
        String base = hashTagged(key);
        if (cost == 1) {
            BackendResult known = blockedKeys.answer(base, compiledBuckets, nowNanos(testClockMillis()));
            if (known != null) {
                return CompletableFuture.completedFuture(known);
            }
        }
        if (!refundsInFlight.isEmpty()) {
            CompletableFuture<?> refund = refundsInFlight.get(base);
            if (refund != null) {
                // the check may leave on another connection than the refund and overtake it: send it once
                // the refund is answered, whatever the answer, so no caller sees a refund not yet applied
                return refund.handle((answered, failed) -> null).thenCompose(ignored -> send(base, compiledBuckets, cost));
            }
        }
        return send(base, compiledBuckets, cost);
    }

    private CompletableFuture<BackendResult> send(String base, Buckets compiledBuckets, int cost) {
        List<Object> keys = compiledBuckets.keys(base);
        Long nowMs = testClockMillis();
        Object[] args = compiledBuckets.arguments(cost, nowMs);
        long sentNanos = nowNanos(nowMs);
        long generation = blockedKeys.generation();
        return call(base, SCRIPT, SCRIPT_SHA, keys, args).thenApply(reply -> {
            BackendResult result = toResult(reply);
            blockedKeys.remember(base, compiledBuckets, cost, sentNanos, generation, result);
            return result;
        });
    }

    /** The test clock's time, sent to the scripts instead of the server's; null in production. */
    private Long testClockMillis() {
        return testClock == null ? null : testClock.millis();
    }

    /** The time blocked keys are remembered by: the test clock's {@code testClockMs}, else the monotonic clock. */
    private static long nowNanos(Long testClockMs) {
        return testClockMs != null ? TimeUnit.MILLISECONDS.toNanos(testClockMs) : System.nanoTime();
    }

    private Buckets compiled(List<BucketConfig> buckets) {
        Buckets compiledBuckets = compiled.get(buckets);
        if (compiledBuckets == null) {
            compiledBuckets = compile(buckets);
            if (compiled.size() < 10_000) {
                compiled.putIfAbsent(compiledBuckets.configs, compiledBuckets);
            }
        }
        return compiledBuckets;
    }

    /** The check script's answer: {allowed, limit, remaining, reset epoch ms, retry-after ms, bucket index}. */
    private static BackendResult toResult(List<Object> reply) {
        if (reply == null || reply.size() != 6) {
            throw new IllegalStateException("Unexpected answer from the fastlimit check script: " + reply);
        }
        return new BackendResult(number(reply.get(0)) == 1L, number(reply.get(1)), number(reply.get(2)),
                number(reply.get(3)), number(reply.get(4)), (int) number(reply.get(5)));
    }

    private static long number(Object value) {
        if (value instanceof Number n) {
            return n.longValue();
        }
        throw new IllegalStateException("Unexpected value in a fastlimit script's answer: " + value);
    }

    /**
     * Runs a script by its SHA and answers its reply. When the server does not know the script (a
     * restart, a failover, {@code SCRIPT FLUSH}) it is loaded once and the call sent again.
     *
     * <p>The call first waits for a permit ({@link Builder#maxCallsInFlight(int)}), at most
     * {@link Builder#queueTimeout(Duration) queueTimeout}; a call that gets none fails with
     * {@link BackendUnavailableException} without reaching Redis and without counting as a Redis
     * failure: this instance was busy, Redis may be fine. The call's own timeout starts once it holds
     * the permit. While the circuit is open the future fails at once.
     *
     * <p>The returned future always completes, and exactly once: with the reply, with Redis's error,
     * or with a {@link TimeoutException} after {@link Builder#timeout(Duration) timeout}, whichever
     * comes first. Each call that held a permit is recorded by the circuit once, from that single
     * outcome, so a reply that arrives after the timeout counts for nothing, and a callback that
     * throws fails the future instead of leaving it pending.
     */
    private CompletableFuture<List<Object>> call(String routingKey, String text, String sha, List<Object> keys, Object[] args) {
        if (circuit.refusesAt(clock.millis())) {
            return CompletableFuture.failedFuture(circuitOpen());
        }
        if (batcher != null) {
            return batcher.submit(routingKey, text, sha, keys, args); // at once when a permit is free, else in the next batch
        }
        CompletableFuture<Void> permit = permits.acquire();
        if (permit == CallPermits.GRANTED) {
            return callReleasing(routingKey, text, sha, keys, args); // a permit was free: no stage to wait on
        }
        return permit.handle((granted, noPermit) -> {
            if (noPermit != null) {
                return CompletableFuture.<List<Object>>failedFuture(busy());
            }
            return callReleasing(routingKey, text, sha, keys, args);
        }).thenCompose(call -> call);
    }

    /** The call, made holding a permit, which is given back once the call has its outcome. */
    private CompletableFuture<List<Object>> callReleasing(String routingKey, String text, String sha, List<Object> keys,
                                                          Object[] args) {
        CompletableFuture<List<Object>> call;
        try {
            call = callHoldingPermit(routingKey, text, sha, keys, args);
        } catch (RuntimeException unexpected) {
            call = CompletableFuture.failedFuture(unexpected);
        }
        // a call timed out may still be in Redisson's hands a little longer, which only happens while
        // Redis itself is slow
        call.whenComplete((reply, error) -> permits.release());
        return call;
    }

    /** The failure of a call that found no permit in time, counted as a busy refusal. */
    private BackendUnavailableException busy() {
        busyRefusals.increment();
        return new BackendUnavailableException("All " + maxCallsInFlight + " Redis calls of this instance were in flight for "
                + queueTimeoutMs + " ms; not sent (this instance is busy, Redis may be fine)");
    }

    private BackendUnavailableException circuitOpen() {
        return new BackendUnavailableException(
                "Redis failed " + CIRCUIT_FAILURES + " times in a row; not calling it for up to " + CIRCUIT_OPEN_MS + " ms");
    }

    private CompletableFuture<List<Object>> callHoldingPermit(String routingKey, String text, String sha, List<Object> keys,
                                                             Object[] args) {
        if (!circuit.allowsCall(clock.millis())) {
            return CompletableFuture.failedFuture(circuitOpen());
        }
        CompletableFuture<List<Object>> result = new CompletableFuture<>();
        // the caller's future completes only after the circuit has recorded the outcome
        CompletableFuture<List<Object>> recorded = timeouts.within(result, timeoutMs)
                .whenComplete((reply, error) -> {
                    if (error == null) {
                        circuit.onSuccess();
                    } else {
                        circuit.onFailure(clock.millis());
                    }
                });
        try {
            evalSha(routingKey, sha, keys, args).whenComplete((reply, error) -> {
                if (error != null && isNoScript(error)) {
                    reloadAndRetry(result, routingKey, text, sha, keys, args);
                } else {
                    settle(result, reply, error);
                }
            });
        } catch (RuntimeException sendFailed) {
            result.completeExceptionally(sendFailed);
        }
        return recorded;
    }

    private void reloadAndRetry(CompletableFuture<List<Object>> result, String routingKey, String text, String sha,
                                List<Object> keys, Object[] args) {
        try {
            script.scriptLoadAsync(routingKey, text).whenComplete((loadedSha, loadFailed) -> {
                if (loadFailed != null) {
                    settle(result, null, loadFailed);
                    return;
                }
                try {
                    evalSha(routingKey, sha, keys, args).whenComplete((again, failed) -> settle(result, again, failed));
                } catch (RuntimeException sendFailed) {
                    settle(result, null, sendFailed);
                }
            });
        } catch (RuntimeException sendFailed) {
            settle(result, null, sendFailed);
        }
    }

    private RFuture<List<Object>> evalSha(String routingKey, String sha, List<Object> keys, Object[] args) {
        return script.evalShaAsync(routingKey, RScript.Mode.READ_WRITE, sha, RScript.ReturnType.MULTI, keys, args);
    }

    private static void settle(CompletableFuture<List<Object>> result, List<Object> reply, Throwable error) {
        if (error != null) {
            result.completeExceptionally(error);
        } else {
            result.complete(reply);
        }
    }

    /** Whether Redis answered NOSCRIPT: it does not know the script (a restart, a failover, SCRIPT FLUSH). */
    static boolean isNoScript(Throwable error) {
        return error instanceof RedisNoScriptException || error.getCause() instanceof RedisNoScriptException;
    }

    /** The failure inside the completion and execution wrappers of futures. */
    static Throwable unwrap(Throwable error) {
        while ((error instanceof CompletionException || error instanceof ExecutionException) && error.getCause() != null) {
            error = error.getCause();
        }
        return error;
    }

    private RuntimeException unavailable(Throwable cause) {
        if (cause instanceof BackendUnavailableException unavailable) {
            return unavailable;
        }
        if (cause instanceof IllegalArgumentException argument) {
            return argument;
        }
        if (cause instanceof TimeoutException) {
            return new BackendUnavailableException("Redis did not answer within " + timeoutMs + " ms", cause);
        }
        return new BackendUnavailableException("Redis failed: " + brief(cause), cause);
    }

    /** The exception's type and the start of its message: Redisson's messages run to pages. */
    private static String brief(Throwable error) {
        String message = String.valueOf(error.getMessage());
        int end = message.indexOf('!') >= 0 ? message.indexOf('!') + 1 : Math.min(message.length(), 160);
        return error.getClass().getSimpleName() + ": " + message.substring(0, Math.min(end, 160));
    }

    private static Buckets compile(List<BucketConfig> buckets) {
        if (buckets.isEmpty()) {
            throw new IllegalArgumentException("No bucket to check: expected at least one");
        }
        return new Buckets(List.copyOf(buckets));
    }

    /** Keys built by the limiter carry a hash tag; anything else gets one, so its buckets share a slot. */
    static String hashTagged(String key) {
        int open = key.indexOf('{');
        if (open >= 0) {
            int close = key.indexOf('}', open + 1);
            if (close > open + 1) {
                return key;
            }
        }
        return "{" + key + "}";
    }

    /**
     * Gives back units a check consumed moments ago, in one more script run, and waits for it: meant
     * for tests; the limiter calls {@link #refundAsync}. Best effort: when Redis fails, nothing is
     * given back and nothing is thrown (the failure counts for the circuit like any other).
     *
     * @throws IllegalArgumentException for a cost no bucket could have consumed
     */
    @Override
    public void refund(String key, List<BucketConfig> buckets, int cost) {
        try {
            refundAsync(key, buckets, cost).toCompletableFuture().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IllegalArgumentException invalid) {
                throw invalid;
            }
            LOG.log(System.Logger.Level.DEBUG, "A refund to Redis failed; nothing was given back", e.getCause());
        }
    }

    /**
     * Sends a refund without waiting for it. Until Redis has answered it, checks of the same key
     * through this backend wait for it before they are sent, since Redisson may send them on another
     * connection, where they could overtake the refund. The stage completes once Redis has answered
     * every refund of the key sent so far, or exceptionally, with {@link BackendUnavailableException},
     * when this one failed or did not answer within the timeout (counted by the circuit like any
     * other failure; the limiter logs it).
     */
    @Override
    public CompletionStage<Void> refundAsync(String key, List<BucketConfig> buckets, int cost) {
        String base = hashTagged(key);
        blockedKeys.forget(base);
        CompletableFuture<Void> refund;
        try {
            Buckets compiledBuckets = compiled(buckets);
            refund = call(base, REFUND_SCRIPT, REFUND_SCRIPT_SHA, compiledBuckets.keys(base),
                    compiledBuckets.arguments(cost, testClockMillis())).thenApply(reply -> null);
        } catch (RuntimeException invalid) {
            return CompletableFuture.failedFuture(invalid); // nothing sent
        }
        // several refunds of one key in flight: a check waits for all of them
        CompletableFuture<?> inFlight = refundsInFlight.merge(base, refund, CompletableFuture::allOf);
        return inFlight
                .handle((answered, failed) -> refundsInFlight.remove(base, inFlight))
                .thenCompose(removed -> refund) // this refund's own outcome, the key no longer waited for
                .exceptionallyCompose(error -> CompletableFuture.failedFuture(unavailable(unwrap(error))));
    }

    /** Keys with refunds sent and not yet answered. */
    int keysWithRefundsInFlight() {
        return refundsInFlight.size();
    }

    /**
     * Deletes the bucket keys of {@code key} for {@code buckets} in one call, under the same timeout
     * and circuit as a check.
     *
     * @throws BackendUnavailableException when Redis fails or does not answer in time
     */
    @Override
    public void reset(String key, List<BucketConfig> buckets) {
        String base = hashTagged(key);
        blockedKeys.forget(base);
        await(call(base, RESET_SCRIPT, RESET_SCRIPT_SHA, compiled(buckets).keys(base), new Object[0]));
    }

    /**
     * Forgets every bucket of {@code key}, whatever its rates: a SCAN for its bucket keys on the node
     * that holds them, then DEL. It costs a pass over that node's keyspace; the limiter calls
     * {@link #reset(String, List)} instead, which names the keys.
     */
    @Override
    public void reset(String key) {
        blockedKeys.forget(hashTagged(key));
        deleteMatching(escapeGlob(hashTagged(key)) + ":*");
    }

    /**
     * Forgets every bucket under this backend's key prefix ({@link Builder#keyPrefix(String)}, by
     * default {@value #DEFAULT_KEY_PREFIX}) in this Redis (or on every master of the cluster), found
     * with SCAN (never KEYS) by the prefix and the bucket suffix every such key ends with
     * ({@code :10/60000ms:log} and the like). Buckets of limiters with other prefixes, and keys that
     * are not buckets, are left alone. It costs a pass over the keyspace: meant for tests.
     */
    @Override
    public void clearAll() {
        blockedKeys.forgetAll();
        deleteMatching(ownBucketKeys);
    }

    private void deleteMatching(String pattern) {
        RKeys keys = client.getKeys(KeysOptions.defaults().timeout(Duration.ofMillis(timeoutMs)).retryAttempts(0));
        List<String> batch = new ArrayList<>(500);
        for (String key : keys.getKeys(KeysScanOptions.defaults().pattern(pattern).chunkSize(500))) {
            batch.add(key);
            if (batch.size() == 500) {
                keys.delete(batch.toArray(new String[0]));
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            keys.delete(batch.toArray(new String[0]));
        }
    }

    private static String escapeGlob(String text) {
        StringBuilder out = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }

    /** Whether calls currently fail at once because Redis kept failing. */
    @Override
    public boolean isCircuitOpen() {
        return circuit.isOpen();
    }

    @Override
    public void addCircuitListener(CircuitListener listener) {
        circuit.addListener(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public void removeCircuitListener(CircuitListener listener) {
        circuit.removeListener(listener);
    }

    /**
     * Reads {@code key}'s buckets without writing anything (see {@link Backend#peek}): one run of
     * the read-only {@code peek.lua}, on the server's clock, under the same permits, timeout and
     * circuit as a check.
     *
     * @throws BackendUnavailableException when Redis fails or does not answer in time
     */
    @Override
    public BackendResult peek(String key, List<BucketConfig> buckets) {
        String base = hashTagged(key);
        Buckets compiledBuckets = compiled(buckets);
        return await(call(base, PEEK_SCRIPT, PEEK_SCRIPT_SHA, compiledBuckets.keys(base),
                compiledBuckets.arguments(1, testClockMillis())).thenApply(RedisBackend::toResult));
    }

    /** Keys whose block this backend currently remembers (some may have expired, not yet dropped). */
    int blockedKeysCached() {
        return blockedKeys.size();
    }

    /** Calls that waited for a permit longer than the queue timeout and were never sent. */
    long busyRefusals() {
        return busyRefusals.sum();
    }

    /** Calls the batcher sent on their own (0 when batching is off). */
    long callsSentAlone() {
        return batcher == null ? 0 : batcher.sentAlone();
    }

    /** Batches of calls sent, each one pipeline. */
    long batchesSent() {
        return batcher == null ? 0 : batcher.batchesSent();
    }

    /** Calls sent in batches. */
    long callsBatched() {
        return batcher == null ? 0 : batcher.callsBatched();
    }

    /** Permits of calls to Redis not held now. */
    int freeCallPermits() {
        return permits.free();
    }

    /** Calls to Redis that failed or timed out since this backend was built, each counted once. */
    long failuresCounted() {
        return circuit.failures();
    }

    /** The Redisson client this backend uses. */
    public RedissonClient client() {
        return client;
    }

    /** Shuts down the Redisson client this backend created; an application's own client stays open. */
    @Override
    public void close() {
        timeouts.close();
        if (ownsClient && !client.isShutdown()) {
            client.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }

    /** A bucket list with the key suffixes and script arguments that describe it. */
    private static final class Buckets {
        final List<BucketConfig> configs;
        final String[] suffixes;
        final String[] bucketArguments;
        /** The arguments of the most common call, cost 1 on the server's clock: shared, never changed. */
        final Object[] costOneOnServerClock;

        Buckets(List<BucketConfig> configs) {
            this.configs = configs;
            this.suffixes = new String[configs.size()];
            this.bucketArguments = new String[configs.size() * 3];
            for (int i = 0; i < configs.size(); i++) {
                BucketConfig bucket = configs.get(i);
                String algorithm = scriptName(bucket);
                // the suffix names the bucket, so a changed rule starts from fresh keys
                suffixes[i] = ":" + bucket.limit() + "/" + bucket.windowMillis() + "ms:" + algorithm;
                bucketArguments[3 * i] = algorithm;
                bucketArguments[3 * i + 1] = Long.toString(bucket.limit());
                bucketArguments[3 * i + 2] = Long.toString(bucket.windowMillis());
            }
            costOneOnServerClock = build(1, "");
        }

        /** The keys of the buckets of {@code base}, the key with its hash tag. */
        List<Object> keys(String base) {
            if (suffixes.length == 1) {
                return Collections.singletonList(base + suffixes[0]);
            }
            List<Object> keys = new ArrayList<>(suffixes.length);
            for (String suffix : suffixes) {
                keys.add(base + suffix);
            }
            return keys;
        }

        /** The script's arguments; {@code nowMs} is null to read the server's clock. */
        Object[] arguments(int cost, Long nowMs) {
            if (cost == 1 && nowMs == null) {
                return costOneOnServerClock;
            }
            if (cost < 1) {
                throw new IllegalArgumentException("Invalid cost " + cost + ": expected 1 or more");
            }
            for (BucketConfig bucket : configs) {
                if (cost > bucket.limit()) {
                    throw new IllegalArgumentException("Invalid cost " + cost + ": larger than the limit of " + bucket);
                }
            }
            return build(cost, nowMs == null ? "" : nowMs.toString());
        }

        private Object[] build(int cost, String nowMs) {
            Object[] args = new Object[2 + bucketArguments.length];
            args[0] = Integer.toString(cost);
            args[1] = nowMs;
            System.arraycopy(bucketArguments, 0, args, 2, bucketArguments.length);
            return args;
        }

        /** The algorithm's name in check.lua and in the key suffix; a new algorithm fails to compile here. */
        private static String scriptName(BucketConfig bucket) {
            return switch (bucket.algorithm()) {
                case SLIDING_WINDOW -> "log";
                case FIXED_WINDOW -> "fixed";
                case TOKEN_BUCKET -> "token";
                case SLIDING_WINDOW_COUNTER -> "counter";
            };
        }
    }

    private static String loadScript(String resource) {
        try (InputStream in = RedisBackend.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("The Lua script " + resource + " is missing from the fastlimit-redis jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read " + resource, e);
        }
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every Java platform", e);
        }
    }

    /**
     * Builds a {@link RedisBackend} from a URL or an existing client.
     */
    public static final class Builder {
        private String url;
        private RedissonClient client;
        private long timeoutMs = DEFAULT_TIMEOUT_MS;
        private Clock testClock;
        private String keyPrefix = DEFAULT_KEY_PREFIX;
        private int blockedKeysCached = DEFAULT_BLOCKED_KEYS_CACHED;
        private int maxCallsInFlight = DEFAULT_MAX_CALLS_IN_FLIGHT;
        /** Unset: the timeout's. */
        private long queueTimeoutMs = -1;
        private boolean batching = true;

        private Builder() {
        }

        /**
         * The Redis to connect to:
         * <ul>
         *   <li>{@code redis://host:6379}, {@code redis://:password@host:6379/0},
         *       {@code redis://user:password@host:6379} (ACL), {@code rediss://host:6380} (TLS);</li>
         *   <li>Redis Cluster: one node's URL (a cluster is detected at start-up) or several nodes,
         *       {@code redis://h1:7000,h2:7001,h3:7002};</li>
         *   <li>Sentinel: {@code redis-sentinel://[:password@]host:26379[,host2:26379]/mastername[/db]};</li>
         *   <li>TLS options as query parameters: {@code ?sslTruststore=/path/truststore.p12&sslTruststorePassword=…},
         *       {@code sslVerifyHostname=false}.</li>
         * </ul>
         *
         * @throws IllegalArgumentException naming the URL (password hidden) when it is malformed
         */
        public Builder url(String url) {
            RedisUrl.parse(url); // fail here, naming the URL, rather than at build()
            this.url = url;
            return this;
        }

        /** An existing client; it stays the caller's to shut down. */
        public Builder client(RedissonClient client) {
            this.client = Objects.requireNonNull(client, "client");
            return this;
        }

        /**
         * The longest a check waits for Redis before the limiter's failure policy takes over.
         * Default {@value RedisBackend#DEFAULT_TIMEOUT_MS} ms.
         *
         * @throws IllegalArgumentException unless from 1 ms to 60 s
         */
        public Builder timeout(Duration timeout) {
            long ms = timeout.toMillis();
            if (ms < 1 || ms > 60_000) {
                throw new IllegalArgumentException("Invalid Redis timeout " + timeout + ": expected 1 ms to 60 s");
            }
            this.timeoutMs = ms;
            return this;
        }

        /**
         * For tests only: send this clock's time to the scripts instead of reading the server's, and
         * time the circuit with it, so a test can move time. In production leave it unset: every
         * application server then agrees on Redis's clock.
         */
        public Builder testClock(Clock clock) {
            this.testClock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * The key prefix of the limiter this backend serves, the part of every key before the rule
         * name; {@link RedisBackend#clearAll()} forgets only buckets under it. Default
         * {@value RedisBackend#DEFAULT_KEY_PREFIX}, the limiter's default.
         *
         * @throws IllegalArgumentException when empty or longer than 64 characters
         */
        public Builder keyPrefix(String keyPrefix) {
            if (keyPrefix == null || keyPrefix.isEmpty() || keyPrefix.length() > 64) {
                throw new IllegalArgumentException("Invalid key prefix '" + keyPrefix + "': expected 1 to 64 characters");
            }
            this.keyPrefix = keyPrefix;
            return this;
        }

        /**
         * How many blocked keys this backend remembers, answering their cost-1 checks itself until
         * Redis would unblock them (see "Blocked clients cost no round trip" in the class comment);
         * 0 sends every check to Redis. Default {@value RedisBackend#DEFAULT_BLOCKED_KEYS_CACHED}.
         *
         * @throws IllegalArgumentException unless from 0 to 1,000,000
         */
        public Builder blockedKeysCached(int maxKeys) {
            if (maxKeys < 0 || maxKeys > 1_000_000) {
                throw new IllegalArgumentException("Invalid count of blocked keys cached " + maxKeys + ": expected 0 to 1,000,000");
            }
            this.blockedKeysCached = maxKeys;
            return this;
        }

        /**
         * Calls to Redis in flight at once, at most: no more than the connection pool holds (a client
         * this backend creates keeps up to 16 connections per node).
         * More calls wait for a permit (see {@link #queueTimeout(Duration)}), so that a burst is not
         * queued inside the client, where the wait would count against each call's timeout and open
         * the circuit as if Redis were down. With {@link #batching(boolean) batching}, the calls that
         * wait go together, in one batch that takes one permit. Default
         * {@value RedisBackend#DEFAULT_MAX_CALLS_IN_FLIGHT}.
         *
         * @throws IllegalArgumentException unless from 1 to 10,000
         */
        public Builder maxCallsInFlight(int calls) {
            if (calls < 1 || calls > 10_000) {
                throw new IllegalArgumentException("Invalid count of Redis calls in flight " + calls + ": expected 1 to 10,000");
            }
            this.maxCallsInFlight = calls;
            return this;
        }

        /**
         * The longest a call waits for a permit ({@link #maxCallsInFlight(int)}) before the limiter's
         * failure policy answers instead. Such a call never reached Redis and does not count towards
         * opening the circuit. Its {@link #timeout(Duration) timeout} starts once it holds a permit.
         * Default: the timeout.
         *
         * @throws IllegalArgumentException unless from 0 ms to 60 s
         */
        public Builder queueTimeout(Duration wait) {
            long ms = wait.toMillis();
            if (ms < 0 || ms > 60_000) {
                throw new IllegalArgumentException("Invalid Redis queue timeout " + wait + ": expected 0 ms to 60 s");
            }
            this.queueTimeoutMs = ms;
            return this;
        }

        /**
         * Whether calls that find every permit ({@link #maxCallsInFlight(int)}) taken wait together and
         * go to Redis as one pipeline once a permit is free, instead of one by one. A call that finds a
         * permit free is sent at once either way. Batching changes no answer, only how many writes and
         * reads carry them; it needs Redisson's batches, which every Redis set-up offers. Default on.
         */
        public Builder batching(boolean batching) {
            this.batching = batching;
            return this;
        }

        private long queueTimeoutMs(long timeoutMs) {
            return queueTimeoutMs >= 0 ? queueTimeoutMs : timeoutMs;
        }

        /**
         * @throws IllegalArgumentException when neither or both of a URL and a client are given
         */
        public RedisBackend build() {
            if ((url == null) == (client == null)) {
                throw new IllegalArgumentException("Give a Redis URL or a RedissonClient, exactly one of them");
            }
            if (client != null) {
                return new RedisBackend(client, false, timeoutMs, testClock, keyPrefix, blockedKeysCached,
                        maxCallsInFlight, queueTimeoutMs(timeoutMs), batching);
            }
            return new RedisBackend(RedisClients.create(RedisUrl.parse(url), timeoutMs), true, timeoutMs, testClock, keyPrefix,
                    blockedKeysCached, maxCallsInFlight, queueTimeoutMs(timeoutMs), batching);
        }
    }
}
