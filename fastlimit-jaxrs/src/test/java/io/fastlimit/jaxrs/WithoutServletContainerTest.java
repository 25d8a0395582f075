package io.fastlimit.jaxrs;

import io.fastlimit.FastLimit;
import io.fastlimit.testing.logging.QuietLogs;

import org.glassfish.jersey.internal.MapPropertiesDelegate;
import org.glassfish.jersey.server.ApplicationHandler;
import org.glassfish.jersey.server.ContainerRequest;
import org.glassfish.jersey.server.ContainerResponse;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Jersey serving requests itself, with no servlet container: the servlet request cannot be injected,
 * so the peer address comes from the application's resolver, or is unknown.
 */
class WithoutServletContainerTest {

    private final FastLimit limiter = FastLimit.builder().build();

    @AfterEach
    void close() {
        limiter.close();
    }

    @Test
    @ExtendWith(QuietLogs.class) // the warning that the peer address is unknown, which this test provokes
    void withoutAResolverEveryClientSharesOneBucketButNothingFails() throws Exception {
        ApplicationHandler app = app(new FastLimitFeature(limiter));
        for (int remaining = 2; remaining >= 0; remaining--) {
            ContainerResponse response = get(app, "limited/ip", "192.0.2.1");
            assertThat(response.getStatus()).isEqualTo(200);
            assertThat(response.getHeaderString("X-RateLimit-Remaining")).isEqualTo(Integer.toString(remaining));
        }
        assertThat(get(app, "limited/ip", "192.0.2.2").getStatus()).isEqualTo(429);
    }

    @Test
    void aRemoteAddressResolverGivesEachClientItsBucket() throws Exception {
        ApplicationHandler app = app(new FastLimitFeature(limiter)
                .withRemoteAddress(request -> request.getHeaderString("X-Peer")));
        for (int i = 0; i < 3; i++) {
            assertThat(get(app, "limited/ip", "192.0.2.1").getStatus()).isEqualTo(200);
        }
        ContainerResponse blocked = get(app, "limited/ip", "192.0.2.1");
        assertThat(blocked.getStatus()).isEqualTo(429);
        assertThat(blocked.getHeaderString("Retry-After")).isNotNull();
        assertThat((String) blocked.getEntity()).startsWith("{\"detail\": \"Rate limit exceeded. Try again in ");

        ContainerResponse other = get(app, "limited/ip", "192.0.2.2");
        assertThat(other.getStatus()).isEqualTo(200);
        assertThat(other.getHeaderString("X-RateLimit-Remaining")).isEqualTo("2");
    }

    private static ApplicationHandler app(FastLimitFeature feature) {
        return new ApplicationHandler(new ResourceConfig(TestResources.Limited.class)
                .property(ServerProperties.WADL_FEATURE_DISABLE, true) // as JerseyServer: no JAX-B here
                .register(feature));
    }

    private static ContainerResponse get(ApplicationHandler app, String path, String peer) throws Exception {
        ContainerRequest request = new ContainerRequest(URI.create("http://localhost/"), URI.create("http://localhost/" + path),
                "GET", null, new MapPropertiesDelegate(), app.getConfiguration());
        request.header("X-Peer", peer);
        return app.apply(request).get();
    }
}
