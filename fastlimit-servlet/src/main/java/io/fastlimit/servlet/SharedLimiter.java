package io.fastlimit.servlet;

import io.fastlimit.FastLimit;
import jakarta.servlet.ServletContext;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The one limiter that the {@link FastLimitFilter}s of a webapp configured by init-params share,
 * with its backend and so its Redis connection pool.
 *
 * <p>It is kept in a context attribute and counted: the first filter to start creates it (or adopts
 * the limiter the application put under {@link FastLimitFilter#LIMITER_ATTRIBUTE}), each filter that
 * stops gives it back, and the last one closes a limiter it created. A limiter the application
 * provided stays open: its owner closes it.
 *
 * <p>Acquiring and releasing happen at start and stop only, under one lock.
 */
final class SharedLimiter {

    static final String ATTRIBUTE = SharedLimiter.class.getName();

    private static final Object LOCK = new Object();

    private final FastLimit limiter;
    private final boolean owned;
    /** The limiter-level init-params it was built from; empty for a limiter the application provided. */
    private final Map<String, String> settings;
    private final String createdBy;
    /** Rule name to the filter that uses it: two filters on one name would count into the same buckets. */
    private final Map<String, String> rules = new HashMap<>();
    private int users;

    private SharedLimiter(FastLimit limiter, boolean owned, Map<String, String> settings, String createdBy) {
        this.limiter = limiter;
        this.owned = owned;
        this.settings = Map.copyOf(settings);
        this.createdBy = createdBy;
    }

    FastLimit limiter() {
        return limiter;
    }

    /**
     * The webapp's limiter for filter {@code filterName}, created from the {@code webapp}'s settings
     * and {@code env} if this is the first filter to ask.
     *
     * @throws IllegalArgumentException when {@code limiterParams} disagree with those the shared
     *                                  limiter was built from, when the application provided the limiter
     *                                  and limiter-level params are set anyway, or when another filter
     *                                  already uses {@code ruleName}
     */
    static SharedLimiter acquire(ServletContext context, String filterName, String ruleName,
                                 WebappSettings webapp, Map<String, String> env) {
        Map<String, String> limiterParams = webapp.settings;
        synchronized (LOCK) {
            SharedLimiter shared = context.getAttribute(ATTRIBUTE) instanceof SharedLimiter s ? s : null;
            if (shared == null) {
                Object provided = context.getAttribute(FastLimitFilter.LIMITER_ATTRIBUTE);
                if (provided instanceof FastLimit limiter) {
                    shared = new SharedLimiter(limiter, false, Map.of(), null);
                } else if (provided != null) {
                    throw new IllegalArgumentException("Context attribute " + FastLimitFilter.LIMITER_ATTRIBUTE
                            + " holds a " + provided.getClass().getName() + ", not an io.fastlimit.FastLimit");
                } else {
                    FastLimit limiter = FilterSettings.buildLimiter(filterName, limiterParams, env);
                    shared = new SharedLimiter(limiter, true, limiterParams, filterName);
                    webapp.warnIfMisplaced(); // once: when the webapp's limiter is built

                }
            }
            shared.check(filterName, limiterParams);
            String other = shared.rules.get(ruleName);
            if (other != null) {
                throw new IllegalArgumentException("Filters '" + other + "' and '" + filterName + "' both use rule name '"
                        + ruleName + "' and would count into the same buckets: give one of them another init-param name");
            }
            if (shared.users == 0) {
                context.setAttribute(ATTRIBUTE, shared);
                if (shared.owned) {
                    context.setAttribute(FastLimitFilter.LIMITER_ATTRIBUTE, shared.limiter);
                }
            }
            shared.rules.put(ruleName, filterName);
            shared.users++;
            return shared;
        }
    }

    private void check(String filterName, Map<String, String> limiterParams) {
        if (!owned) {
            if (!limiterParams.isEmpty()) {
                throw new IllegalArgumentException("The limiter settings " + limiterParams.keySet()
                        + " are set as init-params of FastLimitFilters or fastlimit.* context-params of this webapp, but the application provides the limiter in"
                        + " context attribute " + FastLimitFilter.LIMITER_ATTRIBUTE
                        + ": configure that limiter in code instead");
            }
            return;
        }
        for (Map.Entry<String, String> param : limiterParams.entrySet()) {
            String mine = settings.get(param.getKey());
            if (!Objects.equals(mine, param.getValue())) {
                throw FilterSettings.conflict(param.getKey(), createdBy, mine == null ? "unset" : mine, filterName,
                        param.getValue());
            }
        }
    }

    /** Gives the limiter back; the last filter to do so closes it, if it was created here. */
    void release(ServletContext context, String ruleName) {
        synchronized (LOCK) {
            rules.remove(ruleName);
            if (--users > 0) {
                return;
            }
            if (context.getAttribute(ATTRIBUTE) == this) {
                context.removeAttribute(ATTRIBUTE);
            }
            if (owned) {
                if (context.getAttribute(FastLimitFilter.LIMITER_ATTRIBUTE) == limiter) {
                    context.removeAttribute(FastLimitFilter.LIMITER_ATTRIBUTE);
                }
                limiter.close();
            }
        }
    }
}
