package io.fastlimit.testing.redis;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Starts real Redis processes for a test class and stops them after it:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final RedisExtension redis = RedisExtension.standalone();   // or cluster(), sentinel()
 *
 * RedisBackend backend = RedisBackend.fromUrl(redis.url());
 * }</pre>
 *
 * Tests are skipped, saying why, when no {@code redis-server} can be found.
 */
public final class RedisExtension implements BeforeAllCallback, AfterAllCallback {

    private enum Kind { STANDALONE, CLUSTER, SENTINEL }

    private final Kind kind;
    private RedisServer server;
    private RedisCluster cluster;
    private RedisSentinel sentinel;

    private RedisExtension(Kind kind) {
        this.kind = kind;
    }

    /** One standalone server. */
    public static RedisExtension standalone() {
        return new RedisExtension(Kind.STANDALONE);
    }

    /** A three-master Redis Cluster. */
    public static RedisExtension cluster() {
        return new RedisExtension(Kind.CLUSTER);
    }

    /** A master with one Sentinel. */
    public static RedisExtension sentinel() {
        return new RedisExtension(Kind.SENTINEL);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        assumeTrue(RedisServer.available(), "no redis-server on the PATH nor in the embedded-redis jar");
        switch (kind) {
            case STANDALONE -> server = RedisServer.startNew();
            case CLUSTER -> cluster = RedisCluster.start();
            case SENTINEL -> sentinel = RedisSentinel.start();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (server != null) {
            server.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        if (sentinel != null) {
            sentinel.close();
        }
    }

    /** The URL clients connect to. */
    public String url() {
        return switch (kind) {
            case STANDALONE -> server.url();
            case CLUSTER -> cluster.url();
            case SENTINEL -> sentinel.url();
        };
    }

    /** The standalone server (or the Sentinel's master). */
    public RedisServer server() {
        return kind == Kind.SENTINEL ? sentinel.master() : server;
    }

    /** The cluster, for cluster extensions. */
    public RedisCluster redisCluster() {
        return cluster;
    }
}
