package io.fastlimit.backends;

import io.fastlimit.rules.BucketConfig;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Where buckets live: in this process ({@code MemoryBackend}) or in a shared store.
 *
 * <p>Implementations must be thread-safe, and each call atomic: of many concurrent checks of one
 * key, exactly as many are allowed as the bucket holds. A blocked request consumes nothing.
 *
 * <p>To write your own backend implement {@link #checkAndIncrement(String, List, int)}, and run the
 * contract suite {@code io.fastlimit.testing.contract.BackendContractTest} of {@code fastlimit-test}
 * against it.
 */
public interface Backend extends AutoCloseable {

    /**
     * Checks one bucket of {@code key} and, when {@code cost} units fit, consumes them.
     */
    default BackendResult checkAndIncrement(String key, BucketConfig bucket, int cost) {
        return checkAndIncrement(key, List.of(bucket), cost);
    }

    /**
     * Checks several buckets of one key (the rates of {@code "10/s;500/hour"}) as one atomic step:
     * when {@code cost} fits in all of them, all consume it; otherwise none does.
     *
     * <p>The result describes the most restrictive bucket: when allowed, the one with the fewest
     * units remaining; when blocked, the one that must be waited for longest. Its
     * {@link BackendResult#bucketIndex()} tells which of {@code buckets} that is.
     *
     * @param key     the bucket's key, as built by the limiter: {@code <prefix>:<rule>:<scope>:{<id>}}
     * @param buckets one or more buckets, always passed in the same order for the same key
     * @param cost    units to consume, at least 1
     */
    BackendResult checkAndIncrement(String key, List<BucketConfig> buckets, int cost);

    /** Like {@link #checkAndIncrement(String, List, int)}, without blocking the caller when the backend is remote. */
    default CompletionStage<BackendResult> checkAndIncrementAsync(String key, List<BucketConfig> buckets, int cost) {
        try {
            return CompletableFuture.completedFuture(checkAndIncrement(key, buckets, cost));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Gives back {@code cost} units that a check of {@code key} with {@code buckets} consumed moments
     * ago, because a later rule blocked the same request: so a request another rule turns away does
     * not use up this one. Best effort: units consumed in a window that has since ended are not given
     * back. The default does nothing, for backends that cannot undo a consumption.
     */
    default void refund(String key, List<BucketConfig> buckets, int cost) {
    }

    /**
     * Like {@link #refund}, without making the caller wait when the backend is remote: the limiter
     * gives units back this way, so a request turned away is answered at once. The returned stage
     * completes when the units are back, or exceptionally when the store failed; it always
     * completes. A backend that implements it must order a later check of the same key after a
     * refund still in flight, so that no caller sees a refund not yet applied. The default calls
     * {@link #refund} and answers a completed stage.
     */
    default CompletionStage<Void> refundAsync(String key, List<BucketConfig> buckets, int cost) {
        try {
            refund(key, buckets, cost);
            return CompletableFuture.completedFuture(null);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Reads the buckets of {@code key} without consuming or changing anything a later check would
     * see: where a check of cost 1 would find them now.
     *
     * <p>The result describes the most restrictive bucket, chosen as a check chooses it: when a
     * request of cost 1 would be blocked, the bucket waited for longest; otherwise the one with the
     * fewest units free. Its {@link BackendResult#allowed() allowed} says whether a request of cost
     * 1 would pass now; {@link BackendResult#remaining() remaining} is the units free now (a check
     * of cost {@code c} passes while {@code c <= remaining}, and then reports {@code remaining - c});
     * {@link BackendResult#retryAfterMs() retryAfterMs} is the wait until a request of cost 1 would
     * pass. A key never seen reports every bucket full.
     *
     * <p>The default throws {@link UnsupportedOperationException}: a backend that cannot read its
     * state without consuming need not implement it, and only {@code FastLimit.peek} calls it.
     *
     * @param key     the bucket's key, as for {@link #checkAndIncrement(String, List, int)}
     * @param buckets the buckets the key is checked with, in the same order
     * @throws UnsupportedOperationException when this backend cannot peek
     * @throws BackendUnavailableException when a remote store fails or does not answer in time
     */
    default BackendResult peek(String key, List<BucketConfig> buckets) {
        throw new UnsupportedOperationException(getClass().getName() + " cannot read a bucket without consuming"
                + " from it: it does not implement Backend.peek");
    }

    /** Forgets every bucket of {@code key}. */
    void reset(String key);

    /**
     * Forgets the buckets {@code buckets} of {@code key}: the limiter passes the list it checks the
     * key with, so a remote backend can delete exactly those in one call instead of searching for
     * them. The default calls {@link #reset(String)}.
     *
     * @throws BackendUnavailableException when a remote store fails or does not answer in time
     */
    default void reset(String key, List<BucketConfig> buckets) {
        reset(key);
    }

    /** Forgets every bucket this backend holds. Meant for tests. */
    void clearAll();

    /** Releases connections and memory. The default does nothing. */
    @Override
    default void close() {
    }
}
