package io.fastlimit.testing.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A real Redis master watched by one real Sentinel, both on loopback. */
public final class RedisSentinel implements AutoCloseable {

    public static final String MASTER_NAME = "mymaster";

    private final RedisServer master;
    private final int sentinelPort;
    private final Path config;
    private Process sentinel;

    private RedisSentinel(RedisServer master, int sentinelPort, Path config) {
        this.master = master;
        this.sentinelPort = sentinelPort;
        this.config = config;
        startSentinel();
    }

    public static RedisSentinel start() {
        RedisServer master = RedisServer.startNew();
        int port = RedisServer.freePort();
        Path config = RedisServer.tempDir().resolve("sentinel.conf");
        try {
            Files.writeString(config, String.join("\n",
                    "port " + port,
                    "bind 127.0.0.1",
                    "protected-mode no",
                    "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + master.port() + " 1",
                    "sentinel down-after-milliseconds " + MASTER_NAME + " 5000",
                    ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new RedisSentinel(master, port, config);
    }

    /** Starts the Sentinel process (again, after {@link #stopSentinel()}) on the same port. */
    public synchronized void startSentinel() {
        if (sentinel == null || !sentinel.isAlive()) {
            sentinel = RedisServer.launch(
                    List.of(RedisServer.binary().toString(), config.toString(), "--sentinel"), "+monitor master");
        }
    }

    /** Kills the Sentinel process at once. */
    public synchronized void stopSentinel() {
        sentinel.destroyForcibly();
        try {
            sentinel.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code redis-sentinel://127.0.0.1:<port>/mymaster}. */
    public String url() {
        return "redis-sentinel://127.0.0.1:" + sentinelPort + "/" + MASTER_NAME;
    }

    public RedisServer master() {
        return master;
    }

    @Override
    public synchronized void close() {
        sentinel.destroyForcibly();
        master.stop();
    }
}
