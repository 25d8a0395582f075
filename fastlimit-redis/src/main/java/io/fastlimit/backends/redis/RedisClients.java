package io.fastlimit.backends.redis;

import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.api.redisnode.RedisNodes;
import org.redisson.api.redisnode.RedisNode;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.BaseConfig;
import org.redisson.config.Config;
import org.redisson.config.ReadMode;
import org.redisson.config.TransportMode;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

/** Creates the Redisson client of a {@link RedisUrl}: standalone, cluster or sentinel, with short timeouts. */
final class RedisClients {

    private static final Logger LOG = System.getLogger(RedisBackend.class.getName());

    /** Connection pools kept small: a check holds a connection for one round trip. */
    private static final int POOL_SIZE = 16;
    private static final int MIN_IDLE = 2;
    /** Event-loop threads of a client the backend creates: one per core, at least two. */
    static final int IO_THREADS = Math.max(2, Runtime.getRuntime().availableProcessors());
    /** Whether clients the backend creates use Netty's native epoll transport. */
    static final boolean EPOLL = epollAvailable();

    private RedisClients() {
    }

    static RedissonClient create(RedisUrl url, long timeoutMs) {
        return switch (url.mode) {
            case SENTINEL -> connectOrStartLazily(url, lazy -> sentinel(url, timeoutMs, lazy));
            case CLUSTER -> connectOrStartLazily(url, lazy -> cluster(url, timeoutMs, lazy));
            case STANDALONE_OR_CLUSTER -> standaloneOrCluster(url, timeoutMs);
        };
    }

    /**
     * Connects now, so that refused credentials fail the start-up; when Redis is merely unreachable,
     * starts a client that connects on first use instead: the application starts, the failure policy
     * answers until Redis is reachable, and checks use it from then on without a restart.
     */
    private static RedissonClient connectOrStartLazily(RedisUrl url, Function<Boolean, Config> config) {
        try {
            return Redisson.create(config.apply(false));
        } catch (RuntimeException unreachable) {
            if (refusedCredentials(unreachable)) {
                throw new IllegalArgumentException("Redis at " + url + " refused the user name or password: " + unreachable.getMessage(),
                        unreachable);
            }
            LOG.log(Level.WARNING, "Redis at " + url + " is not reachable (" + brief(unreachable)
                    + "); starting anyway: limits fall back to the failure policy until it answers");
            return Redisson.create(config.apply(true));
        }
    }

    /** An exception's type and message, cut short: Redisson's messages can run to pages. */
    static String brief(Throwable error) {
        String message = String.valueOf(error.getMessage());
        return error.getClass().getSimpleName() + ": " + (message.length() > 200 ? message.substring(0, 200) + "…" : message);
    }

    /** Asks the one node named whether it belongs to a cluster, and builds the client that fits. */
    private static RedissonClient standaloneOrCluster(RedisUrl url, long timeoutMs) {
        RedissonClient single;
        try {
            single = Redisson.create(standalone(url, timeoutMs, false));
        } catch (RuntimeException unreachable) {
            if (refusedCredentials(unreachable)) {
                throw new IllegalArgumentException("Redis at " + url + " refused the user name or password: " + unreachable.getMessage(),
                        unreachable);
            }
            LOG.log(Level.WARNING, "Redis at " + url + " is not reachable (" + unreachable
                    + "); starting anyway as a standalone server, limits fall back to the failure policy until it answers."
                    + " Name several nodes to use a cluster that is down at start-up.");
            return Redisson.create(standalone(url, timeoutMs, true));
        }
        boolean cluster;
        try {
            Map<String, String> info = single.getRedisNodes(RedisNodes.SINGLE).getInstance().info(RedisNode.InfoSection.CLUSTER);
            cluster = "1".equals(info.get("cluster_enabled"));
        } catch (RuntimeException e) {
            cluster = false;
        }
        if (!cluster) {
            return single;
        }
        single.shutdown();
        return connectOrStartLazily(url, lazy -> cluster(url, timeoutMs, lazy));
    }

    private static boolean refusedCredentials(Throwable error) {
        for (Throwable e = error; e != null; e = e.getCause()) {
            String message = String.valueOf(e.getMessage());
            if (message.contains("WRONGPASS") || message.contains("NOAUTH") || message.contains("invalid password")
                    || message.contains("invalid username-password")
                    || message.contains("without any password configured") // AUTH sent to a Redis 6+ without one
                    || message.contains("no password is set")) {                // the same, before Redis 6
                return true;
            }
        }
        return false;
    }

    private static Config base(boolean lazy) {
        Config config = new Config();
        config.setCodec(StringCodec.INSTANCE);
        config.setLazyInitialization(lazy);
        // A check is one short script: a few event-loop threads keep up with Redis, and every thread
        // more is a hand-off. Redisson's defaults (32 Netty threads, 16 more) were measured to halve
        // the checks per second on a small machine.
        config.setNettyThreads(IO_THREADS);
        config.setThreads(IO_THREADS);
        if (EPOLL) {
            config.setTransportMode(TransportMode.EPOLL); // fewer system calls than NIO, where Linux offers it
        }
        return config;
    }

    /** Whether Netty's native epoll transport can run here: its jar is present and Linux loads it. */
    private static boolean epollAvailable() {
        try {
            return io.netty.channel.epoll.Epoll.isAvailable();
        } catch (LinkageError absent) {
            return false; // no native epoll jar for this platform: NIO
        }
    }

    private static Config standalone(RedisUrl url, long timeoutMs, boolean lazy) {
        Config config = base(lazy);
        configure(config.useSingleServer()
                .setAddress(url.nodes.get(0))
                .setDatabase(url.database)
                .setConnectionPoolSize(POOL_SIZE)
                .setConnectionMinimumIdleSize(MIN_IDLE), url, timeoutMs);
        return config;
    }

    private static Config cluster(RedisUrl url, long timeoutMs, boolean lazy) {
        Config config = base(lazy);
        configure(config.useClusterServers()
                .addNodeAddress(url.nodes.toArray(new String[0]))
                .setMasterConnectionPoolSize(POOL_SIZE)
                .setMasterConnectionMinimumIdleSize(MIN_IDLE)
                .setSlaveConnectionMinimumIdleSize(0)
                .setReadMode(ReadMode.MASTER), url, timeoutMs);
        return config;
    }

    private static Config sentinel(RedisUrl url, long timeoutMs, boolean lazy) {
        Config config = base(lazy);
        configure(config.useSentinelServers()
                .setMasterName(url.masterName)
                .addSentinelAddress(url.nodes.toArray(new String[0]))
                .setDatabase(url.database)
                .setCheckSentinelsList(false) // one Sentinel is a valid, if fragile, set-up
                .setMasterConnectionPoolSize(POOL_SIZE)
                .setMasterConnectionMinimumIdleSize(MIN_IDLE)
                .setSlaveConnectionMinimumIdleSize(0)
                .setReadMode(ReadMode.MASTER), url, timeoutMs);
        return config;
    }

    private static void configure(BaseConfig<?> server, RedisUrl url, long timeoutMs) {
        server.setTimeout((int) timeoutMs)
                .setConnectTimeout((int) Math.max(timeoutMs, 1_000))
                .setRetryAttempts(0) // no silent retries: one timeout is all a check waits
                .setUsername(url.username)
                .setPassword(url.password);
        String truststore = url.parameters.get("sslTruststore");
        if (truststore != null) {
            server.setSslTruststore(toUrl(truststore));
            server.setSslTruststorePassword(url.parameters.get("sslTruststorePassword"));
        }
        if ("false".equalsIgnoreCase(url.parameters.get("sslVerifyHostname"))) {
            server.setSslEnableEndpointIdentification(false);
        }
    }

    private static URL toUrl(String location) {
        try {
            return location.contains(":/") ? new URL(location) : Path.of(location).toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("Invalid sslTruststore '" + location + "': expected a file path or URL", e);
        }
    }
}
