package io.fastlimit.backends.redis;

import io.fastlimit.Algorithm;
import io.fastlimit.rules.BucketConfig;
import io.fastlimit.testing.redis.RedisExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The backend's timeouts run on a thread of its own that ends with it, so a webapp that closes its
 * backend on undeploy leaves no thread behind holding its class loader.
 */
class RedisTimeoutsTest {

    @RegisterExtension
    static final RedisExtension redis = RedisExtension.standalone();

    @Test
    void theTimerThreadOfABackendEndsWhenItIsClosed() throws InterruptedException {
        Set<Thread> before = timerThreads();
        RedisBackend backend = RedisBackend.fromUrl(redis.url());
        BucketConfig bucket = new BucketConfig(10, Duration.ofMinutes(1), Algorithm.FIXED_WINDOW);
        assertThat(backend.checkAndIncrement("fastlimit:timeouts:ip:{a}", List.of(bucket), 1).allowed()).isTrue();
        Set<Thread> timers = timerThreads();
        timers.removeAll(before); // the timers of other backends of this JVM, still open
        assertThat(timers).as("the check set its timeout on the backend's own timer").isNotEmpty();

        backend.close();
        for (Thread timer : timers) {
            timer.join(Duration.ofSeconds(10).toMillis());
            assertThat(timer.isAlive()).as("the timer thread ended with its backend").isFalse();
        }
    }

    private static Set<Thread> timerThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().equals("fastlimit-redis-timeouts"))
                .collect(Collectors.toCollection(HashSet::new));
    }
}
