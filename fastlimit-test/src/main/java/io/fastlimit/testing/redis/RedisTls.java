package io.fastlimit.testing.redis;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real redis-server speaking only TLS, with a throw-away certificate authority, and the
 * {@code rediss://} URL (trust store included) that reaches it.
 */
public final class RedisTls implements AutoCloseable {

    private final RedisServer server;
    private final TlsCertificates certificates;

    private RedisTls(RedisServer server, TlsCertificates certificates) {
        this.server = server;
        this.certificates = certificates;
    }

    /** Skips the calling test, saying why, when openssl is missing or redis-server was built without TLS. */
    public static void assumeSupported() {
        assumeTrue(RedisServer.available(), "no redis-server available");
        assumeTrue(TlsCertificates.available(), "no openssl command to make test certificates");
        assumeTrue(supportsTls(), "this redis-server was built without TLS");
    }

    private static boolean supportsTls() {
        try (RedisServer probe = RedisServer.startTls(TlsCertificates.create())) {
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    public static RedisTls start() {
        TlsCertificates certificates = TlsCertificates.create();
        return new RedisTls(RedisServer.startTls(certificates), certificates);
    }

    /** {@code rediss://127.0.0.1:<port>?sslTruststore=…&sslTruststorePassword=…}. */
    public String url() {
        return server.url() + "?sslTruststore=" + certificates.truststore() + "&sslTruststorePassword="
                + certificates.truststorePassword();
    }

    @Override
    public void close() {
        server.close();
    }
}
