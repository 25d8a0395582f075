package io.fastlimit;

import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application without Redisson that asks for Redis is told, at start-up, which dependency to add.
 * The limiter is loaded here from fastlimit-core's own classes alone, so Redisson is not visible.
 */
class WithoutRedissonTest {

    @Test
    void aRedisUrlWithoutRedissonNamesTheDependency() throws Exception {
        URL coreClasses = Path.of(FastLimit.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toUri().toURL();
        try (URLClassLoader withoutRedisson = new URLClassLoader(new URL[] {coreClasses}, ClassLoader.getPlatformClassLoader())) {
            Class<?> fastLimit = withoutRedisson.loadClass(FastLimit.class.getName());
            assertThat(fastLimit).isNotSameAs(FastLimit.class);
            Object builder = fastLimit.getMethod("builder").invoke(null);
            builder.getClass().getMethod("redisUrl", String.class).invoke(builder, "redis://:secret@localhost:6379");
            Throwable failure = null;
            try {
                builder.getClass().getMethod("build").invoke(builder);
            } catch (InvocationTargetException e) {
                failure = e.getCause();
            }
            assertThat(failure).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("org.redisson:redisson")
                    .hasMessageNotContaining("secret");
        }
    }
}
