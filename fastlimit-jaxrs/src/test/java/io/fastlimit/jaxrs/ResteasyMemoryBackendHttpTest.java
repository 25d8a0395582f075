package io.fastlimit.jaxrs;

/** The HTTP suite against the in-process memory backend, on RESTEasy 7. */
class ResteasyMemoryBackendHttpTest extends MemoryBackendHttpTest {

    @Override
    protected JaxRsServer.Kind implementation() {
        return JaxRsServer.Kind.RESTEASY;
    }
}
