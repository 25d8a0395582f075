package io.fastlimit.jaxrs;

/** The HTTP suite against a real redis-server, on RESTEasy 7. */
class ResteasyRedisBackendHttpTest extends RedisBackendHttpTest {

    @Override
    protected JaxRsServer.Kind implementation() {
        return JaxRsServer.Kind.RESTEASY;
    }
}
