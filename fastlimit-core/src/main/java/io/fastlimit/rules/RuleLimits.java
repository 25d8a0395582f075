package io.fastlimit.rules;

import io.fastlimit.Algorithm;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * New limits for a rule declared elsewhere (in code, {@code web.xml} or an annotation), given to a
 * running limiter by {@code FastLimit.replaceLimits} or a limits file. Only what it sets changes:
 * the rates of the scopes it names, the plans it names (other declared plans stay), the algorithm,
 * shadow mode. The rule's name, header, resolvers, IP ceiling and cost stay as declared.
 *
 * <pre>{@code
 * limiter.replaceLimits("api", RuleLimits.builder().ip("50/min").plan("pro", "1000/min").build());
 * }</pre>
 *
 * Immutable and thread-safe.
 */
public final class RuleLimits {

    /** Changes nothing: the rule's declared limits. */
    public static final RuleLimits NONE = builder().build();

    private final Map<Scope, List<Rate>> rates;
    private final Map<String, List<Rate>> plans;
    private final Algorithm algorithm;
    private final Boolean shadow;

    private RuleLimits(Builder b) {
        this.rates = Collections.unmodifiableMap(new EnumMap<>(b.rates));
        this.plans = Collections.unmodifiableMap(new LinkedHashMap<>(b.plans));
        this.algorithm = b.algorithm;
        this.shadow = b.shadow;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The scopes whose rates change, with their new rates. */
    public Map<Scope, List<Rate>> rates() {
        return rates;
    }

    /** The plans whose rates change or that are added, with their rates. */
    public Map<String, List<Rate>> plans() {
        return plans;
    }

    /** The new algorithm, or empty to keep the rule's. */
    public Optional<Algorithm> algorithm() {
        return Optional.ofNullable(algorithm);
    }

    /** The new shadow mode, or empty to keep the rule's. */
    public Optional<Boolean> shadow() {
        return Optional.ofNullable(shadow);
    }

    /**
     * {@code declared} with these limits in place of its own.
     *
     * @throws IllegalArgumentException when they do not fit the rule: rates for a scope it does not
     *                                  limit (a header rate needs the header name only code or
     *                                  configuration declares), plans without a plan resolver, a cost
     *                                  larger than a new limit
     */
    public RateLimitRule applyTo(RateLimitRule declared) {
        RateLimitRule.Builder rule = declared.copy();
        for (Map.Entry<Scope, List<Rate>> scope : rates.entrySet()) {
            if (!declared.limits(scope.getKey())) {
                throw new IllegalArgumentException("rule '" + declared.name() + "' has no " + scope.getKey().keyPart()
                        + " rate to replace: new limits change the rates of the scopes a rule declares ("
                        + declaredScopes(declared) + ")");
            }
            rule.rates(scope.getKey(), scope.getValue());
        }
        if (!plans.isEmpty()) {
            Map<String, List<Rate>> merged = new LinkedHashMap<>(declared.plans());
            merged.putAll(plans);
            rule.plans(merged);
        }
        if (algorithm != null) {
            rule.algorithm(algorithm);
        }
        if (shadow != null) {
            rule.shadow(shadow);
        }
        return rule.build();
    }

    private static String declaredScopes(RateLimitRule rule) {
        StringBuilder scopes = new StringBuilder();
        for (Scope scope : Scope.values()) {
            if (rule.limits(scope)) {
                scopes.append(scopes.length() == 0 ? "" : ", ").append(scope.keyPart());
            }
        }
        return scopes.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RuleLimits other && rates.equals(other.rates) && plans.equals(other.plans)
                && algorithm == other.algorithm && Objects.equals(shadow, other.shadow);
    }

    @Override
    public int hashCode() {
        return Objects.hash(rates, plans, algorithm, shadow);
    }

    /** As a limits file writes them: {@code ip=50/min, plan.pro=1000/min, algorithm=token_bucket, shadow=true}. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        rates.forEach((scope, list) -> s.append(s.length() == 0 ? "" : ", ").append(scope.keyPart()).append('=')
                .append(Rate.format(list)));
        plans.forEach((plan, list) -> s.append(s.length() == 0 ? "" : ", ").append("plan.").append(plan).append('=')
                .append(Rate.format(list)));
        if (algorithm != null) {
            s.append(s.length() == 0 ? "" : ", ").append("algorithm=").append(algorithm.name().toLowerCase(Locale.ROOT));
        }
        if (shadow != null) {
            s.append(s.length() == 0 ? "" : ", ").append("shadow=").append(shadow);
        }
        return s.length() == 0 ? "as declared" : s.toString();
    }

    /** Builds {@link RuleLimits}; every setter validates its argument and throws {@link IllegalArgumentException} naming it. */
    public static final class Builder {
        private final Map<Scope, List<Rate>> rates = new EnumMap<>(Scope.class);
        private final Map<String, List<Rate>> plans = new LinkedHashMap<>();
        private Algorithm algorithm;
        private Boolean shadow;

        private Builder() {
        }

        /** New rates per client IP, e.g. {@code "10/min"}. */
        public Builder ip(String rates) {
            return rates(Scope.IP, rates);
        }

        /** New rates per user. */
        public Builder user(String rates) {
            return rates(Scope.USER, rates);
        }

        /** New rates per value of the rule's header. */
        public Builder header(String rates) {
            return rates(Scope.HEADER, rates);
        }

        /** New rates for {@code scope}. */
        public Builder rates(Scope scope, String rates) {
            this.rates.put(Objects.requireNonNull(scope, "scope"), Rate.parse(rates));
            return this;
        }

        /** New rates for plan {@code plan}, added when the rule does not declare it. */
        public Builder plan(String plan, String rates) {
            if (!RateLimitRule.isValidPlanName(plan)) {
                throw new IllegalArgumentException("Invalid plan name '" + plan + "': expected 1 to 64 letters, digits, _ or -");
            }
            plans.put(plan, Rate.parse(rates));
            return this;
        }

        public Builder algorithm(Algorithm algorithm) {
            this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
            return this;
        }

        public Builder shadow(boolean shadow) {
            this.shadow = shadow;
            return this;
        }

        public RuleLimits build() {
            return new RuleLimits(this);
        }
    }
}
