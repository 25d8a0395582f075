package io.fastlimit;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ClientIpResolverTest {

    private static ClientRequest request(String peer, String header, String... values) {
        return ClientRequest.of(peer, header == null ? Map.of() : Map.of(header, List.of(values)), null);
    }

    @Test
    void withoutTrustedProxiesTheSocketPeerIsTheClient() {
        ClientIpResolver resolver = new ClientIpResolver(0, "X-Forwarded-For");
        assertThat(resolver.resolve(request("10.0.0.1", "X-Forwarded-For", "1.1.1.1"))).isEqualTo("10.0.0.1");
        assertThat(resolver.resolve(request("0:0:0:0:0:0:0:1", null))).isEqualTo("::1");
        assertThat(resolver.resolve(request("[::1]:8080", null))).isEqualTo("::1");
        assertThat(resolver.resolve(request("not an ip", null))).isNull();
        assertThat(resolver.resolve(request(null, null))).isNull();
    }

    @Test
    void theNthAddressFromTheRightIsTheClient() {
        ClientRequest req = request("10.0.0.1", "X-Forwarded-For", "6.6.6.6, 203.0.113.5, 10.0.0.2");
        assertThat(new ClientIpResolver(1, "X-Forwarded-For").resolve(req)).isEqualTo("10.0.0.2");
        assertThat(new ClientIpResolver(2, "X-Forwarded-For").resolve(req)).isEqualTo("203.0.113.5");
        assertThat(new ClientIpResolver(3, "X-Forwarded-For").resolve(req)).isEqualTo("6.6.6.6");
        assertThat(new ClientIpResolver(4, "X-Forwarded-For").resolve(req)).isEqualTo("10.0.0.1");
    }

    @Test
    void aClientCannotChooseItsBucketByForging() {
        // One trusted proxy appended the real peer 198.51.100.7; everything left of it is the client's claim.
        ClientIpResolver resolver = new ClientIpResolver(1, "X-Forwarded-For");
        assertThat(resolver.resolve(request("10.0.0.1", "X-Forwarded-For", "1.2.3.4, 198.51.100.7")))
                .isEqualTo("198.51.100.7");
        assertThat(resolver.resolve(request("10.0.0.1", "X-Forwarded-For", "1.2.3.4", "198.51.100.7")))
                .isEqualTo("198.51.100.7");
    }

    @Test
    void severalHeaderLinesAreOneList() {
        ClientRequest req = request("10.0.0.1", "X-Forwarded-For", "1.1.1.1, 2.2.2.2", "3.3.3.3");
        assertThat(new ClientIpResolver(2, "X-Forwarded-For").resolve(req)).isEqualTo("2.2.2.2");
    }

    @Test
    void portsBracketsAndIpv6AreNormalised() {
        ClientIpResolver resolver = new ClientIpResolver(1, "X-Forwarded-For");
        assertThat(resolver.resolve(request("10.0.0.1", "X-Forwarded-For", "[2001:DB8::0:1]:4711"))).isEqualTo("2001:db8::1");
        assertThat(resolver.resolve(request("10.0.0.1", "X-Forwarded-For", "192.0.2.1:8080"))).isEqualTo("192.0.2.1");
        assertThat(resolver.resolve(request("10.0.0.1", "X-Forwarded-For", "2001:db8:0:0::7"))).isEqualTo("2001:db8::7");
    }

    @Test
    void garbageFallsBackToThePeer() {
        ClientIpResolver resolver = new ClientIpResolver(1, "X-Forwarded-For");
        assertThat(resolver.resolve(request("10.0.0.1", "X-Forwarded-For", "1.2.3.4, garbage{}"))).isEqualTo("10.0.0.1");
        assertThat(resolver.resolve(request("10.0.0.1", "X-Forwarded-For", ""))).isEqualTo("10.0.0.1");
        assertThat(resolver.resolve(request("10.0.0.1", "X-Forwarded-For", ",,,"))).isEqualTo("10.0.0.1");
    }

    @Test
    void aHugeHeaderIsReadOnlyFromItsEnd() {
        String huge = "9.9.9.9, ".repeat(1200) + "203.0.113.77";
        assertThat(huge.length()).isGreaterThan(10_000);
        assertThat(new ClientIpResolver(1, "X-Forwarded-For").resolve(request("10.0.0.1", "X-Forwarded-For", huge)))
                .isEqualTo("203.0.113.77");
    }

    @Test
    void readsRfc7239Forwarded() {
        ClientIpResolver resolver = new ClientIpResolver(1, "Forwarded");
        assertThat(resolver.resolve(request("10.0.0.1", "Forwarded",
                "for=6.6.6.6, for=192.0.2.60;proto=http;by=203.0.113.43"))).isEqualTo("192.0.2.60");
        assertThat(resolver.resolve(request("10.0.0.1", "Forwarded", "For=\"[2001:db8:cafe::17]:4711\"")))
                .isEqualTo("2001:db8:cafe::17");
        assertThat(resolver.resolve(request("10.0.0.1", "Forwarded", "for=unknown"))).isEqualTo("10.0.0.1");
        assertThat(resolver.resolve(request("10.0.0.1", "Forwarded", "proto=https"))).isEqualTo("10.0.0.1");
    }
}
