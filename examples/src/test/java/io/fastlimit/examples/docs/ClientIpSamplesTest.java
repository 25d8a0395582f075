package io.fastlimit.examples.docs;

import io.fastlimit.ClientRequest;
import io.fastlimit.FastLimit;
import io.fastlimit.rules.RateLimitRule;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What docs/client-ip.md says of client addresses, trusted proxies and the spoofing pitfall. */
class ClientIpSamplesTest {

    /** A request that reached us from our load balancer 10.0.0.2, which appended the address it saw. */
    private static ClientRequest viaLoadBalancer(String xForwardedFor) {
        return ClientRequest.of("10.0.0.2", Map.of("X-Forwarded-For", List.of(xForwardedFor)), null);
    }

    @Test
    void withoutTrustedProxiesForwardingHeadersAreIgnored() {
        try (FastLimit limiter = ClientIpSamples.direct()) {
            assertThat(limiter.clientIp(viaLoadBalancer("198.51.100.9"))).isEqualTo("10.0.0.2");
        }
    }

    @Test
    void behindOneProxyTheClientIsTheRightmostEntryAndWhatItForgedToTheLeftIsIgnored() {
        try (FastLimit limiter = ClientIpSamples.behindOneProxy()) {
            assertThat(limiter.clientIp(viaLoadBalancer("198.51.100.9"))).isEqualTo("198.51.100.9");
            // the client sent "X-Forwarded-For: 1.2.3.4" itself; the load balancer appended its real address
            assertThat(limiter.clientIp(viaLoadBalancer("1.2.3.4, 198.51.100.9"))).isEqualTo("198.51.100.9");

            RateLimitRule rule = RateLimitRule.ip("login", "5/min");
            for (int i = 0; i < 5; i++) {
                limiter.check(rule, viaLoadBalancer("203.0.113." + i + ", 198.51.100.9"));
            }
            assertThat(limiter.check(rule, viaLoadBalancer("203.0.113.99, 198.51.100.9")).allowed())
                    .as("a forged, ever-changing first entry does not buy a fresh bucket").isFalse();
        }
    }

    @Test
    void theLeftmostEntryIsWhatASpooferChooses() {
        String leftmost = "1.2.3.4, 198.51.100.9".split(",")[0].trim();
        assertThat(leftmost).as("what a naive getHeader(\"X-Forwarded-For\").split(\",\")[0] would key by")
                .isEqualTo("1.2.3.4");
    }

    @Test
    void rfc7239ForwardedBehindTwoProxies() {
        try (FastLimit limiter = ClientIpSamples.behindCdnAndProxy()) {
            ClientRequest request = ClientRequest.of("10.0.0.2",
                    Map.of("Forwarded", List.of("for=1.2.3.4, for=198.51.100.9, for=\"[2001:db8::7]\"")), null);
            assertThat(limiter.clientIp(request)).isEqualTo("198.51.100.9");
        }
    }

    @Test
    void addressesAreNormalisedAndPortsDropped() {
        try (FastLimit limiter = ClientIpSamples.direct()) {
            assertThat(limiter.clientIp(ClientRequest.of("2001:DB8:0::1"))).isEqualTo("2001:db8::1");
            assertThat(limiter.clientIp(ClientRequest.of("::ffff:192.0.2.7"))).isEqualTo("192.0.2.7");
        }
        try (FastLimit limiter = ClientIpSamples.behindCdnAndProxy()) {
            ClientRequest withPorts = ClientRequest.of("10.0.0.2",
                    Map.of("Forwarded", List.of("for=\"[2001:db8::7]:4711\", for=198.51.100.9:8080")), null);
            assertThat(limiter.clientIp(withPorts)).isEqualTo("2001:db8::7");
        }
        try (FastLimit limiter = ClientIpSamples.behindOneProxy()) {
            assertThat(limiter.clientIp(viaLoadBalancer("1.2.3.4, 198.51.100.9, 10.0.0.1"))).isEqualTo("10.0.0.1");
        }
        try (FastLimit limiter = FastLimit.builder().trustedProxies(2).build()) {
            assertThat(limiter.clientIp(viaLoadBalancer("1.2.3.4, 198.51.100.9, 10.0.0.1"))).isEqualTo("198.51.100.9");
        }
    }

    @Test
    void behindProxiesAtKnownAddressesTheFirstAddressNotOursIsTheClient() {
        try (FastLimit limiter = ClientIpSamples.behindProxiesAtKnownAddresses()) {
            assertThat(limiter.clientIp(viaLoadBalancer("6.6.6.6, 198.51.100.9, 192.168.1.5"))).isEqualTo("198.51.100.9");
            // a peer that is not one of our proxies: its forwarding headers mean nothing
            assertThat(limiter.clientIp(ClientRequest.of("203.0.113.5",
                    Map.of("X-Forwarded-For", List.of("198.51.100.9")), null))).isEqualTo("203.0.113.5");
        }
    }

    @Test
    void aClientTheExemptLoadBalancerDidNotNameIsStillLimited() {
        try (FastLimit limiter = ClientIpSamples.behindAnExemptLoadBalancer()) {
            RateLimitRule rule = RateLimitRule.ip("api", "2/min");
            int passed = 0;
            for (String unnamed : List.of("unknown", "_hidden", "", "garbage", "unknown")) {
                passed += limiter.check(rule, viaLoadBalancer(unnamed)).allowed() ? 1 : 0;
            }
            assertThat(passed).isEqualTo(2);
            assertThat(limiter.check(rule, viaLoadBalancer("10.20.30.40")).bucketChecked()).as("an internal caller").isFalse();
        }
    }

    @Test
    void anIpv6ClientIsItsNetwork() {
        RateLimitRule rule = RateLimitRule.ip("api", "1/min");
        try (FastLimit limiter = ClientIpSamples.direct()) {
            assertThat(limiter.check(rule, ClientRequest.of("2001:db8:1:2::1")).allowed()).isTrue();
            assertThat(limiter.check(rule, ClientRequest.of("2001:db8:1:2::99")).allowed()).as("same /64").isFalse();
            assertThat(limiter.check(rule, ClientRequest.of("2001:db8:1:3::1")).allowed()).as("next /64").isTrue();
        }
        try (FastLimit limiter = ClientIpSamples.perIpv6Network()) {
            assertThat(limiter.check(rule, ClientRequest.of("2001:db8:1:2::1")).allowed()).isTrue();
            assertThat(limiter.check(rule, ClientRequest.of("2001:db8:1:3::1")).allowed()).as("same /56").isFalse();
        }
    }

    @Test
    void exemptClientsAreNotLimitedAndGetNoHeaders() {
        try (FastLimit limiter = ClientIpSamples.exempt()) {
            RateLimitRule rule = RateLimitRule.ip("api", "1/min");
            for (int i = 0; i < 3; i++) {
                assertThat(limiter.check(rule, ClientRequest.of("10.1.2.3")).bucketChecked()).isFalse();
            }
            assertThat(limiter.check(rule, ClientRequest.of("2001:db8::1")).bucketChecked()).isFalse();
            assertThat(limiter.check(rule, ClientRequest.of("198.51.100.9")).bucketChecked()).isTrue();
        }
    }
}
