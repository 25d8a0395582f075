package io.fastlimit.jaxrs;

import io.fastlimit.FastLimit;
import io.fastlimit.HeaderIdentityResolver;
import io.fastlimit.PlanResolver;
import io.fastlimit.rules.RateLimitRule;
import io.fastlimit.rules.Scope;

import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.DynamicFeature;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.FeatureContext;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Binds a {@link RateLimitFilter} to each resource method that {@link RateLimit} applies to, as the
 * application starts, and to no other.
 *
 * <p>It also keeps the rule names of one application apart: two limits that would get the same
 * default name (the same simple class name in two packages) fail the start rather than silently share
 * buckets, and limits sharing a name on purpose must declare the same rates.
 */
final class RateLimitBinder implements DynamicFeature {

    private static final boolean SERVLET_API = isPresent("jakarta.servlet.http.HttpServletRequest");

    /** After authentication, so the {@code SecurityContext} is known. */
    private static final int RATE_LIMIT_PRIORITY = Priorities.AUTHORIZATION;
    /** Just before the rate-limit filter. */
    private static final int PEER_ADDRESS_PRIORITY = RATE_LIMIT_PRIORITY - 1;

    private final FastLimit limiter;
    private final UserResolver users;
    private final Function<ContainerRequestContext, String> remoteAddress;
    private final Function<String, HeaderIdentityResolver> headerResolvers;
    /** Null when the application gave none. */
    private final PlanResolver planResolver;
    /** Rule name to the limit that took it first. Guarded by {@code this}. */
    private final Map<String, Named> names = new HashMap<>();

    RateLimitBinder(FastLimit limiter, UserResolver users, Function<ContainerRequestContext, String> remoteAddress,
                    Function<String, HeaderIdentityResolver> headerResolvers, PlanResolver planResolver) {
        this.limiter = limiter;
        this.planResolver = planResolver;
        this.users = users;
        this.remoteAddress = remoteAddress;
        this.headerResolvers = headerResolvers;
    }

    @Override
    public void configure(ResourceInfo resourceInfo, FeatureContext context) {
        Class<?> resourceClass = resourceInfo.getResourceClass();
        Method method = resourceInfo.getResourceMethod();
        if (resourceClass == null || method == null) {
            return;
        }
        RateLimit onMethod = methodAnnotation(resourceClass, method);
        RateLimit onClass = classAnnotation(resourceClass);
        if (onMethod == null && onClass == null) {
            return;
        }
        String where = AnnotationRules.where(resourceClass, method);
        // the method's own limit first: when it blocks, the class limit shared with other methods is not spent
        List<RateLimitRule> rules = new ArrayList<>(2);
        if (onMethod != null) {
            RateLimitRule rule = AnnotationRules.rule(onMethod, AnnotationRules.methodName(resourceClass, method), where,
                    headerResolvers, planResolver);
            rules.add(claim(rule, where, !onMethod.name().isEmpty()));
        }
        if (onClass != null) {
            String owner = resourceClass.getName();
            RateLimitRule rule = AnnotationRules.rule(onClass, AnnotationRules.className(resourceClass),
                    owner + " (the class of resource method " + where + ")", headerResolvers, planResolver);
            rules.add(claim(rule, owner, !onClass.name().isEmpty()));
        }
        for (RateLimitRule rule : rules) {
            try {
                limiter.register(rule); // a rule of the same name with other limits fails the start
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("@RateLimit on " + where + ": " + e.getMessage(), e);
            }
        }
        RateLimitFilter filter;
        if (remoteAddress != null) {
            filter = new RateLimitFilter(limiter, List.copyOf(rules), users, remoteAddress);
        } else if (SERVLET_API) {
            context.register(ServletPeerAddress.class, PEER_ADDRESS_PRIORITY);
            filter = new RateLimitFilter(limiter, List.copyOf(rules), users, ServletPeerAddress::of);
        } else {
            filter = new RateLimitFilter(limiter, List.copyOf(rules), users, request -> null);
        }
        context.register(filter, Map.of(
                ContainerRequestFilter.class, RATE_LIMIT_PRIORITY,
                ContainerResponseFilter.class, Priorities.HEADER_DECORATOR));
    }

    /**
     * The annotation on the resource method, else on the method it overrides or implements, nearest
     * first, as JAX-RS annotations themselves are inherited.
     */
    private static RateLimit methodAnnotation(Class<?> resourceClass, Method method) {
        RateLimit annotation = method.getAnnotation(RateLimit.class);
        if (annotation != null) {
            return annotation;
        }
        for (Class<?> type : hierarchy(resourceClass)) {
            try {
                annotation = type.getDeclaredMethod(method.getName(), method.getParameterTypes()).getAnnotation(RateLimit.class);
            } catch (NoSuchMethodException e) {
                continue;
            }
            if (annotation != null) {
                return annotation;
            }
        }
        return null;
    }

    /** The annotation on the resource class, else on the nearest superclass or interface that has one. */
    private static RateLimit classAnnotation(Class<?> resourceClass) {
        for (Class<?> type : hierarchy(resourceClass)) {
            RateLimit annotation = type.getAnnotation(RateLimit.class);
            if (annotation != null) {
                return annotation;
            }
        }
        return null;
    }

    /** {@code type}, then its superclasses and interfaces, breadth first, without {@code Object}. */
    private static List<Class<?>> hierarchy(Class<?> type) {
        List<Class<?>> types = new ArrayList<>();
        types.add(type);
        for (int i = 0; i < types.size(); i++) {
            Class<?> current = types.get(i);
            Class<?> superclass = current.getSuperclass();
            if (superclass != null && superclass != Object.class && !types.contains(superclass)) {
                types.add(superclass);
            }
            for (Class<?> implemented : current.getInterfaces()) {
                if (!types.contains(implemented)) {
                    types.add(implemented);
                }
            }
        }
        return types;
    }

    /**
     * Returns the rule to use for {@code rule}'s name: the one already bound under it when the same
     * element asks again, or when both name it on purpose with the same rates.
     *
     * @throws IllegalArgumentException when two different limits would share a name by accident
     */
    synchronized RateLimitRule claim(RateLimitRule rule, String owner, boolean named) {
        Named first = names.get(rule.name());
        if (first == null) {
            names.put(rule.name(), new Named(rule, owner, named));
            return rule;
        }
        if (first.owner.equals(owner)) {
            return first.rule;
        }
        if (!named || !first.named) {
            throw new IllegalArgumentException("Rate-limit name '" + rule.name() + "' of " + owner
                    + " is already that of " + first.owner + ": give one of them its own name,"
                    + " e.g. @RateLimit(name = \"" + rule.name() + "-2\"), or the same explicit name to both to share buckets");
        }
        if (!sameRates(first.rule, rule)) {
            throw new IllegalArgumentException("Rate-limit name '" + rule.name() + "' is used by " + first.owner
                    + " (" + first.rule + ") and by " + owner + " (" + rule + ") with different rates:"
                    + " limits that share a name share buckets, so they must declare the same rates");
        }
        return rule; // the same buckets; the cost may differ
    }

    private static boolean sameRates(RateLimitRule a, RateLimitRule b) {
        for (Scope scope : Scope.values()) {
            if (!a.rates(scope).equals(b.rates(scope))) {
                return false;
            }
        }
        return Objects.equals(a.headerName(), b.headerName()) && a.plans().equals(b.plans());
    }

    private static boolean isPresent(String className) {
        try {
            Class.forName(className, false, RateLimitBinder.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private static final class Named {
        final RateLimitRule rule;
        final String owner;
        final boolean named;

        Named(RateLimitRule rule, String owner, boolean named) {
            this.rule = rule;
            this.owner = owner;
            this.named = named;
        }
    }
}
