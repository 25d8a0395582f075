package io.fastlimit.examples.docs;

import io.fastlimit.backends.Backend;
import io.fastlimit.backends.BackendResult;
import io.fastlimit.rules.BucketConfig;

import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;

// tag::custom[]
/**
 * A backend that counts the checks another backend allows and blocks, for metrics. A backend of
 * your own (a database, a cache the application already runs) implements the same methods; run the
 * contract suite {@code io.fastlimit.testing.contract.BackendContractTest} of fastlimit-test
 * against it, as {@code CountingBackendContractTest} does.
 */
public final class CountingBackend implements Backend {

    private final Backend delegate;
    private final LongAdder allowed = new LongAdder();
    private final LongAdder blocked = new LongAdder();

    public CountingBackend(Backend delegate) {
        this.delegate = delegate;
    }

    @Override
    public BackendResult checkAndIncrement(String key, List<BucketConfig> buckets, int cost) {
        BackendResult result = delegate.checkAndIncrement(key, buckets, cost);   // atomic over all buckets
        (result.allowed() ? allowed : blocked).increment();
        return result;
    }

    @Override
    public void refund(String key, List<BucketConfig> buckets, int cost) {
        delegate.refund(key, buckets, cost);   // a later rule blocked the request: give the units back
    }

    @Override
    public CompletionStage<Void> refundAsync(String key, List<BucketConfig> buckets, int cost) {
        return delegate.refundAsync(key, buckets, cost);   // what the limiter calls: a remote store need not be waited for
    }

    @Override
    public void reset(String key) {
        delegate.reset(key);
    }

    @Override
    public void reset(String key, List<BucketConfig> buckets) {
        delegate.reset(key, buckets);   // lets a remote store delete exactly these buckets
    }

    @Override
    public void clearAll() {
        delegate.clearAll();
    }

    @Override
    public void close() {
        delegate.close();
    }

    public long allowed() {
        return allowed.sum();
    }

    public long blocked() {
        return blocked.sum();
    }
}
// end::custom[]
