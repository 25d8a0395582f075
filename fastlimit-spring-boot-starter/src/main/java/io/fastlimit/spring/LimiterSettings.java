package io.fastlimit.spring;

import io.fastlimit.FastLimit;
import io.fastlimit.FastLimitSettings;
import io.fastlimit.backends.Backend;
import io.fastlimit.backends.BackendUrls;
import org.springframework.core.env.Environment;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The limiter's settings of {@link FastLimitProperties}, applied by name through
 * {@link FastLimit.Builder#set}, so they are read exactly as {@code web.xml} init-params and
 * {@code FASTLIMIT_*} variables are. A setting without a property falls back to its variable.
 */
final class LimiterSettings {

    private LimiterSettings() {
    }

    /**
     * The limiter of the properties, or of the environment where they say nothing, on {@code backend}
     * when not {@code null}.
     *
     * @throws IllegalArgumentException naming the property (or variable) and its value, with any Redis password
     *                                  left out, and saying what is accepted
     */
    static FastLimit build(FastLimitProperties properties, Environment environment, Backend backend) {
        FastLimit.Builder builder = builder(properties, environment);
        String redisUrlSource = source(properties.getRedisUrl(), FastLimitSettings.REDIS_URL, environment);
        if (backend != null) {
            if (redisUrlSource != null) {
                throw new IllegalArgumentException(redisUrlSource + " is set, and the application defines a Backend bean ("
                        + backend.getClass().getName() + "): keep one of them");
            }
            builder.backend(backend);
        }
        try {
            return builder.build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            // only the Redis URL is used here: connecting, or finding the Redis backend (the URL is shown redacted)
            throw new IllegalArgumentException("Invalid " + redisUrlSource + ": " + e.getMessage(), e);
        }
    }

    private static FastLimit.Builder builder(FastLimitProperties properties, Environment environment) {
        FastLimit.Builder builder = FastLimit.builder();
        Map<String, String> byProperty = byName(properties);
        for (String name : FastLimitSettings.NAMES) {
            String value = byProperty.get(name);
            String source = FastLimitProperties.PREFIX + "." + name;
            if (isBlank(value)) {
                source = FastLimitSettings.envVariable(name);
                value = environment.getProperty(source);
            }
            if (isBlank(value)) {
                continue;
            }
            try {
                builder.set(name, value);
            } catch (IllegalArgumentException e) {
                String shown = name.equals(FastLimitSettings.REDIS_URL) ? BackendUrls.redact(value.trim()) : value.trim();
                throw new IllegalArgumentException("Invalid " + source + "='" + shown + "': " + e.getMessage(), e);
            }
        }
        return builder;
    }

    /** Whether a Redis URL is configured, by property or by variable. */
    static boolean hasRedisUrl(Environment environment) {
        return source(environment.getProperty(FastLimitProperties.PREFIX + "." + FastLimitSettings.REDIS_URL),
                FastLimitSettings.REDIS_URL, environment) != null;
    }

    /** Where setting {@code name} comes from: its property when {@code propertyValue} is set, else its variable, else null. */
    private static String source(String propertyValue, String name, Environment environment) {
        if (!isBlank(propertyValue)) {
            return FastLimitProperties.PREFIX + "." + name;
        }
        String variable = FastLimitSettings.envVariable(name);
        return isBlank(environment.getProperty(variable)) ? null : variable;
    }

    /** The settings of {@code properties} under the names of {@link FastLimitSettings}. */
    static Map<String, String> byName(FastLimitProperties properties) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put(FastLimitSettings.REDIS_URL, properties.getRedisUrl());
        settings.put(FastLimitSettings.ALGORITHM, properties.getAlgorithm());
        settings.put(FastLimitSettings.KEY_PREFIX, properties.getKeyPrefix());
        settings.put(FastLimitSettings.HEADERS, properties.getHeaders());
        settings.put(FastLimitSettings.DRY_RUN, properties.getDryRun());
        settings.put(FastLimitSettings.EXEMPT_IPS, properties.getExemptIps());
        settings.put(FastLimitSettings.TRUSTED_PROXIES, properties.getTrustedProxies());
        settings.put(FastLimitSettings.CLIENT_IP_HEADER, properties.getClientIpHeader());
        settings.put(FastLimitSettings.IPV6_PREFIX, properties.getIpv6Prefix());
        settings.put(FastLimitSettings.FAILURE_POLICY, properties.getFailurePolicy());
        return settings;
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
