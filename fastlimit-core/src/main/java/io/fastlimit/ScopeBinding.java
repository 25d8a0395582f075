package io.fastlimit;

import io.fastlimit.backends.BackendResult;
import io.fastlimit.rules.BucketConfig;
import io.fastlimit.rules.RateLimitRule;
import io.fastlimit.rules.Scope;

import java.util.List;

/** The buckets of one scope of a rule, and the start of their keys, worked out once. Immutable. */
final class ScopeBinding {

    final Scope scope;
    final List<BucketConfig> buckets;
    /** The only bucket of a one-rate scope, the common case, checked without a list; else null. */
    final BucketConfig single;
    /** {@code <prefix>:<rule>:<scope>:{}: a check appends the id and the closing brace. */
    final String keyStart;

    ScopeBinding(Scope scope, List<BucketConfig> buckets, String keyStart) {
        this.scope = scope;
        this.buckets = buckets;
        this.single = buckets.size() == 1 ? buckets.get(0) : null;
        this.keyStart = keyStart;
    }

    /** The binding of {@code rule}'s rates in {@code scope}, or {@code null} when it has none there. */
    static ScopeBinding of(RateLimitRule rule, Scope scope, Algorithm algorithm, String keyPrefix) {
        if (!rule.limits(scope)) {
            return null;
        }
        return new ScopeBinding(scope, BoundRule.buckets(rule.rates(scope), algorithm), keyPrefix + ":" + rule.name() + ":" + scope.keyPart() + ":{");
    }

    /** The key of the client {@code id} in this scope. */
    String key(String id) {
        return keyStart + id + "}";
    }

    /**
     * The window of the bucket {@code result} describes: the one at its index, or for a backend that
     * does not tell, the first with its limit.
     */
    long windowFor(BackendResult result) {
        int index = result.bucketIndex();
        if (index >= 0 && index < buckets.size()) {
            return buckets.get(index).windowMillis();
        }
        for (BucketConfig bucket : buckets) {
            if (bucket.limit() == result.limit()) {
                return bucket.windowMillis();
            }
        }
        return buckets.get(0).windowMillis();
    }
}
