package io.fastlimit.spring;

import io.fastlimit.FastLimit;
import io.fastlimit.rules.RateLimitRule;
import org.springframework.core.annotation.AnnotatedElementUtils;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The rules of the {@link RateLimit} annotations of Spring MVC handler methods: the method's, then its
 * class's. Built once per method, and checked with the limiter so that a rule name used with other
 * rates fails; two default names that would collide (the same controller name in two packages) fail too.
 */
final class HandlerRules {

    private final FastLimit limiter;
    private final Map<Method, List<RateLimitRule>> byMethod = new ConcurrentHashMap<>();
    /** Default rule name to the handler that took it. Guarded by {@code this}. */
    private final Map<String, String> defaultNames = new HashMap<>();

    HandlerRules(FastLimit limiter) {
        this.limiter = limiter;
    }

    /**
     * The rules of a handler method of {@code beanType}, empty when nothing is annotated.
     *
     * @throws IllegalArgumentException naming the method and the value that is wrong
     */
    List<RateLimitRule> of(Class<?> beanType, Method method) {
        return byMethod.computeIfAbsent(method, m -> read(beanType, m));
    }

    private List<RateLimitRule> read(Class<?> beanType, Method method) {
        String where = beanType.getName() + "#" + method.getName() + "("
                + Arrays.stream(method.getParameterTypes()).map(Class::getSimpleName).collect(Collectors.joining(", ")) + ")";
        List<RateLimitRule> rules = new ArrayList<>(2);
        RateLimit onMethod = AnnotatedElementUtils.findMergedAnnotation(method, RateLimit.class);
        if (onMethod != null) {
            rules.add(rule(onMethod, beanType.getSimpleName() + "." + method.getName(), where, "@RateLimit on " + where));
        }
        RateLimit onClass = AnnotatedElementUtils.findMergedAnnotation(beanType, RateLimit.class);
        if (onClass != null) {
            rules.add(rule(onClass, beanType.getSimpleName(), beanType.getName(),
                    "@RateLimit on " + beanType.getName() + " (the class of handler method " + where + ")"));
        }
        return List.copyOf(rules);
    }

    private RateLimitRule rule(RateLimit annotation, String defaultName, String owner, String where) {
        try {
            String name = annotation.name().isEmpty() ? claim(defaultName, owner) : annotation.name();
            RateLimitRule.Builder rule = RateLimitRule.builder(name);
            String ip = annotation.ip().isEmpty() ? annotation.value() : annotation.ip();
            if (!ip.isEmpty()) {
                rule.ip(ip);
            }
            if (!annotation.user().isEmpty()) {
                rule.user(annotation.user());
            }
            if (!annotation.header().isEmpty() || !annotation.headerName().isEmpty()) {
                if (annotation.header().isEmpty() || annotation.headerName().isEmpty()) {
                    throw new IllegalArgumentException("header and headerName go together (header = \"" + annotation.header()
                            + "\", headerName = \"" + annotation.headerName() + "\")");
                }
                rule.header(annotation.headerName(), annotation.header());
            }
            RateLimitRule built = rule.cost(annotation.cost()).build();
            limiter.register(built); // a name already counted with other rates fails here
            return built;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid " + where + ": " + e.getMessage(), e);
        }
    }

    /** {@code name} for {@code owner}, unless another owner has it: then both would count into one bucket. */
    private synchronized String claim(String name, String owner) {
        String other = defaultNames.putIfAbsent(name, owner);
        if (other != null && !other.equals(owner)) {
            throw new IllegalArgumentException("the default rule name '" + name + "' is also that of " + other
                    + ", and the two would share their buckets: give one a @RateLimit(name = ...)");
        }
        return name;
    }
}
