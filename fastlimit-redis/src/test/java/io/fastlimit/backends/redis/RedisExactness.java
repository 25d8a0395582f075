package io.fastlimit.backends.redis;

import io.fastlimit.Algorithm;
import io.fastlimit.rules.BucketConfig;
import io.fastlimit.testing.ManualClock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Hammers one key from several backends, each with its own Redisson client, as separate processes would. */
final class RedisExactness {

    static final int BACKENDS = 3;
    static final int THREADS_PER_BACKEND = 8;
    static final int LIMIT = 1000;
    static final int ATTEMPTS_PER_THREAD = 60; // 1440 attempts for 1000 places

    private RedisExactness() {
    }

    /**
     * How many checks were allowed when every thread of every backend tried its attempts at once.
     * With {@code batching}, each backend has two calls in flight for its eight threads, so most checks
     * travel in batches.
     */
    static int allowedAcrossClients(String url, Algorithm algorithm, String key, boolean batching) throws Exception {
        ManualClock frozen = new ManualClock(); // one instant for everyone: no window ends mid-test
        List<RedisBackend> backends = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(BACKENDS * THREADS_PER_BACKEND);
        try {
            for (int i = 0; i < BACKENDS; i++) {
                RedisBackend owner = RedisBackend.fromUrl(url);
                backends.add(owner);
            }
            BucketConfig bucket = new BucketConfig(LIMIT, Duration.ofHours(1), algorithm);
            AtomicInteger allowed = new AtomicInteger();
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            List<RedisBackend> checking = new ArrayList<>();
            for (RedisBackend owner : backends) {
                RedisBackend backend = RedisBackend.builder().client(owner.client()).testClock(frozen)
                        .timeout(Duration.ofSeconds(10)).batching(batching).maxCallsInFlight(batching ? 2 : 16).build();
                checking.add(backend);
                for (int t = 0; t < THREADS_PER_BACKEND; t++) {
                    done.add(pool.submit(() -> {
                        start.await();
                        for (int a = 0; a < ATTEMPTS_PER_THREAD; a++) {
                            if (backend.checkAndIncrement(key, bucket, 1).allowed()) {
                                allowed.incrementAndGet();
                            }
                        }
                        return null;
                    }));
                }
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
            long batched = checking.stream().mapToLong(RedisBackend::callsBatched).sum();
            if (batching ? batched == 0 : batched != 0) {
                throw new AssertionError(batched + " checks travelled in batches, batching " + (batching ? "on" : "off"));
            }
            return allowed.get();
        } finally {
            pool.shutdownNow();
            backends.forEach(RedisBackend::close);
        }
    }
}
