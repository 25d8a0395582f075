package io.fastlimit.examples.docs;

import io.fastlimit.FastLimit;

/** The samples of docs/client-ip.md. */
public final class ClientIpSamples {

    private ClientIpSamples() {
    }

    static FastLimit direct() {
        // tag::direct[]
        FastLimit limiter = FastLimit.builder().build();   // trustedProxies 0: the socket peer, X-Forwarded-For ignored
        // end::direct[]
        return limiter;
    }

    static FastLimit behindOneProxy() {
        // tag::one-proxy[]
        FastLimit limiter = FastLimit.builder()
                .trustedProxies(1)                 // one load balancer of ours appends to X-Forwarded-For
                .build();
        // end::one-proxy[]
        return limiter;
    }

    static FastLimit behindProxiesAtKnownAddresses() {
        // tag::proxy-addresses[]
        FastLimit limiter = FastLimit.builder()
                .trustedProxies("10.0.0.0/8", "192.168.1.5")   // our load balancers, and our CDN's edge
                .build();
        // end::proxy-addresses[]
        return limiter;
    }

    static FastLimit behindAnExemptLoadBalancer() {
        // tag::exempt-proxy[]
        FastLimit limiter = FastLimit.builder()
                .trustedProxies("10.0.0.0/8")      // the load balancer, 10.0.0.2, is one of ours
                .exemptIps("10.0.0.0/8")           // and so are the services that call us from inside
                .build();
        // end::exempt-proxy[]
        return limiter;
    }

    static FastLimit perIpv6Network() {
        // tag::ipv6-prefix[]
        FastLimit limiter = FastLimit.builder()
                .ipv6Prefix(56)                    // each client holds a /56 here; 128: each address on its own
                .build();
        // end::ipv6-prefix[]
        return limiter;
    }

    static FastLimit behindCdnAndProxy() {
        // tag::forwarded[]
        FastLimit limiter = FastLimit.builder()
                .trustedProxies(2)                 // a CDN, then our load balancer
                .clientIpHeader("Forwarded")       // they write RFC 7239 Forwarded: for=...
                .build();
        // end::forwarded[]
        return limiter;
    }

    static FastLimit exempt() {
        // tag::exempt[]
        FastLimit limiter = FastLimit.builder()
                .exemptIps("10.0.0.0/8", "192.0.2.7", "2001:db8::/32")   // monitoring, our own services
                .build();
        // end::exempt[]
        return limiter;
    }
}
