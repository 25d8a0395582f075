package io.fastlimit;

import io.fastlimit.rules.RateLimitRule;
import io.fastlimit.rules.Scope;

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

    BoundRule(RateLimitRule rule, Algorithm algorithm, String keyPrefix) {
        this.rule = rule;
        this.cost = rule.cost();
        this.user = ScopeBinding.of(rule, Scope.USER, algorithm, keyPrefix);
        this.header = ScopeBinding.of(rule, Scope.HEADER, algorithm, keyPrefix);
        this.ip = ScopeBinding.of(rule, Scope.IP, algorithm, keyPrefix);
        this.perIp = ip != null || header == null ? ip
                : new ScopeBinding(Scope.IP, header.buckets, keyPrefix + ":" + rule.name() + ":" + Scope.IP.keyPart() + ":{");
        this.headerResolver = rule.headerResolver().orElse(null);
    }

    /** What this rule counts, scope by scope: rules of one name must agree on it. */
    String limits() {
        StringBuilder limits = new StringBuilder();
        for (ScopeBinding scope : new ScopeBinding[] {user, header, ip}) {
            if (scope != null) {
                limits.append(limits.length() == 0 ? "" : ", ").append(scope.scope.keyPart()).append(' ').append(scope.buckets);
            }
        }
        return limits.toString();
    }
}
