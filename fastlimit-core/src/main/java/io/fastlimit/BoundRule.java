package io.fastlimit;

import io.fastlimit.rules.BucketConfig;
import io.fastlimit.rules.Rate;
import io.fastlimit.rules.RateLimitRule;
import io.fastlimit.rules.Scope;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/** A rule with its buckets and key parts worked out once, so a check only concatenates the id. Immutable. */
final class BoundRule {

    final RateLimitRule rule;
    final int cost;
    final ScopeBinding user;
    final ScopeBinding header;
    final ScopeBinding ip;
    /**
     * The bucket per client IP that unverified and unknown header values count against: the IP scope,
     * or for a rule without one its header rates keyed by IP; null for a user-only rule.
     */
    final ScopeBinding perIp;
    final HeaderIdentityResolver headerResolver;
    /** Null for a rule without plans. */
    final PlanResolver planResolver;
    final boolean shadow;
    /**
     * Plan name to, for each binding above, the same keys with the plan's rates: a plan changes the
     * rates of the bucket a request counts against, never its key. Empty for a rule without plans.
     */
    private final Map<String, Map<ScopeBinding, ScopeBinding>> plans;

    BoundRule(RateLimitRule rule, Algorithm algorithm, String keyPrefix) {
        this.rule = rule;
        this.cost = rule.cost();
        this.user = ScopeBinding.of(rule, Scope.USER, algorithm, keyPrefix);
        this.header = ScopeBinding.of(rule, Scope.HEADER, algorithm, keyPrefix);
        this.ip = ScopeBinding.of(rule, Scope.IP, algorithm, keyPrefix);
        this.perIp = ip != null || header == null ? ip
                : new ScopeBinding(Scope.IP, header.buckets, keyPrefix + ":" + rule.name() + ":" + Scope.IP.keyPart() + ":{");
        this.headerResolver = rule.headerResolver().orElse(null);
        this.planResolver = rule.planResolver().orElse(null);
        this.shadow = rule.shadow();
        this.plans = new HashMap<>();
        rule.plans().forEach((plan, rates) -> {
            List<BucketConfig> buckets = buckets(rates, algorithm);
            Map<ScopeBinding, ScopeBinding> scopes = new IdentityHashMap<>();
            for (ScopeBinding scope : new ScopeBinding[] {user, header, ip, perIp}) {
                if (scope != null) {
                    scopes.put(scope, new ScopeBinding(scope.scope, buckets, scope.keyStart));
                }
            }
            plans.put(plan, scopes);
        });
    }

    /** {@code scope} with the rates of {@code plan}, or {@code scope} itself for a plan this rule does not declare. */
    ScopeBinding withPlan(String plan, ScopeBinding scope) {
        Map<ScopeBinding, ScopeBinding> scopes = plans.get(plan);
        return scopes == null ? scope : scopes.getOrDefault(scope, scope);
    }

    /**
     * The sliding-log bucket with the largest limit above {@link BucketConfig#SLIDING_LOG_EXACT_LIMIT},
     * among the rule's rates and its plans' (where the log stops being exact); null when there is none.
     */
    BucketConfig inexactSlidingLog() {
        BucketConfig widest = null;
        List<ScopeBinding> scopes = new ArrayList<>();
        for (ScopeBinding scope : new ScopeBinding[] {user, header, ip}) {
            if (scope != null) {
                scopes.add(scope);
            }
        }
        plans.values().forEach(byScope -> scopes.addAll(byScope.values()));
        for (ScopeBinding scope : scopes) {
            for (BucketConfig bucket : scope.buckets) {
                if (bucket.algorithm() == Algorithm.SLIDING_WINDOW && bucket.limit() > BucketConfig.SLIDING_LOG_EXACT_LIMIT
                        && (widest == null || bucket.limit() > widest.limit())) {
                    widest = bucket;
                }
            }
        }
        return widest;
    }

    static List<BucketConfig> buckets(List<Rate> rates, Algorithm algorithm) {
        List<BucketConfig> buckets = new ArrayList<>(rates.size());
        for (Rate rate : rates) {
            buckets.add(BucketConfig.of(rate, algorithm));
        }
        return List.copyOf(buckets);
    }

    /** What {@code rule} counts, scope by scope and plan by plan: rules of one name must agree on it. */
    static String limits(RateLimitRule rule, Algorithm algorithm) {
        StringBuilder limits = new StringBuilder();
        for (Scope scope : Scope.values()) {
            if (rule.limits(scope)) {
                limits.append(limits.length() == 0 ? "" : ", ").append(scope.keyPart()).append(' ')
                        .append(buckets(rule.rates(scope), algorithm));
            }
        }
        rule.plans().forEach((plan, rates) -> limits.append(", plan ").append(plan).append(' ')
                .append(buckets(rates, algorithm)));
        return limits.toString();
    }
}
