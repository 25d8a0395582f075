package io.fastlimit.rules;

import io.fastlimit.Algorithm;
import io.fastlimit.HeaderIdentityResolver;
import io.fastlimit.PlanResolver;
import io.fastlimit.internal.HeaderNames;
import io.fastlimit.internal.RuleNames;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A named limit: per scope ({@code user}, {@code header}, {@code ip}) the rates a client may not
 * exceed, and how much one request costs.
 *
 * <pre>{@code
 * RateLimitRule login = RateLimitRule.builder("login")
 *         .ip("5/min")
 *         .user("20/min;100/day")
 *         .build();
 * }</pre>
 *
 * <p>A header value is written by the client; see {@link HeaderIdentityResolver} for how the
 * limiter keeps made-up values from escaping the IP limit, and {@link Builder#headerResolver} for
 * how to say which values are genuine.
 *
 * <p>A rule may give other rates to callers on a plan ({@link Builder#plan}, chosen by a
 * {@link PlanResolver}), and may run in {@linkplain Builder#shadow shadow mode}: counted and logged,
 * never blocking.
 *
 * <p>The name is part of every key, so it must be the same in every instance of an application that
 * should share limits. Immutable and thread-safe.
 */
public final class RateLimitRule {

    /** Plan names: letters, digits, {@code _} and {@code -}, at most 64; no dot, so a limits file can name them. */
    private static final Pattern PLAN_NAME = Pattern.compile("[A-Za-z0-9_\\-]{1,64}");

    private final String name;
    private final int cost;
    private final Algorithm algorithm;
    private final String headerName;
    private final HeaderIdentityResolver headerResolver;
    private final boolean ipCeiling;
    private final Map<Scope, List<Rate>> rates;
    private final Map<String, List<Rate>> plans;
    private final PlanResolver planResolver;
    private final boolean shadow;

    private RateLimitRule(Builder b) {
        this.name = b.name;
        this.cost = b.cost;
        this.algorithm = b.algorithm;
        this.headerName = b.headerName;
        this.headerResolver = b.headerResolver;
        this.ipCeiling = b.ipCeiling;
        this.rates = new EnumMap<>(b.rates);
        this.plans = Collections.unmodifiableMap(new LinkedHashMap<>(b.plans));
        this.planResolver = b.planResolver;
        this.shadow = b.shadow;
    }

    /** A builder holding everything this rule holds, for a rule that differs from it in a few settings. */
    Builder copy() {
        Builder copy = new Builder(name);
        copy.cost = cost;
        copy.algorithm = algorithm;
        copy.headerName = headerName;
        copy.headerResolver = headerResolver;
        copy.ipCeiling = ipCeiling;
        copy.rates.putAll(rates);
        copy.plans.putAll(plans);
        copy.planResolver = planResolver;
        copy.shadow = shadow;
        return copy;
    }

    /**
     * Starts a rule.
     *
     * @param name the stable name written into keys: letters, digits and {@code . _ - /}, at most 128
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** A rule that limits each client IP address to {@code rates}, e.g. {@code RateLimitRule.ip("api", "100/min")}. */
    public static RateLimitRule ip(String name, String rates) {
        return builder(name).ip(rates).build();
    }

    public String name() {
        return name;
    }

    /** Units each request consumes; 1 by default. */
    public int cost() {
        return cost;
    }

    /** The algorithm of this rule, or empty to use the limiter's. */
    public Optional<Algorithm> algorithm() {
        return Optional.ofNullable(algorithm);
    }

    /** The header whose value keys the {@link Scope#HEADER} bucket, or {@code null} when there is none. */
    public String headerName() {
        return headerName;
    }

    /**
     * What says which values of the header are genuine, or empty when none does: every value is then
     * unverified and counts against the IP rates too (see {@link HeaderIdentityResolver}).
     */
    public Optional<HeaderIdentityResolver> headerResolver() {
        return Optional.ofNullable(headerResolver);
    }

    /** Whether the IP rates apply to every request, whatever identity keys it. Default {@code false}. */
    public boolean ipCeiling() {
        return ipCeiling;
    }

    /** The rates of one scope, all of which must hold; empty when the rule does not limit that scope. */
    public List<Rate> rates(Scope scope) {
        return rates.getOrDefault(scope, List.of());
    }

    /** Whether this rule limits {@code scope}. */
    public boolean limits(Scope scope) {
        return rates.containsKey(scope);
    }

    /** Plan name to the rates a caller on that plan gets instead of the default ones, in declaration order; empty for none. */
    public Map<String, List<Rate>> plans() {
        return plans;
    }

    /** What says which plan a request's caller is on; empty for a rule without plans. */
    public Optional<PlanResolver> planResolver() {
        return Optional.ofNullable(planResolver);
    }

    /** Whether this rule runs in shadow mode: counted, and logged when it would block, but never blocking. */
    public boolean shadow() {
        return shadow;
    }

    /** Whether {@code name} may name a plan: 1 to 64 letters, digits, {@code _} or {@code -}. */
    public static boolean isValidPlanName(String name) {
        return name != null && PLAN_NAME.matcher(name).matches();
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("RateLimitRule[").append(name);
        rates.forEach((scope, list) -> {
            s.append(' ').append(scope.keyPart());
            if (scope == Scope.HEADER) {
                s.append('(').append(headerName).append(')');
            }
            s.append('=');
            for (int i = 0; i < list.size(); i++) {
                s.append(i == 0 ? "" : ";").append(list.get(i));
            }
        });
        if (headerResolver != null) {
            s.append(" header-resolver=").append(headerResolver.getClass().getName());
        }
        if (ipCeiling) {
            s.append(" ip-ceiling");
        }
        plans.forEach((plan, list) -> s.append(" plan.").append(plan).append('=').append(Rate.format(list)));
        if (shadow) {
            s.append(" shadow");
        }
        if (cost != 1) {
            s.append(" cost=").append(cost);
        }
        return s.append(']').toString();
    }

    /** Builds a {@link RateLimitRule}; every setter validates its argument. */
    public static final class Builder {
        private final String name;
        private int cost = 1;
        private Algorithm algorithm;
        private String headerName;
        private HeaderIdentityResolver headerResolver;
        private boolean ipCeiling;
        private final Map<Scope, List<Rate>> rates = new EnumMap<>(Scope.class);
        private final Map<String, List<Rate>> plans = new LinkedHashMap<>();
        private PlanResolver planResolver;
        private boolean shadow;

        private Builder(String name) {
            if (!RuleNames.isValid(name)) {
                throw new IllegalArgumentException("Invalid rule name '" + name
                        + "': expected 1 to 128 letters, digits or . _ - /");
            }
            this.name = name;
        }

        /** Limits each client IP address, e.g. {@code "10/min"} or {@code "10/s;500/hour"}. */
        public Builder ip(String rates) {
            return scope(Scope.IP, rates);
        }

        /** Limits each authenticated user; an anonymous request falls back to the other scopes. */
        public Builder user(String rates) {
            return scope(Scope.USER, rates);
        }

        /**
         * Limits each distinct value of request header {@code headerName}, such as an API key. Without
         * a {@link #headerResolver} every value is unverified and also counts against the IP rates (or,
         * when this rule has none, against these rates per client IP), so a client cannot escape its
         * IP limit by making values up.
         */
        public Builder header(String headerName, String rates) {
            if (!HeaderNames.isValid(headerName)) {
                throw new IllegalArgumentException("Invalid header name '" + headerName
                        + "': expected an HTTP header name such as X-Api-Key");
            }
            this.headerName = headerName;
            return scope(Scope.HEADER, rates);
        }

        /**
         * Says which values of the {@link #header} are genuine and whose they are. A genuine value
         * counts against the header bucket of its client id; an unknown one against the IP bucket.
         * Default: none, every value unverified (see {@link HeaderIdentityResolver}).
         */
        public Builder headerResolver(HeaderIdentityResolver resolver) {
            this.headerResolver = Objects.requireNonNull(resolver, "resolver");
            return this;
        }

        /**
         * With {@code true}, the {@link #ip} rates apply to every request as a ceiling, also to those
         * keyed by user or by a genuine header, which then count against both buckets. Default
         * {@code false}: a request counts against the bucket of its most specific identity only.
         */
        public Builder ipCeiling(boolean ipCeiling) {
            this.ipCeiling = ipCeiling;
            return this;
        }

        private Builder scope(Scope scope, String spec) {
            rates.put(scope, Rate.parse(spec));
            return this;
        }

        /** Sets the rates of {@code scope} to rates already parsed; for overrides. */
        Builder rates(Scope scope, List<Rate> parsed) {
            rates.put(scope, List.copyOf(parsed));
            return this;
        }

        /**
         * A caller on plan {@code plan} gets {@code rates} (e.g. {@code "10000/hour;500/min"}) instead of
         * the default rates of the bucket it counts against; a caller on no plan, or on one the rule
         * does not declare, gets the default ones. Needs a {@link #planResolver}.
         *
         * @param plan 1 to 64 letters, digits, {@code _} or {@code -}
         */
        public Builder plan(String plan, String rates) {
            if (!isValidPlanName(plan)) {
                throw new IllegalArgumentException("Invalid plan name '" + plan + "' for rule '" + name
                        + "': expected 1 to 64 letters, digits, _ or -");
            }
            plans.put(plan, Rate.parse(rates));
            return this;
        }

        /** Sets the plans to {@code parsed}, replacing those set before; for overrides. */
        Builder plans(Map<String, List<Rate>> parsed) {
            plans.clear();
            plans.putAll(parsed);
            return this;
        }

        /** Says which plan a request's caller is on; needed with {@link #plan}. Default: none. */
        public Builder planResolver(PlanResolver resolver) {
            this.planResolver = Objects.requireNonNull(resolver, "resolver");
            return this;
        }

        /**
         * With {@code true}, this rule counts and logs "would have blocked" (at most every 10 s) but
         * lets every request through, while the other rules of the limiter enforce theirs: a new limit
         * can be watched before it is enforced. Default {@code false}.
         */
        public Builder shadow(boolean shadow) {
            this.shadow = shadow;
            return this;
        }

        /** Units each request consumes: at least 1 and at most the smallest limit of the rule. Default 1. */
        public Builder cost(int cost) {
            if (cost < 1) {
                throw new IllegalArgumentException("Invalid cost " + cost + " for rule '" + name + "': expected 1 or more");
            }
            this.cost = cost;
            return this;
        }

        /** Counts this rule with {@code algorithm} instead of the limiter's default. */
        public Builder algorithm(Algorithm algorithm) {
            this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
            return this;
        }

        /**
         * @throws IllegalArgumentException if no scope is limited, the cost exceeds a limit (of a plan
         *                                  too), a header resolver is set without a header rate, an IP
         *                                  ceiling without IP rates, or plans without a plan resolver
         */
        public RateLimitRule build() {
            if (rates.isEmpty()) {
                throw new IllegalArgumentException("Rule '" + name + "' limits nothing: set at least one of ip, user or header");
            }
            if (headerResolver != null && !rates.containsKey(Scope.HEADER)) {
                throw new IllegalArgumentException("Rule '" + name + "' has a header resolver ("
                        + headerResolver.getClass().getName() + ") but no header rate: set header(name, rates) too");
            }
            if (ipCeiling && !rates.containsKey(Scope.IP)) {
                throw new IllegalArgumentException("Rule '" + name + "' asks for an IP ceiling but has no ip rates:"
                        + " set ip(rates) too");
            }
            if (!plans.isEmpty() && planResolver == null) {
                throw new IllegalArgumentException("Rule '" + name + "' has plans " + plans.keySet()
                        + " but no plan resolver to say who is on them: set planResolver(...) too");
            }
            List<List<Rate>> all = new java.util.ArrayList<>(rates.values());
            all.addAll(plans.values());
            for (List<Rate> list : all) {
                for (Rate rate : list) {
                    if (cost > rate.limit()) {
                        throw new IllegalArgumentException("Invalid cost " + cost + " for rule '" + name
                                + "': larger than its limit " + rate + ", so no request could ever pass");
                    }
                }
            }
            return new RateLimitRule(this);
        }
    }
}
