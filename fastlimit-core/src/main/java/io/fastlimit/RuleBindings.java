package io.fastlimit;

import io.fastlimit.rules.RateLimitRule;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The rules a limiter has seen, each bound once to its buckets and keys, and the guard that keeps
 * rules of one name alike: rules that share a name share their buckets, so two rules of one name
 * with other rates or algorithms would each see the other's units counted against a limit they do
 * not have. Thread-safe.
 */
final class RuleBindings {

    /** Rules built per request instead of once would grow the cache; past this it stops caching. */
    static final int MAX_CACHED_RULES = 10_000;

    private final Algorithm defaultAlgorithm;
    private final String keyPrefix;
    private final ConcurrentHashMap<RateLimitRule, BoundRule> bound = new ConcurrentHashMap<>();
    /** The limits each rule name was first bound with, for the first {@value #MAX_CACHED_RULES} names. */
    private final ConcurrentHashMap<String, String> limitsByName = new ConcurrentHashMap<>();

    RuleBindings(Algorithm defaultAlgorithm, String keyPrefix) {
        this.defaultAlgorithm = defaultAlgorithm;
        this.keyPrefix = keyPrefix;
    }

    /**
     * {@code rule} bound to its buckets and keys, its own algorithm or else the limiter's.
     *
     * @throws IllegalArgumentException when a rule of the same name with other limits was bound before
     */
    BoundRule bind(RateLimitRule rule) {
        BoundRule binding = bound.get(rule);
        if (binding == null) {
            binding = new BoundRule(rule, rule.algorithm().orElse(defaultAlgorithm), keyPrefix);
            checkSameLimitsAsTheSameName(binding);
            if (bound.size() < MAX_CACHED_RULES) {
                BoundRule raced = bound.putIfAbsent(rule, binding);
                if (raced != null) {
                    binding = raced;
                }
            }
        }
        return binding;
    }

    private void checkSameLimitsAsTheSameName(BoundRule binding) {
        String name = binding.rule.name();
        String limits = binding.limits();
        String seen = limitsByName.size() < MAX_CACHED_RULES ? limitsByName.putIfAbsent(name, limits) : limitsByName.get(name);
        if (seen != null && !seen.equals(limits)) {
            throw new IllegalArgumentException("Rule '" + name + "' is used with other limits (" + limits
                    + ") than another rule of that name (" + seen + "): rules of one name share their buckets,"
                    + " so give them the same limits, or different names");
        }
    }
}
