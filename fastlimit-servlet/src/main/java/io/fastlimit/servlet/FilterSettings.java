package io.fastlimit.servlet;

import io.fastlimit.Algorithm;
import io.fastlimit.FastLimit;
import io.fastlimit.FastLimitSettings;
import io.fastlimit.HeaderIdentityResolver;
import io.fastlimit.PlanResolver;
import io.fastlimit.backends.BackendUrls;
import io.fastlimit.internal.RuleNames;
import io.fastlimit.rules.RateLimitRule;

import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Reads a {@link FastLimitFilter}'s init-params. Three kinds:
 * <ul>
 *   <li>rule-level ({@link #RULE_PARAMS}, and {@code plan.<plan>} for each plan): the filter's own rule;</li>
 *   <li>limiter-level ({@link #LIMITER_PARAMS}): the limiter all filters of a webapp share, so they
 *       must agree between filters and with the {@code fastlimit.*} context-params that are their
 *       proper place ({@link WebappSettings}); each falls back to its {@code FASTLIMIT_*} variable;</li>
 *   <li>filter-level ({@link #FILTER_PARAMS}): how this filter finds the user, answers a block, and
 *       whether it holds the container's thread while the backend answers.</li>
 * </ul>
 * Every error is an {@link IllegalArgumentException} naming the init-param and its value.
 */
final class FilterSettings {

    static final String IP = "ip";
    static final String USER = "user";
    static final String HEADER = "header";
    static final String HEADER_NAME = "header-name";
    static final String HEADER_RESOLVER = "header-resolver";
    static final String IP_CEILING = "ip-ceiling";
    static final String COST = "cost";
    static final String NAME = "name";
    static final String ALGORITHM = "algorithm";
    static final String PLAN_RESOLVER = "plan-resolver";
    static final String PLAN_ATTRIBUTE = "plan-attribute";
    static final String SHADOW = "shadow";
    /** {@code plan.<plan>}: the rates of one plan, e.g. {@code plan.pro} = {@code 10000/hour;500/min}. */
    static final String PLAN_PREFIX = "plan.";

    static final String REDIS_URL = FastLimitSettings.REDIS_URL;
    /** {@code true}: the shared limiter's meters go to Micrometer's global registry (see {@link MetricsBinding}). */
    static final String METRICS = "metrics";

    static final String USER_RESOLVER = "user-resolver";
    static final String USER_ATTRIBUTE = "user-attribute";
    static final String BLOCKED_HANDLER = "blocked-handler";
    /** {@code true}: the filter lets go of the container's thread while the backend answers ({@link FastLimitFilter#async}). */
    static final String ASYNC = "async";

    static final List<String> RULE_PARAMS = List.of(IP, USER, HEADER, HEADER_NAME, HEADER_RESOLVER, IP_CEILING, COST,
            NAME, ALGORITHM, PLAN_RESOLVER, PLAN_ATTRIBUTE, SHADOW);
    /**
     * The limiter's settings by name ({@link FastLimitSettings#NAMES}), but for {@code algorithm}: on a
     * filter that is its rule's own, while {@code FASTLIMIT_ALGORITHM} sets the limiter's default.
     */
    static final List<String> LIMITER_PARAMS = java.util.stream.Stream.concat(FastLimitSettings.NAMES.stream()
            .filter(name -> !name.equals(FastLimitSettings.ALGORITHM)), java.util.stream.Stream.of(METRICS))
            .toList();
    static final List<String> FILTER_PARAMS = List.of(USER_RESOLVER, USER_ATTRIBUTE, BLOCKED_HANDLER, ASYNC);

    private static final String REDIS_URL_VARIABLE = FastLimitSettings.envVariable(REDIS_URL);

    /** The rule name of a filter that has no name. */
    private static final String DEFAULT_RULE_NAME = "fastlimit";

    private FilterSettings() {
    }

    /**
     * The init-params that are set (blank ones count as unset), trimmed, in a stable order.
     *
     * @throws IllegalArgumentException for a name the filter does not know, listing the known ones
     */
    static Map<String, String> read(String filterName, Enumeration<String> names, Function<String, String> values) {
        Map<String, String> params = new TreeMap<>();
        for (String name : names == null ? List.<String>of() : Collections.list(names)) {
            if (!RULE_PARAMS.contains(name) && !LIMITER_PARAMS.contains(name) && !FILTER_PARAMS.contains(name)
                    && !name.startsWith(PLAN_PREFIX)) {
                throw new IllegalArgumentException("Unknown init-param '" + name + "' of filter '" + filterName
                        + "': expected one of " + String.join(", ", allParams()));
            }
            String value = values.apply(name);
            if (value != null && !value.isBlank()) {
                params.put(name, value.trim());
            }
        }
        return params;
    }

    private static List<String> allParams() {
        List<String> all = new ArrayList<>(RULE_PARAMS);
        all.add(PLAN_PREFIX + "<plan>");
        all.addAll(LIMITER_PARAMS);
        all.addAll(FILTER_PARAMS);
        return all;
    }

    /** The limiter-level subset of {@code params}. */
    static Map<String, String> limiterParams(Map<String, String> params) {
        Map<String, String> limiter = new TreeMap<>();
        for (String name : LIMITER_PARAMS) {
            if (params.containsKey(name)) {
                limiter.put(name, params.get(name));
            }
        }
        return limiter;
    }

    /**
     * The rule a filter configured by init-params applies. Its name is the {@code name} init-param,
     * or else the filter name made fit for keys ({@link #ruleName(String)}); a {@code header-resolver}
     * class is loaded with {@code loader}.
     */
    static RateLimitRule rule(String filterName, Map<String, String> params, ClassLoader loader) {
        if (!params.containsKey(IP) && !params.containsKey(USER) && !params.containsKey(HEADER)) {
            throw new IllegalArgumentException("Filter '" + filterName + "' limits nothing: set at least one of the"
                    + " init-params ip, user or header (with header-name), e.g. <param-name>ip</param-name>"
                    + "<param-value>100/min</param-value>");
        }
        if (params.containsKey(HEADER) != params.containsKey(HEADER_NAME)) {
            String missing = params.containsKey(HEADER) ? HEADER_NAME : HEADER;
            String present = params.containsKey(HEADER) ? HEADER : HEADER_NAME;
            throw new IllegalArgumentException("Init-param " + present + "='" + params.get(present) + "' of filter '"
                    + filterName + "' needs init-param " + missing + " too: header is the rate, header-name the"
                    + " request header it keys (e.g. X-Api-Key)");
        }
        String name = params.containsKey(NAME) ? params.get(NAME) : ruleName(filterName);
        RateLimitRule.Builder rule = parse(filterName, params, NAME, name, RateLimitRule::builder);
        if (params.containsKey(IP)) {
            apply(filterName, params, IP, rule::ip);
        }
        if (params.containsKey(USER)) {
            apply(filterName, params, USER, rule::user);
        }
        if (params.containsKey(HEADER)) {
            String headerName = params.get(HEADER_NAME);
            // the header name is checked first, so a bad one is reported under its own init-param
            parse(filterName, params, HEADER_NAME, headerName, h -> RateLimitRule.builder("check").header(h, "1/s"));
            apply(filterName, params, HEADER, rates -> rule.header(headerName, rates));
        }
        if (params.containsKey(HEADER_RESOLVER)) {
            if (!params.containsKey(HEADER)) {
                throw invalid(filterName, HEADER_RESOLVER, params.get(HEADER_RESOLVER), new IllegalArgumentException(
                        "it says which values of the header are genuine, but the filter has no header rate: set the"
                                + " init-params header and header-name too"));
            }
            rule.headerResolver(instantiate(filterName, params, HEADER_RESOLVER, HeaderIdentityResolver.class, loader));
        }
        if (params.containsKey(IP_CEILING)) {
            boolean ceiling = parseBoolean(filterName, params, IP_CEILING);
            if (ceiling && !params.containsKey(IP)) {
                throw invalid(filterName, IP_CEILING, params.get(IP_CEILING), new IllegalArgumentException(
                        "the ceiling is the ip rate, and the filter has none: set the init-param ip too"));
            }
            rule.ipCeiling(ceiling);
        }
        if (params.containsKey(ALGORITHM)) {
            rule.algorithm(parse(filterName, params, ALGORITHM, params.get(ALGORITHM), Algorithm::parse));
        }
        boolean hasPlans = false;
        for (String param : params.keySet()) {
            if (param.startsWith(PLAN_PREFIX)) {
                String plan = param.substring(PLAN_PREFIX.length());
                apply(filterName, params, param, rates -> rule.plan(plan, rates));
                hasPlans = true;
            }
        }
        for (String resolverParam : List.of(PLAN_RESOLVER, PLAN_ATTRIBUTE)) {
            if (params.containsKey(resolverParam) && !hasPlans) {
                throw invalid(filterName, resolverParam, params.get(resolverParam), new IllegalArgumentException(
                        "it says which plan a caller is on, but the filter declares no plan: add init-params such as"
                                + " plan.pro=10000/hour;500/min"));
            }
        }
        if (params.containsKey(PLAN_RESOLVER) && params.containsKey(PLAN_ATTRIBUTE)) {
            throw new IllegalArgumentException("Filter '" + filterName + "' sets both init-params plan-resolver='"
                    + params.get(PLAN_RESOLVER) + "' and plan-attribute='" + params.get(PLAN_ATTRIBUTE) + "': choose one");
        }
        if (params.containsKey(PLAN_RESOLVER)) {
            rule.planResolver(instantiate(filterName, params, PLAN_RESOLVER, PlanResolver.class, loader));
        } else if (params.containsKey(PLAN_ATTRIBUTE)) {
            rule.planResolver(PlanResolver.fromAttribute(params.get(PLAN_ATTRIBUTE)));
        } else if (hasPlans) {
            String first = params.keySet().stream().filter(p -> p.startsWith(PLAN_PREFIX)).findFirst().orElseThrow();
            throw invalid(filterName, first, params.get(first), new IllegalArgumentException(
                    "a plan needs a plan-resolver (a PlanResolver class) or a plan-attribute (the request attribute"
                            + " your authentication sets to the caller's plan)"));
        }
        if (params.containsKey(SHADOW)) {
            rule.shadow(parseBoolean(filterName, params, SHADOW));
        }
        if (params.containsKey(COST)) {
            apply(filterName, params, COST, v -> rule.cost(parseCost(v)));
        }
        try {
            return rule.build();
        } catch (IllegalArgumentException e) {
            // the one check left to build() is a cost larger than a limit
            throw invalid(filterName, COST, params.getOrDefault(COST, "1"), e);
        }
    }

    /**
     * A limiter builder with the {@code FASTLIMIT_*} variables of {@code env} applied first and the
     * limiter-level init-params over them.
     */
    static FastLimit.Builder limiterBuilder(String filterName, Map<String, String> limiterParams,
                                            Map<String, String> env) {
        FastLimit.Builder builder = FastLimit.builder().env(env);
        for (Map.Entry<String, String> param : limiterParams.entrySet()) {
            if (param.getKey().equals(METRICS)) {
                continue; // bound once the limiter is built
            }
            // every other limiter-level init-param is a limiter setting of the same name
            parse(filterName, limiterParams, param.getKey(), param.getValue(), v -> builder.set(param.getKey(), v));
        }
        return builder;
    }

    /**
     * Builds the limiter, turning a failure to build (a Redis URL that cannot be reached, or no Redis
     * backend on the class path) into an error naming the init-param or variable it came from.
     */
    static FastLimit buildLimiter(String filterName, Map<String, String> limiterParams, Map<String, String> env) {
        FastLimit.Builder builder = limiterBuilder(filterName, limiterParams, env);
        boolean metrics = limiterParams.containsKey(METRICS)
                && parseBoolean(filterName, limiterParams, METRICS);
        FastLimit limiter;
        try {
            limiter = builder.build();
        } catch (RuntimeException e) {
            String source = limiterParams.containsKey(REDIS_URL)
                    ? REDIS_URL + "='" + BackendUrls.redact(limiterParams.get(REDIS_URL)) + "' (an init-param, or the"
                            + " context-param " + WebappSettings.CONTEXT_PREFIX + REDIS_URL + ")"
                    : env.get(REDIS_URL_VARIABLE) != null
                    ? REDIS_URL_VARIABLE + "='" + BackendUrls.redact(env.get(REDIS_URL_VARIABLE)) + "'"
                    : "its settings";
            throw new IllegalArgumentException("Cannot build the limiter of filter '" + filterName + "' from "
                    + source + ": " + e.getMessage(), e);
        }
        if (metrics) {
            try {
                MetricsBinding.bindToGlobalRegistry(filterName, limiter);
            } catch (RuntimeException e) {
                limiter.close();
                throw e;
            }
        }
        return limiter;
    }

    /**
     * A stable rule name from a filter name, made as every adapter makes one ({@link RuleNames#fromText}):
     * characters outside {@code [A-Za-z0-9._/-]} become {@code _}, and a name past 128 characters is cut
     * and ends in a checksum of the whole. A filter without a name gets {@code fastlimit}.
     */
    static String ruleName(String filterName) {
        return filterName == null || filterName.isEmpty() ? DEFAULT_RULE_NAME : RuleNames.fromText(filterName);
    }

    /**
     * Creates an instance of the class named by init-param {@code param}.
     *
     * @throws IllegalArgumentException when the class is missing, of the wrong type, or cannot be
     *                                  created with a public no-argument constructor
     */
    static <T> T instantiate(String filterName, Map<String, String> params, String param, Class<T> type,
                             ClassLoader loader) {
        String className = params.get(param);
        Class<?> found;
        try {
            found = Class.forName(className, true, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw invalid(filterName, param, className, new IllegalArgumentException("class not found", e));
        }
        if (!type.isAssignableFrom(found)) {
            throw invalid(filterName, param, className,
                    new IllegalArgumentException("the class does not implement " + type.getName()));
        }
        try {
            return type.cast(found.getConstructor().newInstance());
        } catch (InvocationTargetException e) {
            throw invalid(filterName, param, className,
                    new IllegalArgumentException("its constructor threw " + e.getCause(), e.getCause()));
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw invalid(filterName, param, className,
                    new IllegalArgumentException("expected a public class with a public no-argument constructor ("
                            + e + ")", e));
        }
    }

    private static <T> T parse(String filterName, Map<String, String> params, String param, String value,
                               Function<String, T> parser) {
        try {
            return parser.apply(value);
        } catch (IllegalArgumentException e) {
            throw invalid(filterName, param, value, e);
        }
    }

    private static void apply(String filterName, Map<String, String> params, String param,
                              java.util.function.Consumer<String> setter) {
        parse(filterName, params, param, params.get(param), v -> {
            setter.accept(v);
            return null;
        });
    }

    private static IllegalArgumentException invalid(String filterName, String param, String value, Exception cause) {
        String shown = param.equals(REDIS_URL) ? BackendUrls.redact(value) : value;
        return new IllegalArgumentException("Invalid init-param " + param + "='" + shown + "' of filter '"
                + filterName + "': " + cause.getMessage(), cause);
    }

    /** The boolean init-param {@code param}: {@code true} or {@code false}. */
    static boolean parseBoolean(String filterName, Map<String, String> params, String param) {
        return parse(filterName, params, param, params.get(param), FastLimitSettings::parseBoolean);
    }

    static int parseCost(String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a whole number of units, 1 or more");
        }
    }

    /**
     * Merges the limiter-level init-params of several filters.
     *
     * @param byFilter filter name to its limiter-level params
     * @throws IllegalArgumentException when two filters set one param to different values
     */
    static Map<String, String> merge(Map<String, Map<String, String>> byFilter) {
        Map<String, String> merged = new TreeMap<>();
        Map<String, String> setBy = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, String>> filter : byFilter.entrySet()) {
            for (Map.Entry<String, String> param : filter.getValue().entrySet()) {
                String earlier = merged.putIfAbsent(param.getKey(), param.getValue());
                if (earlier == null) {
                    setBy.put(param.getKey(), filter.getKey());
                } else if (!earlier.equals(param.getValue())) {
                    throw conflict(param.getKey(), setBy.get(param.getKey()), earlier, filter.getKey(), param.getValue());
                }
            }
        }
        return merged;
    }

    static IllegalArgumentException conflict(String param, String filterA, String valueA, String filterB, String valueB) {
        boolean secret = param.equals(REDIS_URL);
        return new IllegalArgumentException("Init-param " + param + " differs between filters '" + filterA + "' ('"
                + (secret ? BackendUrls.redact(valueA) : valueA) + "') and '" + filterB + "' ('"
                + (secret ? BackendUrls.redact(valueB) : valueB) + "'): the FastLimitFilters of one webapp share one"
                + " limiter, so its settings (" + String.join(", ", LIMITER_PARAMS) + ") must be set alike or on"
                + " one filter only");
    }
}
