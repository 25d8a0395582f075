package io.fastlimit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ClientIpResolverTest {

    private static ClientRequest request(String peer, String header, String... values) {
        return ClientRequest.of(peer, header == null ? Map.of() : Map.of(header, List.of(values)), null);
    }

    /** A resolver trusting {@code hops} proxies that write {@code header}. */
    private static ClientIpResolver hops(int hops, String header) {
        return new ClientIpResolver(hops, List.of(), header, ClientIpResolver.DEFAULT_IPV6_PREFIX_BITS);
    }

    /** A resolver trusting the proxies at {@code ranges}, which write {@code header}. */
    private static ClientIpResolver trusting(String header, String... ranges) {
        List<IpRange> parsed = new ArrayList<>();
        for (String range : ranges) {
            parsed.add(IpRange.parse(range));
        }
        return new ClientIpResolver(0, parsed, header, ClientIpResolver.DEFAULT_IPV6_PREFIX_BITS);
    }

    private static ClientIpResolver ipv6Prefix(int bits) {
        return new ClientIpResolver(0, List.of(), "X-Forwarded-For", bits);
    }

    @Test
    void withoutTrustedProxiesTheSocketPeerIsTheClient() {
        ClientIpResolver resolver = hops(0, "X-Forwarded-For");
        assertThat(resolver.resolve(request("10.0.0.1", "X-Forwarded-For", "1.1.1.1"))).isEqualTo("10.0.0.1");
        assertThat(resolver.resolve(request("0:0:0:0:0:0:0:1", null))).isEqualTo("::1");
        assertThat(resolver.resolve(request("[::1]:8080", null))).isEqualTo("::1");
        assertThat(resolver.resolve(request("not an ip", null))).isNull();
        assertThat(resolver.resolve(request(null, null))).isNull();
    }

    @Test
    void theNthAddressFromTheRightIsTheClient() {
        ClientRequest req = request("10.0.0.1", "X-Forwarded-For", "6.6.6.6, 203.0.113.5, 10.0.0.2");
        assertThat(hops(1, "X-Forwarded-For").resolve(req)).isEqualTo("10.0.0.2");
        assertThat(hops(2, "X-Forwarded-For").resolve(req)).isEqualTo("203.0.113.5");
        assertThat(hops(3, "X-Forwarded-For").resolve(req)).isEqualTo("6.6.6.6");
    }

    @Test
    void aClientCannotChooseItsBucketByForging() {
        // One trusted proxy appended the real peer 198.51.100.7; everything left of it is the client's claim.
        ClientIpResolver resolver = hops(1, "X-Forwarded-For");
        assertThat(resolver.resolve(request("10.0.0.1", "X-Forwarded-For", "1.2.3.4, 198.51.100.7")))
                .isEqualTo("198.51.100.7");
        assertThat(resolver.resolve(request("10.0.0.1", "X-Forwarded-For", "1.2.3.4", "198.51.100.7")))
                .isEqualTo("198.51.100.7");
    }

    @Test
    void severalHeaderLinesAreOneList() {
        ClientRequest req = request("10.0.0.1", "X-Forwarded-For", "1.1.1.1, 2.2.2.2", "3.3.3.3");
        assertThat(hops(2, "X-Forwarded-For").resolve(req)).isEqualTo("2.2.2.2");
    }

    @Test
    void portsBracketsAndIpv6AreNormalised() {
        ClientIpResolver resolver = hops(1, "X-Forwarded-For");
        assertThat(resolver.resolve(request("10.0.0.1", "X-Forwarded-For", "[2001:DB8::0:1]:4711"))).isEqualTo("2001:db8::1");
        assertThat(resolver.resolve(request("10.0.0.1", "X-Forwarded-For", "192.0.2.1:8080"))).isEqualTo("192.0.2.1");
        assertThat(resolver.resolve(request("10.0.0.1", "X-Forwarded-For", "2001:db8:0:0::7"))).isEqualTo("2001:db8::7");
        assertThat(resolver.resolve(request("10.0.0.1", "X-Forwarded-For", "192.0.2.1:80x"))).isNull();
        assertThat(resolver.resolve(request("10.0.0.1", "X-Forwarded-For", "[2001:db8::1]junk"))).isNull();
    }

    @Test
    void aForwardedClientThatIsNoAddressIsUndeterminedNotTheProxy() {
        ClientIpResolver resolver = hops(1, "X-Forwarded-For");
        for (String value : List.of("1.2.3.4, garbage{}", "", ",,,", "unknown", "_hidden", "1.2.3.4, unknown")) {
            ClientRequest req = request("10.0.0.2", "X-Forwarded-For", value);
            assertThat(resolver.resolve(req)).as(value).isNull();
            assertThat(resolver.bucketId(null, req)).as(value).isEqualTo("unresolved-via-10.0.0.2");
        }
        ClientRequest noHeader = request("10.0.0.2", null);
        assertThat(resolver.resolve(noHeader)).isNull();
        assertThat(resolver.bucketId(null, noHeader)).isEqualTo("unresolved-via-10.0.0.2");
        // fewer entries than trusted proxies: the entry that would be the client is missing
        assertThat(hops(2, "X-Forwarded-For").resolve(request("10.0.0.2", "X-Forwarded-For", "198.51.100.9"))).isNull();
    }

    @Test
    void aPeerThatIsNoAddressGetsABucketOfItsOwn() {
        ClientIpResolver direct = hops(0, "X-Forwarded-For");
        assertThat(direct.bucketId(null, request(null, null))).isEqualTo("unknown");
        assertThat(direct.bucketId(null, request("unix:/run/app.sock", null))).startsWith("~");
        assertThat(hops(1, "X-Forwarded-For").bucketId(null, request(null, null))).isEqualTo("unresolved-via-unknown");
    }

    @Test
    void aHugeHeaderIsReadOnlyFromItsEnd() {
        String huge = "9.9.9.9, ".repeat(1200) + "203.0.113.77";
        assertThat(huge.length()).isGreaterThan(10_000);
        assertThat(hops(1, "X-Forwarded-For").resolve(request("10.0.0.1", "X-Forwarded-For", huge)))
                .isEqualTo("203.0.113.77");
    }

    @Test
    void readsRfc7239Forwarded() {
        ClientIpResolver resolver = hops(1, "Forwarded");
        assertThat(resolver.resolve(request("10.0.0.1", "Forwarded",
                "for=6.6.6.6, for=192.0.2.60;proto=http;by=203.0.113.43"))).isEqualTo("192.0.2.60");
        assertThat(resolver.resolve(request("10.0.0.1", "Forwarded", "For=\"[2001:db8:cafe::17]:4711\"")))
                .isEqualTo("2001:db8:cafe::17");
        assertThat(resolver.resolve(request("10.0.0.1", "Forwarded", "for=\"[2001:db8::1]:4711\";proto=https")))
                .isEqualTo("2001:db8::1");
        assertThat(resolver.resolve(request("10.0.0.1", "Forwarded", "for=192.0.2.43:_port"))).isEqualTo("192.0.2.43");
        assertThat(resolver.resolve(request("10.0.0.1", "Forwarded", "for=\"\\1\\9\\2.0.2.4\""))).isEqualTo("192.0.2.4");
    }

    @Test
    void aQuotedForwardedParameterCannotSmuggleAnElement() {
        // the proxy quoted a Host header of the attacker's; the comma inside the quotes ends nothing
        ClientRequest req = request("10.0.0.1", "Forwarded", "for=198.51.100.9;host=\"evil, for=6.6.6.6;x=\"");
        assertThat(hops(1, "Forwarded").resolve(req)).isEqualTo("198.51.100.9");
        ClientRequest semicolon = request("10.0.0.1", "Forwarded",
                "for=203.0.113.1, for=198.51.100.9;host=\"a;for=6.6.6.6\";proto=https");
        assertThat(hops(1, "Forwarded").resolve(semicolon)).isEqualTo("198.51.100.9");
        assertThat(hops(2, "Forwarded").resolve(semicolon)).isEqualTo("203.0.113.1");
        ClientRequest escapedQuote = request("10.0.0.1", "Forwarded", "for=198.51.100.9;host=\"x\\\", for=6.6.6.6\"");
        assertThat(hops(1, "Forwarded").resolve(escapedQuote)).isEqualTo("198.51.100.9");
    }

    @ParameterizedTest
    @ValueSource(strings = {"for=unknown", "for=_hidden", "for=\"_hidden:_port\"", "proto=https", "by=10.0.0.9",
            "for=\"198.51.100.9", "for=198.51.100.9;host=\"evil", "for=", "for", "=1.2.3.4", "for=1.2.3.4;for=5.6.7.8",
            "for=1.2.3.4 x", "for=\"1.2.3.4\"x", "for=\"a\u0001b\"", "for=\"ab\\", "\"", ";;,;", "for=1.2.3.4, for=garbage{}"})
    void aMalformedOrAnonymousForwardedElementLeavesTheClientUndetermined(String value) {
        ClientIpResolver resolver = hops(1, "Forwarded");
        ClientRequest req = request("10.0.0.2", "Forwarded", value);
        assertThat(resolver.resolve(req)).isNull();
        assertThat(resolver.bucketId(null, req)).isEqualTo("unresolved-via-10.0.0.2");
    }

    @Test
    void aBrokenLineTheClientSentCannotHideTheLineOurProxyAdded() {
        ClientRequest req = request("10.0.0.2", "Forwarded", "for=\"6.6.6.6", "for=198.51.100.9");
        assertThat(hops(1, "Forwarded").resolve(req)).isEqualTo("198.51.100.9");
        assertThat(hops(2, "Forwarded").resolve(req)).as("the broken line cannot be placed").isNull();
    }

    @Test
    void aListOfTrustedProxiesIsWalkedFromTheRight() {
        ClientIpResolver resolver = trusting("X-Forwarded-For", "10.0.0.0/8", "192.168.1.5");
        // client → CDN edge 192.168.1.5 → load balancer 10.0.0.2 → us
        assertThat(resolver.resolve(request("10.0.0.2", "X-Forwarded-For", "198.51.100.9, 192.168.1.5")))
                .isEqualTo("198.51.100.9");
        // what the client wrote itself stands left of the first untrusted entry, and is never reached
        assertThat(resolver.resolve(request("10.0.0.2", "X-Forwarded-For", "6.6.6.6, 198.51.100.9, 192.168.1.5")))
                .isEqualTo("198.51.100.9");
        assertThat(resolver.resolve(request("10.0.0.2", "X-Forwarded-For", "10.9.9.9, 198.51.100.9")))
                .isEqualTo("198.51.100.9");
        // a peer that is not a proxy of ours is the client; its headers mean nothing
        assertThat(resolver.resolve(request("203.0.113.5", "X-Forwarded-For", "198.51.100.9"))).isEqualTo("203.0.113.5");
        // every entry is a proxy of ours: the leftmost, reported by ours, sent the request
        assertThat(resolver.resolve(request("10.0.0.2", "X-Forwarded-For", "10.1.1.1, 192.168.1.5"))).isEqualTo("10.1.1.1");
    }

    @Test
    void aTrustedProxyThatNamesNoClientLeavesItUndetermined() {
        ClientIpResolver resolver = trusting("X-Forwarded-For", "10.0.0.0/8");
        for (String value : List.of("unknown", "198.51.100.9, garbage", "", "_hidden")) {
            ClientRequest req = request("10.0.0.2", "X-Forwarded-For", value);
            assertThat(resolver.resolve(req)).as(value).isNull();
            assertThat(resolver.bucketId(null, req)).isEqualTo("unresolved-via-10.0.0.2");
        }
        assertThat(resolver.resolve(request("10.0.0.2", null))).isNull();
        assertThat(resolver.resolve(request("10.0.0.2", "X-Forwarded-For", "10.0.0.1, ".repeat(40) + "10.0.0.3")))
                .as("a chain of trusted proxies longer than any real one").isNull();
    }

    @Test
    void aListOfTrustedProxiesReadsForwardedToo() {
        ClientIpResolver resolver = trusting("Forwarded", "10.0.0.0/8", "2001:db8:ffff::/48");
        assertThat(resolver.resolve(request("10.0.0.2", "Forwarded",
                "for=6.6.6.6, for=\"[2001:db8:1::9]:443\", for=\"[2001:db8:ffff::1]\""))).isEqualTo("2001:db8:1::9");
        assertThat(resolver.resolve(request("10.0.0.2", "Forwarded", "for=198.51.100.9;host=\"evil, for=6.6.6.6;x=\"")))
                .isEqualTo("198.51.100.9");
    }

    @Test
    void noInputMakesTheParserThrow() {
        java.util.Random random = new java.util.Random(7239);
        String alphabet = "for=\"\\;,: []_.0123456789abcdef\t\u0001\u00e9";
        List<ClientIpResolver> resolvers = List.of(hops(1, "Forwarded"), hops(3, "Forwarded"), hops(2, "X-Forwarded-For"),
                trusting("Forwarded", "10.0.0.0/8", "::/0"), trusting("X-Forwarded-For", "0.0.0.0/0"));
        for (int i = 0; i < 20_000; i++) {
            StringBuilder value = new StringBuilder();
            int length = random.nextInt(40);
            for (int c = 0; c < length; c++) {
                value.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            ClientRequest req = request("10.0.0.2", "Forwarded", value.toString(), value.reverse().toString());
            ClientRequest xff = request("10.0.0.2", "X-Forwarded-For", value.toString());
            for (ClientIpResolver resolver : resolvers) {
                resolver.bucketId(resolver.resolve(req), req);
                resolver.bucketId(resolver.resolve(xff), xff);
            }
        }
        String huge = ("for=1.2.3.4;host=\"" + "x".repeat(100_000) + "\", ").repeat(3) + "for=198.51.100.9";
        assertThat(hops(1, "Forwarded").resolve(request("10.0.0.2", "Forwarded", huge))).isEqualTo("198.51.100.9");
        String manyElements = "for=1.2.3.4, ".repeat(5_000) + "for=198.51.100.9";
        assertThat(trusting("Forwarded", "10.0.0.0/8").resolve(request("10.0.0.2", "Forwarded", manyElements)))
                .isEqualTo("198.51.100.9");
    }

    @Test
    void ipv6ClientsAreKeyedByTheirNetwork() {
        ClientIpResolver per64 = ipv6Prefix(64);
        for (String address : List.of("2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:DB8:1:2:0:0:0:99")) {
            ClientRequest req = request(address, null);
            assertThat(per64.bucketId(per64.resolve(req), req)).isEqualTo("2001:db8:1:2::/64");
        }
        ClientRequest neighbour = request("2001:db8:1:3::1", null);
        assertThat(per64.bucketId(per64.resolve(neighbour), neighbour)).isEqualTo("2001:db8:1:3::/64");
        ClientRequest v4 = request("192.0.2.7", null);
        assertThat(per64.bucketId(per64.resolve(v4), v4)).isEqualTo("192.0.2.7");
        ClientRequest mapped = request("::ffff:192.0.2.7", null);
        assertThat(per64.bucketId(per64.resolve(mapped), mapped)).isEqualTo("192.0.2.7");

        ClientIpResolver per48 = ipv6Prefix(48);
        assertThat(per48.bucketId("2001:db8:1:2::1", request("2001:db8:1:2::1", null))).isEqualTo("2001:db8:1::/48");
        ClientIpResolver per56 = ipv6Prefix(56);
        assertThat(per56.bucketId("2001:db8:1:2ff::1", request("2001:db8:1:2ff::1", null))).isEqualTo("2001:db8:1:200::/56");
        ClientIpResolver perAddress = ipv6Prefix(128);
        assertThat(perAddress.bucketId("2001:db8:1:2::1", request("2001:db8:1:2::1", null))).isEqualTo("2001:db8:1:2::1");
    }
}
