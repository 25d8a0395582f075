package io.fastlimit;

import io.fastlimit.rules.BucketConfig;
import io.fastlimit.rules.RateLimitRule;
import io.fastlimit.rules.RuleLimits;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The rules a limiter has seen, each bound once to its buckets and keys; the limits that replace
 * their declared ones at run time; and the guard that keeps rules of one name alike: rules that share
 * a name share their buckets, so two rules of one name with other rates or algorithms would each see
 * the other's units counted against a limit they do not have. Thread-safe.
 *
 * <h2>Replacing limits while requests run</h2>
 * The replaced limits and the bindings made with them form one immutable {@link Generation}, read
 * from one volatile field. A replacement publishes a new generation with an empty cache, so every
 * binding is made from the limits of exactly one generation: a check sees the old limits or the new
 * ones, never a mix, and a binding a slow thread makes from the old generation lands in the old
 * cache, which nobody reads any more.
 */
final class RuleBindings {

    private static final Logger LOG = System.getLogger(FastLimit.class.getName());

    /** Rules built per request instead of once would grow the cache; past this it stops caching. */
    static final int MAX_CACHED_RULES = 10_000;

    private final Algorithm defaultAlgorithm;
    private final String keyPrefix;
    private volatile Generation current = new Generation(Map.of());
    /** The limits each rule name was first bound with, for the first {@value #MAX_CACHED_RULES} names. */
    private final ConcurrentHashMap<String, String> limitsByName = new ConcurrentHashMap<>();
    /** The first rule bound under each name, as declared, to check replaced limits against; same bound. */
    private final ConcurrentHashMap<String, RateLimitRule> declaredByName = new ConcurrentHashMap<>();
    /** Rule names already warned about an inexact sliding log; same bound. */
    private final Set<String> warnedSlidingLog = ConcurrentHashMap.newKeySet();

    RuleBindings(Algorithm defaultAlgorithm, String keyPrefix) {
        this.defaultAlgorithm = defaultAlgorithm;
        this.keyPrefix = keyPrefix;
    }

    /**
     * {@code rule} bound to its buckets and keys, with the limits that replace its own if any, its
     * algorithm or else the limiter's.
     *
     * @throws IllegalArgumentException when a rule of the same name with other limits was bound before
     */
    BoundRule bind(RateLimitRule rule) {
        Generation generation = current;
        BoundRule binding = generation.bound.get(rule);
        if (binding == null) {
            checkSameLimitsAsTheSameName(rule);
            RateLimitRule effective = generation.effective(rule);
            binding = new BoundRule(effective, effective.algorithm().orElse(defaultAlgorithm), keyPrefix);
            warnIfSlidingLogIsInexact(binding);
            if (generation.bound.size() < MAX_CACHED_RULES) {
                BoundRule raced = generation.bound.putIfAbsent(rule, binding);
                if (raced != null) {
                    binding = raced;
                }
            }
        }
        return binding;
    }

    /**
     * Warns once per rule name (at start-up, where adapters register their rules) when a rate on the
     * sliding log is above the limit up to which that log is exact: its cost stays bounded there, but
     * it may block a little longer than an exact log, and the counter is the O(1) choice.
     */
    private void warnIfSlidingLogIsInexact(BoundRule binding) {
        BucketConfig widest = binding.inexactSlidingLog();
        String name = binding.rule.name();
        if (widest == null || warnedSlidingLog.size() >= MAX_CACHED_RULES || !warnedSlidingLog.add(name)) {
            return;
        }
        LOG.log(Level.WARNING, "Rate limit '" + name + "' uses the sliding log (SLIDING_WINDOW) at " + widest.limit()
                + " per " + widest.windowMillis() + " ms: above " + BucketConfig.SLIDING_LOG_EXACT_LIMIT
                + " per window the log keeps its size by merging entries " + widest.slidingLogSlotMillis()
                + " ms apart, so a client may be blocked up to that much longer than by an exact log."
                + " SLIDING_WINDOW_COUNTER keeps one small state per key whatever the limit.");
    }

    /**
     * Replaces the replaced limits of every rule with {@code limits} (rule name to its limits; a rule
     * not named gets its declared limits back), after checking them against the rules seen so far.
     *
     * @throws IllegalArgumentException naming the rule whose new limits do not fit it; nothing changes then
     */
    synchronized void replaceAll(Map<String, RuleLimits> limits) {
        Map<String, RuleLimits> copy = Map.copyOf(limits);
        copy.forEach((name, replacement) -> {
            RateLimitRule declared = declaredByName.get(name);
            if (declared != null) {
                try {
                    replacement.applyTo(declared);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("New limits for rule '" + name + "' (" + replacement
                            + ") do not fit it: " + e.getMessage(), e);
                }
            }
        });
        current = new Generation(copy);
    }

    /** Replaces the limits of one rule; {@link RuleLimits#NONE} gives it back its declared ones. */
    synchronized void replace(String ruleName, RuleLimits limits) {
        Map<String, RuleLimits> all = new java.util.HashMap<>(current.replaced);
        if (limits.equals(RuleLimits.NONE)) {
            all.remove(ruleName);
        } else {
            all.put(ruleName, limits);
        }
        replaceAll(all);
    }

    /** Rule name to the limits that replace its declared ones now. */
    Map<String, RuleLimits> replaced() {
        return current.replaced;
    }

    /** The names of the rules bound so far (the first {@value #MAX_CACHED_RULES}). */
    Set<String> names() {
        return declaredByName.keySet();
    }

    private void checkSameLimitsAsTheSameName(RateLimitRule rule) {
        String name = rule.name();
        String limits = BoundRule.limits(rule, rule.algorithm().orElse(defaultAlgorithm));
        boolean room = limitsByName.size() < MAX_CACHED_RULES;
        String seen = room ? limitsByName.putIfAbsent(name, limits) : limitsByName.get(name);
        if (seen != null && !seen.equals(limits)) {
            throw new IllegalArgumentException("Rule '" + name + "' is used with other limits (" + limits
                    + ") than another rule of that name (" + seen + "): rules of one name share their buckets,"
                    + " so give them the same limits, or different names");
        }
        if (room) {
            declaredByName.putIfAbsent(name, rule);
        }
    }

    /** Replaced limits, and the bindings made with them. */
    private static final class Generation {
        final Map<String, RuleLimits> replaced;
        final ConcurrentHashMap<RateLimitRule, BoundRule> bound = new ConcurrentHashMap<>();
        /** Names whose replaced limits did not fit a rule bound later, already logged. */
        final Set<String> misfitsLogged = ConcurrentHashMap.newKeySet();

        Generation(Map<String, RuleLimits> replaced) {
            this.replaced = replaced;
        }

        /** {@code rule} with its replaced limits; as declared when they do not fit it (logged once). */
        RateLimitRule effective(RateLimitRule rule) {
            RuleLimits limits = replaced.get(rule.name());
            if (limits == null) {
                return rule;
            }
            try {
                return limits.applyTo(rule);
            } catch (IllegalArgumentException e) {
                if (misfitsLogged.add(rule.name())) {
                    LOG.log(Level.WARNING, "New limits for rule '" + rule.name() + "' (" + limits + ") do not fit it: "
                            + e.getMessage() + "; its declared limits apply");
                }
                return rule;
            }
        }
    }
}
