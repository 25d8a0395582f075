package io.fastlimit.servlet;

import io.fastlimit.FastLimit;
import io.fastlimit.FastLimitSettings;
import io.fastlimit.backends.BackendUrls;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The settings of the limiter that the {@link FastLimitFilter}s of a webapp share, from where
 * {@code web.xml} may write them:
 * <ul>
 *   <li>{@code <context-param>}s named {@code fastlimit.<setting>} ({@code fastlimit.redis-url},
 *       {@code fastlimit.key-prefix}, … every name of {@link FastLimitSettings#NAMES}, and
 *       {@code fastlimit.metrics}): the place for
 *       settings of the whole webapp;</li>
 *   <li>the limiter-level init-params of any FastLimitFilter ({@link FilterSettings#LIMITER_PARAMS}),
 *       the older form, still read: they too apply to every filter of the webapp, so when the webapp
 *       has several such filters, a warning says so once, at start-up.</li>
 * </ul>
 * A setting written in both places, or on two filters, must have the same value everywhere, or the
 * webapp does not start; the message names both places. What neither sets falls back to its
 * {@code FASTLIMIT_*} environment variable, then to its default.
 */
final class WebappSettings {

    /** The prefix of the context-params that configure the limiter. */
    static final String CONTEXT_PREFIX = "fastlimit.";

    private static final Logger LOG = System.getLogger(FastLimitFilter.class.getName());

    /** Setting name to value, from context-params and init-params merged. */
    final Map<String, String> settings;
    /** What to warn of once, at start-up, or {@code null}: settings written on a filter of a webapp with several. */
    final String misplacedWarning;

    private WebappSettings(Map<String, String> settings, String misplacedWarning) {
        this.settings = settings;
        this.misplacedWarning = misplacedWarning;
    }

    /**
     * The limiter settings of the webapp of {@code context}, as filter {@code filterName} (whose
     * init-params are {@code params}) sees them: the same whichever filter starts first.
     *
     * @throws IllegalArgumentException for an unknown {@code fastlimit.*} context-param, or a setting
     *                                  given two values, naming both places
     */
    static WebappSettings read(ServletContext context, String filterName, Map<String, String> params) {
        Map<String, String> fromContext = contextParams(context);
        Map<String, Map<String, String>> byFilter = new TreeMap<>();
        byFilter.put(filterName, FilterSettings.limiterParams(params));
        int filters = 1;
        Map<String, ? extends FilterRegistration> registrations = null;
        try {
            registrations = context.getFilterRegistrations();
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "The container does not list its filters; using the init-params of this one", e);
        }
        if (registrations != null) {
            for (Map.Entry<String, ? extends FilterRegistration> entry : registrations.entrySet()) {
                if (!FastLimitFilter.class.getName().equals(entry.getValue().getClassName())
                        || entry.getKey().equals(filterName)) {
                    continue;
                }
                filters++;
                Map<String, String> theirs = new TreeMap<>();
                entry.getValue().getInitParameters().forEach((name, value) -> {
                    if (FilterSettings.LIMITER_PARAMS.contains(name) && value != null && !value.isBlank()) {
                        theirs.put(name, value.trim());
                    }
                });
                byFilter.put(entry.getKey(), theirs);
            }
        }
        Map<String, String> merged = new TreeMap<>(FilterSettings.merge(byFilter));
        for (Map.Entry<String, String> setting : fromContext.entrySet()) {
            String onFilters = merged.get(setting.getKey());
            if (onFilters != null && !onFilters.equals(setting.getValue())) {
                throw conflict(setting.getKey(), setting.getValue(), setterOf(byFilter, setting.getKey()), onFilters);
            }
            merged.put(setting.getKey(), setting.getValue());
        }
        return new WebappSettings(Collections.unmodifiableMap(merged), misplaced(byFilter, filters));
    }

    /** Logs the warning of settings written on one filter of several, if there is one. */
    void warnIfMisplaced() {
        if (misplacedWarning != null) {
            LOG.log(Level.WARNING, misplacedWarning);
        }
    }

    /**
     * The {@code fastlimit.*} context-params, by setting name.
     *
     * @throws IllegalArgumentException for a name that is no setting, or a blank value
     */
    static Map<String, String> contextParams(ServletContext context) {
        Map<String, String> settings = new TreeMap<>();
        List<String> names = context.getInitParameterNames() == null ? List.of()
                : Collections.list(context.getInitParameterNames());
        for (String name : names) {
            if (!name.startsWith(CONTEXT_PREFIX)) {
                continue;
            }
            String setting = name.substring(CONTEXT_PREFIX.length());
            String value = context.getInitParameter(name);
            if (!FastLimitSettings.NAMES.contains(setting) && !setting.equals(FilterSettings.METRICS)) {
                List<String> expected = new ArrayList<>();
                FastLimitSettings.NAMES.forEach(known -> expected.add(CONTEXT_PREFIX + known));
                expected.add(CONTEXT_PREFIX + FilterSettings.METRICS);
                throw new IllegalArgumentException("Unknown context-param '" + name + "': expected one of "
                        + String.join(", ", expected));
            }
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException("Context-param " + name + " is empty: give it a value or remove it");
            }
            try {
                if (setting.equals(FilterSettings.METRICS)) {
                    FastLimitSettings.parseBoolean(value);
                } else {
                    FastLimit.builder().set(setting, value); // checks the value now, to name the context-param
                }
            } catch (IllegalArgumentException e) {
                String shown = setting.equals(FastLimitSettings.REDIS_URL) ? BackendUrls.redact(value.trim()) : value.trim();
                throw new IllegalArgumentException("Invalid context-param " + name + "='" + shown + "': " + e.getMessage(), e);
            }
            settings.put(setting, value.trim());
        }
        return settings;
    }

    private static String setterOf(Map<String, Map<String, String>> byFilter, String setting) {
        for (Map.Entry<String, Map<String, String>> filter : byFilter.entrySet()) {
            if (filter.getValue().containsKey(setting)) {
                return filter.getKey();
            }
        }
        return "?";
    }

    private static IllegalArgumentException conflict(String setting, String contextValue, String filterName,
                                                     String filterValue) {
        boolean secret = setting.equals(FastLimitSettings.REDIS_URL);
        return new IllegalArgumentException("Setting " + setting + " is '"
                + (secret ? BackendUrls.redact(contextValue) : contextValue) + "' in context-param " + CONTEXT_PREFIX
                + setting + " but '" + (secret ? BackendUrls.redact(filterValue) : filterValue) + "' in init-param "
                + setting + " of filter '" + filterName + "': the limiter is the webapp's, so set it once, as the"
                + " context-param");
    }

    /** The warning for limiter settings written on filters of a webapp with {@code filters} FastLimitFilters, or null. */
    private static String misplaced(Map<String, Map<String, String>> byFilter, int filters) {
        if (filters < 2) {
            return null;
        }
        Map<String, List<String>> settingsByFilter = new LinkedHashMap<>();
        byFilter.forEach((filter, params) -> {
            if (!params.isEmpty()) {
                settingsByFilter.put(filter, new ArrayList<>(params.keySet()));
            }
        });
        if (settingsByFilter.isEmpty()) {
            return null;
        }
        StringBuilder where = new StringBuilder();
        List<String> contextParams = new ArrayList<>();
        settingsByFilter.forEach((filter, names) -> {
            where.append(where.length() == 0 ? "" : "; ").append(String.join(", ", names)).append(" on filter '")
                    .append(filter).append('\'');
            names.forEach(name -> {
                if (!contextParams.contains(CONTEXT_PREFIX + name)) {
                    contextParams.add(CONTEXT_PREFIX + name);
                }
            });
        });
        return "Limiter settings written as init-params (" + where + ") apply to all " + filters
                + " FastLimitFilters of this webapp, which share one limiter: write them as <context-param>s ("
                + String.join(", ", contextParams) + ") to say so";
    }
}
