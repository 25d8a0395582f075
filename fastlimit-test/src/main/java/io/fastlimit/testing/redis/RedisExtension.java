package io.fastlimit.testing.redis;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
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
 * Tests that stop and start the server use {@link #standalonePerTest()}: a fresh server for each test.
 * Tests are skipped, saying why, when no {@code redis-server} can be found.
 */
public final class RedisExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

    private enum Kind { STANDALONE, CLUSTER, SENTINEL }

    private final Kind kind;
    /** Whether each test gets a server of its own, started before it and stopped after it. */
    private final boolean perTest;
    private RedisServer server;
    private RedisCluster cluster;
    private RedisSentinel sentinel;

    private RedisExtension(Kind kind, boolean perTest) {
        this.kind = kind;
        this.perTest = perTest;
    }

    /** One standalone server. */
    public static RedisExtension standalone() {
        return new RedisExtension(Kind.STANDALONE, false);
    }

    /**
     * One standalone server per test, stopped after it (after the test's own {@code @AfterEach}): for
     * tests that stop it and start it again, so no test inherits another's outage.
     */
    public static RedisExtension standalonePerTest() {
        return new RedisExtension(Kind.STANDALONE, true);
    }

    /** A three-master Redis Cluster. */
    public static RedisExtension cluster() {
        return new RedisExtension(Kind.CLUSTER, false);
    }

    /** A master with one Sentinel. */
    public static RedisExtension sentinel() {
        return new RedisExtension(Kind.SENTINEL, false);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (!perTest) {
            start();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (perTest) {
            start();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (perTest) {
            stop();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (!perTest) {
            stop();
        }
    }

    private void start() {
        assumeTrue(RedisServer.available(), "no redis-server on the PATH nor in the embedded-redis jar");
        switch (kind) {
            case STANDALONE -> server = RedisServer.startNew();
            case CLUSTER -> cluster = RedisCluster.start();
            case SENTINEL -> sentinel = RedisSentinel.start();
        }
    }

    private void stop() {
        if (server != null) {
            server.close();
            server = null;
        }
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
        if (sentinel != null) {
            sentinel.close();
            sentinel = null;
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
