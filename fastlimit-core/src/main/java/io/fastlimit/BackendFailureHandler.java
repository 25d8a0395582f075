package io.fastlimit;

import io.fastlimit.backends.Backend;
import io.fastlimit.backends.BackendResult;
import io.fastlimit.backends.memory.MemoryBackend;
import io.fastlimit.rules.BucketConfig;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the limiter answers when its backend fails, as its {@link FailurePolicy} says, and the log of
 * those failures: at most one message every {@value #LOG_INTERVAL_MS} ms, with the error, so a dead
 * backend cannot flood the log. Under {@link FailurePolicy#LOCAL} it owns the memory backend that
 * counts in its stead. Thread-safe.
 */
final class BackendFailureHandler implements AutoCloseable {

    /** The limiter's logger, so one logging setting covers everything the limiter reports. */
    private static final Logger LOG = System.getLogger(FastLimit.class.getName());

    /** Failures are logged at most this often. */
    private static final long LOG_INTERVAL_MS = 10_000;

    /** A blocked answer under {@link FailurePolicy#CLOSED} asks the client to come back after this long. */
    static final long FAIL_CLOSED_RETRY_MS = 1_000;

    private final FailurePolicy policy;
    private final Backend backend;
    /** Where {@link FailurePolicy#LOCAL} counts while a remote backend fails; null otherwise. */
    private final Backend localFallback;
    private final Clock clock;
    private final LogThrottle log = new LogThrottle(LOG, Level.WARNING, LOG_INTERVAL_MS);
    /** Checks answered by the policy; an adder, since a failing backend sends every request here at once. */
    private final LongAdder decisions = new LongAdder();

    BackendFailureHandler(FailurePolicy policy, Backend backend, Clock clock) {
        this.policy = policy;
        this.backend = backend;
        this.clock = clock;
        this.localFallback = policy == FailurePolicy.LOCAL && !(backend instanceof MemoryBackend)
                ? MemoryBackend.builder().clock(clock).build()
                : null;
    }

    /**
     * The answer to a check of {@code key} that the backend failed: a result to decide by, or
     * {@code null} to let the request through unchecked.
     */
    Answer onCheckFailure(String key, List<BucketConfig> buckets, int cost, RuntimeException failure) {
        long nowMs = clock.millis();
        decisions.increment();
        return switch (policy) {
            case LOCAL -> {
                log.log(nowMs, "Rate-limit backend failed; checking in local memory instead", failure);
                Backend local = localFallback != null ? localFallback : backend;
                yield new Answer(local.checkAndIncrement(key, buckets, cost), local);
            }
            case CLOSED -> {
                log.log(nowMs, "Rate-limit backend failed; blocking requests (failure policy closed)", failure);
                yield new Answer(new BackendResult(false, buckets.get(0).limit(), 0, nowMs + FAIL_CLOSED_RETRY_MS,
                        FAIL_CLOSED_RETRY_MS, 0), null);
            }
            case OPEN -> {
                log.log(nowMs, "Rate-limit backend failed; letting requests through (failure policy open)", failure);
                yield null;
            }
        };
    }

    /**
     * What a check of {@code key} would see while the backend fails, for a peek the backend could not
     * answer: the local count under {@link FailurePolicy#LOCAL}, a full bucket under
     * {@link FailurePolicy#OPEN}, an empty one under {@link FailurePolicy#CLOSED}. It decides nothing,
     * so it is not counted among {@link #decisions()}.
     */
    BackendResult onPeekFailure(String key, List<BucketConfig> buckets, RuntimeException failure) {
        long nowMs = clock.millis();
        log.log(nowMs, "Rate-limit backend failed; answering a peek as the failure policy " + policy + " would", failure);
        long limit = buckets.get(0).limit();
        return switch (policy) {
            case LOCAL -> (localFallback != null ? localFallback : backend).peek(key, buckets);
            case CLOSED -> new BackendResult(false, limit, 0, nowMs + FAIL_CLOSED_RETRY_MS, FAIL_CLOSED_RETRY_MS, 0);
            case OPEN -> new BackendResult(true, limit, limit, nowMs, 0, 0);
        };
    }

    /** Checks the policy has answered since the limiter was built. */
    long decisions() {
        return decisions.sum();
    }

    /** Forgets {@code buckets} of {@code key} in the local fallback, which may have counted them while the backend failed. */
    void resetLocal(String key, List<BucketConfig> buckets) {
        if (localFallback != null) {
            localFallback.reset(key, buckets);
        }
    }

    void onResetFailure(String key, RuntimeException failure) {
        log.log(clock.millis(), "Rate-limit backend failed to reset " + key + "; its buckets expire by themselves", failure);
    }

    void onRefundFailure(Throwable failure) {
        log.log(clock.millis(), "Rate-limit backend failed to give units back", failure);
    }

    @Override
    public void close() {
        if (localFallback != null) {
            localFallback.close();
        }
    }

    /**
     * A result to decide a request by, in place of the backend's.
     *
     * @param result       the result
     * @param consumedFrom the backend that consumed what the result allowed, or null when none did
     */
    record Answer(BackendResult result, Backend consumedFrom) {
    }
}
