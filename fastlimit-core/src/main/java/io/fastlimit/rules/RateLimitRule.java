package io.fastlimit.rules;

import io.fastlimit.Algorithm;
import io.fastlimit.HeaderIdentityResolver;
import io.fastlimit.internal.HeaderNames;
import io.fastlimit.internal.RuleNames;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

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
 * <p>The name is part of every key, so it must be the same in every instance of an application that
 * should share limits. Immutable and thread-safe.
 */
public final class RateLimitRule {

    private final String name;
    private final int cost;
    private final Algorithm algorithm;
    private final String headerName;
    private final HeaderIdentityResolver headerResolver;
    private final boolean ipCeiling;
    private final Map<Scope, List<Rate>> rates;

    private RateLimitRule(Builder b) {
        this.name = b.name;
        this.cost = b.cost;
        this.algorithm = b.algorithm;
        this.headerName = b.headerName;
        this.headerResolver = b.headerResolver;
        this.ipCeiling = b.ipCeiling;
        this.rates = new EnumMap<>(b.rates);
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
         * @throws IllegalArgumentException if no scope is limited, the cost exceeds a limit, a header
         *                                  resolver is set without a header rate, or an IP ceiling
         *                                  without IP rates
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
            for (List<Rate> list : rates.values()) {
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
