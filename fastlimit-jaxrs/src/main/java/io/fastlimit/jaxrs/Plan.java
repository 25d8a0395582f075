package io.fastlimit.jaxrs;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The rates a caller on one plan gets from a {@link RateLimit}, instead of its default ones:
 * {@code @RateLimit(ip = "2/min", plans = {@Plan(name = "pro", limit = "50/min")})}. Which plan a
 * caller is on is said by the {@link io.fastlimit.PlanResolver} given to
 * {@link FastLimitFeature#withPlanResolver}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({})
public @interface Plan {

    /** The plan's name, as the plan resolver answers it: 1 to 64 letters, digits, {@code _} or {@code -}. */
    String name();

    /**
     * The rates of the bucket the request counts against, for callers on this plan, e.g.
     * {@code "50/min"} or {@code "10000/hour;500/min"}.
     */
    String limit();
}
