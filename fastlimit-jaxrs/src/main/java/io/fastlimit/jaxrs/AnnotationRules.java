package io.fastlimit.jaxrs;

import io.fastlimit.HeaderIdentityResolver;
import io.fastlimit.PlanResolver;
import io.fastlimit.internal.RuleNames;
import io.fastlimit.rules.RateLimitRule;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.function.Function;

/**
 * Turns {@link RateLimit} annotations into rules, and derives their default names.
 *
 * <p>Default names must be the same in every process (they are part of the keys) and readable in
 * headers and logs: {@code Orders} for a class limit, {@code Orders.export} for a method limit. An
 * overloaded method adds its parameter types ({@code Orders.get-long}). The text is made a rule name
 * as every adapter makes one ({@link RuleNames#fromText}): characters a rule name may not hold become
 * {@code _}, and a name past 128 characters is cut and ends in a checksum of the whole.
 */
final class AnnotationRules {

    private AnnotationRules() {
    }

    /**
     * The rule of {@code annotation}, named {@code defaultName} unless it names itself.
     *
     * @param where           the annotated element, for messages: {@code com.example.Orders#export()}
     * @param headerResolvers the resolver the application gave for a header name, or {@code null}; used
     *                        when the annotation names none
     * @throws IllegalArgumentException naming {@code where} and the bad value
     */
    static RateLimitRule rule(RateLimit annotation, String defaultName, String where,
                              Function<String, HeaderIdentityResolver> headerResolvers) {
        return rule(annotation, defaultName, where, headerResolvers, null);
    }

    /**
     * The rule of {@code annotation}, as {@link #rule(RateLimit, String, String, Function)}, whose
     * plans, if any, are told apart by {@code planResolver}.
     *
     * @param planResolver the resolver given to the feature, or {@code null}
     */
    static RateLimitRule rule(RateLimit annotation, String defaultName, String where,
                              Function<String, HeaderIdentityResolver> headerResolvers, PlanResolver planResolver) {
        try {
            return build(annotation, defaultName, headerResolvers, planResolver);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid " + describe(annotation) + " on " + where + ": " + e.getMessage(), e);
        }
    }

    private static RateLimitRule build(RateLimit a, String defaultName,
                                       Function<String, HeaderIdentityResolver> headerResolvers,
                                       PlanResolver planResolver) {
        if (!a.value().isEmpty() && !a.ip().isEmpty() && !a.value().equals(a.ip())) {
            throw new IllegalArgumentException("value \"" + a.value() + "\" and ip \"" + a.ip()
                    + "\" are the same setting: set one of them");
        }
        if (!a.header().isEmpty() && a.headerName().isEmpty()) {
            throw new IllegalArgumentException("header \"" + a.header()
                    + "\" needs headerName, the request header to count by, such as X-Api-Key");
        }
        if (a.header().isEmpty() && !a.headerName().isEmpty()) {
            throw new IllegalArgumentException("headerName \"" + a.headerName()
                    + "\" is set but header, its rate, is not");
        }
        String ip = a.ip().isEmpty() ? a.value() : a.ip();
        if (ip.isEmpty() && a.user().isEmpty() && a.header().isEmpty()) {
            throw new IllegalArgumentException("no rate is set: give value, ip, user or header, e.g. @RateLimit(\"10/min\")");
        }
        RateLimitRule.Builder rule = RateLimitRule.builder(a.name().isEmpty() ? defaultName : a.name());
        if (!ip.isEmpty()) {
            rule.ip(ip);
        }
        if (!a.user().isEmpty()) {
            rule.user(a.user());
        }
        if (!a.header().isEmpty()) {
            rule.header(a.headerName(), a.header());
        }
        boolean namesResolver = a.headerResolver() != HeaderIdentityResolver.class;
        if (namesResolver && a.header().isEmpty()) {
            throw new IllegalArgumentException("headerResolver " + a.headerResolver().getName()
                    + " says which values of the header are genuine, but header, its rate, is not set");
        }
        HeaderIdentityResolver resolver = namesResolver ? instantiate(a.headerResolver())
                : a.header().isEmpty() ? null : headerResolvers.apply(a.headerName());
        if (resolver != null) {
            rule.headerResolver(resolver);
        }
        if (a.ipCeiling() && ip.isEmpty()) {
            throw new IllegalArgumentException("ipCeiling is set but ip, the rate that is the ceiling, is not");
        }
        for (Plan plan : a.plans()) {
            rule.plan(plan.name(), plan.limit());
        }
        if (a.plans().length > 0) {
            if (planResolver == null) {
                throw new IllegalArgumentException("plans need a plan resolver to say who is on them: register"
                        + " new FastLimitFeature(limiter).withPlanResolver(...)");
            }
            rule.planResolver(planResolver);
        }
        return rule.ipCeiling(a.ipCeiling()).shadow(a.shadow()).cost(a.cost()).build();
    }

    private static HeaderIdentityResolver instantiate(Class<? extends HeaderIdentityResolver> type) {
        try {
            return type.getConstructor().newInstance();
        } catch (InvocationTargetException e) {
            throw new IllegalArgumentException("the constructor of headerResolver " + type.getName() + " threw "
                    + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalArgumentException("headerResolver " + type.getName() + " cannot be created: expected a"
                    + " public class with a public no-argument constructor (" + e + ")", e);
        }
    }

    /** {@code Orders} for a class limit on {@code com.example.Orders}. */
    static String className(Class<?> resourceClass) {
        String simple = resourceClass.getSimpleName();
        if (simple.isEmpty()) { // anonymous class: its binary name is all there is
            simple = resourceClass.getName().substring(resourceClass.getName().lastIndexOf('.') + 1);
        }
        return RuleNames.fromText(simple);
    }

    /** {@code Orders.export} for a method limit; overloads add their parameter types. */
    static String methodName(Class<?> resourceClass, Method method) {
        StringBuilder name = new StringBuilder(className(resourceClass)).append('.').append(method.getName());
        if (isOverloaded(resourceClass, method)) {
            for (Class<?> type : method.getParameterTypes()) {
                name.append('-').append(type.getSimpleName().replace("[]", "Array"));
            }
        }
        return RuleNames.fromText(name.toString());
    }

    /** {@code com.example.Orders#export(String)}, for messages. */
    static String where(Class<?> resourceClass, Method method) {
        StringBuilder s = new StringBuilder(resourceClass.getName()).append('#').append(method.getName()).append('(');
        Class<?>[] types = method.getParameterTypes();
        for (int i = 0; i < types.length; i++) {
            s.append(i == 0 ? "" : ", ").append(types[i].getSimpleName());
        }
        return s.append(')').toString();
    }

    private static boolean isOverloaded(Class<?> resourceClass, Method method) {
        int sameName = 0;
        for (Method m : resourceClass.getMethods()) {
            if (m.getName().equals(method.getName()) && !m.isBridge() && !m.isSynthetic()) {
                sameName++;
            }
        }
        return sameName > 1;
    }

    /** The annotation as written, with only the attributes that differ from their defaults. */
    static String describe(RateLimit a) {
        StringBuilder s = new StringBuilder("@RateLimit(");
        String sep = "";
        for (String[] attribute : new String[][] {{"value", a.value()}, {"ip", a.ip()}, {"user", a.user()},
                {"header", a.header()}, {"headerName", a.headerName()}, {"name", a.name()}}) {
            if (!attribute[1].isEmpty()) {
                s.append(sep).append(attribute[0]).append(" = \"").append(attribute[1]).append('"');
                sep = ", ";
            }
        }
        if (a.headerResolver() != HeaderIdentityResolver.class) {
            s.append(sep).append("headerResolver = ").append(a.headerResolver().getSimpleName()).append(".class");
            sep = ", ";
        }
        if (a.ipCeiling()) {
            s.append(sep).append("ipCeiling = true");
            sep = ", ";
        }
        if (a.plans().length > 0) {
            s.append(sep).append("plans = {");
            for (int i = 0; i < a.plans().length; i++) {
                s.append(i == 0 ? "" : ", ").append("@Plan(name = \"").append(a.plans()[i].name())
                        .append("\", limit = \"").append(a.plans()[i].limit()).append("\")");
            }
            s.append('}');
            sep = ", ";
        }
        if (a.shadow()) {
            s.append(sep).append("shadow = true");
            sep = ", ";
        }
        if (a.cost() != 1) {
            s.append(sep).append("cost = ").append(a.cost());
        }
        return s.append(')').toString();
    }
}
