package io.fastlimit.backends;

import java.util.Set;

/**
 * Makes a {@link Backend} from a URL, so that {@code FastLimit.builder().redisUrl(url)}, the
 * {@code FASTLIMIT_REDIS_URL} variable and the {@code redis-url} init-param reach a backend that
 * lives in a module of its own. The limiter finds factories with {@link java.util.ServiceLoader}: a
 * module lists its factory in {@code META-INF/services/io.fastlimit.backends.BackendFactory}, and
 * the factory claims URL schemes. {@code fastlimit-redis} claims {@code redis}, {@code rediss},
 * {@code redis-sentinel} and {@code rediss-sentinel}; another store can plug in the same way.
 *
 * <p>Implementations need a public no-argument constructor and must be thread-safe.
 */
public interface BackendFactory {

    /** The URL schemes this factory makes backends for, in lower case, such as {@code redis}. */
    Set<String> schemes();

    /**
     * A backend for {@code url}, whose keys begin with {@code keyPrefix} (the limiter's), owned by the
     * caller, which closes it.
     *
     * @throws IllegalArgumentException naming the URL, password hidden ({@link BackendUrls#redact}),
     *                                  when it is malformed or its credentials are refused
     */
    Backend create(String url, String keyPrefix);
}
