package io.fastlimit.jaxrs;

import jakarta.ws.rs.core.Application;

import java.util.Map;

/**
 * JAX-RS applications served over HTTP by a real implementation in a real Jetty, on a free loopback
 * port, each under its own path. {@link Kind} starts them on Jersey or on RESTEasy, so a suite written
 * against this class runs on both.
 */
interface JaxRsServer extends AutoCloseable {

    /** The JAX-RS implementations the suites run on. */
    enum Kind {
        JERSEY {
            @Override
            JaxRsServer start(Map<String, ? extends Application> applications) throws Exception {
                return JerseyServer.start(applications);
            }
        },
        RESTEASY {
            @Override
            JaxRsServer start(Map<String, ? extends Application> applications) throws Exception {
                return ResteasyServer.start(applications);
            }
        };

        /**
         * Serves each application at {@code /<path>/*}. Applications initialise as the server starts, so
         * a failing one fails this call.
         */
        abstract JaxRsServer start(Map<String, ? extends Application> applications) throws Exception;
    }

    int port();
}
