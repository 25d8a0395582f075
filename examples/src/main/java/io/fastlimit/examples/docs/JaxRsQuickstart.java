package io.fastlimit.examples.docs;

import io.fastlimit.FastLimit;
import io.fastlimit.jaxrs.FastLimitFeature;
import org.glassfish.jersey.server.ResourceConfig;

/** Registering {@link FastLimitFeature}, as the README and docs/jaxrs.md show it. */
public final class JaxRsQuickstart {

    private JaxRsQuickstart() {
    }

    /** The Jersey application of {@link Reports}, limited by a limiter that trusts one proxy. */
    public static ResourceConfig application(ApiKeys apiKeys) {
        // tag::register[]
        FastLimit limiter = FastLimit.builder().trustedProxies(1).build();
        ResourceConfig app = new ResourceConfig(Reports.class)   // or Application.getSingletons()
                .register(new FastLimitFeature(limiter)
                        .withHeaderResolver("X-Api-Key", apiKeys));   // which keys are genuine, and whose
        // end::register[]
        return app;
    }

    /** Users from a header set by a gateway instead of the {@code SecurityContext}. */
    public static FastLimitFeature withTenantUsers(FastLimit limiter) {
        // tag::user-resolver[]
        FastLimitFeature feature = new FastLimitFeature(limiter)
                .withUserResolver(request -> request.getHeaderString("X-Tenant-User"));
        // end::user-resolver[]
        return feature;
    }
}
