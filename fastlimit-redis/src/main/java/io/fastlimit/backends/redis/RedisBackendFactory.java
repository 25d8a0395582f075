package io.fastlimit.backends.redis;

import io.fastlimit.backends.Backend;
import io.fastlimit.backends.BackendFactory;

import java.util.Set;

/** Makes a {@link RedisBackend} for {@code redis://}, {@code rediss://} and Sentinel URLs; found by the limiter. */
public final class RedisBackendFactory implements BackendFactory {

    @Override
    public Set<String> schemes() {
        return Set.of("redis", "rediss", "redis-sentinel", "rediss-sentinel");
    }

    @Override
    public Backend create(String url, String keyPrefix) {
        return RedisBackend.fromUrl(url, keyPrefix);
    }
}
