package io.fastlimit.examples.docs;

import io.fastlimit.FailurePolicy;
import io.fastlimit.FastLimit;
import io.fastlimit.backends.Backend;
import io.fastlimit.backends.memory.MemoryBackend;
import io.fastlimit.backends.redis.RedisBackend;
import io.netty.channel.epoll.Epoll;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;
import org.redisson.config.TransportMode;

import java.time.Duration;

/** The samples of docs/backends.md. */
public final class BackendSamples {

    private BackendSamples() {
    }

    static FastLimit memory() {
        // tag::memory[]
        FastLimit limiter = FastLimit.builder().build();   // a MemoryBackend, created and closed by the limiter
        // end::memory[]
        return limiter;
    }

    static FastLimit boundedMemory() {
        // tag::memory-builder[]
        MemoryBackend backend = MemoryBackend.builder()
                .maxKeys(1_000_000)        // default 200,000; least recently used keys go first
                .maxBytes(256L << 20)      // default a quarter of the heap, at most 64 MiB: both bounds hold
                .build();
        FastLimit limiter = FastLimit.builder().backend(backend).build();   // the backend stays yours to close
        // end::memory-builder[]
        return limiter;
    }

    static FastLimit redisUrl() {
        // tag::redis-url[]
        FastLimit limiter = FastLimit.builder()
                .redisUrl("redis://:s3cret@redis.internal:6379/0")   // the limiter creates the backend and closes it
                .build();
        // end::redis-url[]
        return limiter;
    }

    static FastLimit redisBuilder() {
        // tag::redis-builder[]
        RedisBackend redis = RedisBackend.builder()
                .url("rediss://redis.internal:6380?sslTruststore=/etc/app/truststore.p12&sslTruststorePassword=changeit")
                .timeout(Duration.ofMillis(100))    // default 250 ms; then the failure policy decides
                .build();
        FastLimit limiter = FastLimit.builder().backend(redis).build();
        // ... and at shutdown: limiter.close(); redis.close();
        // end::redis-builder[]
        return limiter;
    }

    static FastLimit redissonClient(RedissonClient redissonClient) {
        // tag::redis-client[]
        Backend redis = new RedisBackend(redissonClient);   // your client and pool; closing the backend leaves them open
        FastLimit limiter = FastLimit.builder().backend(redis).build();
        // end::redis-client[]
        return limiter;
    }

    static Config ownClientConfig() {
        // tag::own-client-threads[]
        Config config = new Config();
        config.setNettyThreads(Math.max(2, Runtime.getRuntime().availableProcessors()));
        if (Epoll.isAvailable()) {
            config.setTransportMode(TransportMode.EPOLL);
        }
        // end::own-client-threads[]
        return config;
    }

    static FastLimit cluster() {
        // tag::cluster[]
        FastLimit oneNode = FastLimit.builder().redisUrl("redis://cache-1:7000").build();   // the cluster is detected
        FastLimit nodes = FastLimit.builder().redisUrl("redis://cache-1:7000,cache-2:7000,cache-3:7000").build();
        // end::cluster[]
        nodes.close();
        return oneNode;
    }

    static FastLimit sentinel() {
        // tag::sentinel[]
        FastLimit limiter = FastLimit.builder()
                .redisUrl("redis-sentinel://:s3cret@sentinel-1:26379,sentinel-2:26379/mymaster/0")
                .build();
        // end::sentinel[]
        return limiter;
    }

    static FastLimit failurePolicy() {
        // tag::failure-policy[]
        FastLimit limiter = FastLimit.builder()
                .redisUrl("redis://redis.internal:6379")
                .failurePolicy(FailurePolicy.LOCAL)   // LOCAL (default), OPEN or CLOSED
                .build();
        // end::failure-policy[]
        return limiter;
    }

    static FastLimit custom() {
        // tag::use-custom[]
        CountingBackend counting = new CountingBackend(new MemoryBackend());
        FastLimit limiter = FastLimit.builder().backend(counting).build();
        // ... counting.blocked() tells how many checks were refused
        // end::use-custom[]
        return limiter;
    }
}
