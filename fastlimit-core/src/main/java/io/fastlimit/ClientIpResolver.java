package io.fastlimit;

import java.util.List;

/**
 * Finds the client's address behind trusted proxies, and the IP bucket a request counts against.
 *
 * <h2>Whom to believe</h2>
 * Each proxy appends the address it received the request from to {@code X-Forwarded-For} (or adds a
 * {@code for=} element to RFC 7239 {@code Forwarded}). Whatever stands to the left of what our own
 * proxies wrote came from the client and may be forged, so the chain is read from the right:
 * <ul>
 *   <li>no trusted proxies (the default): the socket peer is the client; forwarding headers are
 *       ignored;</li>
 *   <li>a hop count {@code n}: the {@code n}-th node from the right is the client, whoever the peer
 *       is;</li>
 *   <li>trusted proxy addresses and ranges: only when the peer is one of them are the headers read;
 *       nodes are skipped from the right while they are trusted proxies, and the first that is not is
 *       the client (as Tomcat's {@code RemoteIpValve} does). When every node is a trusted proxy, the
 *       leftmost is the client: a proxy of ours reported it.</li>
 * </ul>
 *
 * <h2>When the client cannot be determined</h2>
 * A trusted proxy that forwarded the request without naming a usable client (no header, fewer nodes
 * than hops, {@code unknown}, an obfuscated {@code _hidden}, garbage, a malformed {@code Forwarded}
 * line, or a chain of more than {@value #MAX_HOPS} trusted proxies) leaves the client undetermined:
 * {@link #resolve} answers {@code null}, and such requests share one bucket per proxy
 * ({@code unresolved-via-<proxy>}). They are never taken for the proxy itself, so an exempt proxy
 * does not make them exempt.
 *
 * <h2>IPv6 networks</h2>
 * A client usually holds a whole IPv6 /64 (or more), and can send each request from another of its
 * addresses. The IP bucket of an IPv6 client is therefore its network of {@code ipv6PrefixBits}
 * ({@code 2001:db8:1:2::/64}); 128 keys each address on its own. IPv4 and IPv4-mapped IPv6 addresses
 * are keyed per address.
 */
final class ClientIpResolver {

    static final String X_FORWARDED_FOR = "X-Forwarded-For";
    static final String FORWARDED = "Forwarded";

    /** The longest chain of trusted proxies walked through; real deployments have a handful. */
    static final int MAX_HOPS = 32;

    /** The IPv6 prefix length clients are grouped by unless configured: what an ISP gives one subscriber at least. */
    static final int DEFAULT_IPV6_PREFIX_BITS = 64;

    /** The shortest IPv6 prefix accepted: shorter ones would put unrelated networks into one bucket. */
    static final int MIN_IPV6_PREFIX_BITS = 16;

    private static final String UNRESOLVED_VIA = "unresolved-via-";

    private final int hops;
    private final List<IpRange> trustedProxies;
    private final String headerName;
    private final boolean rfc7239;
    private final int ipv6PrefixBits;

    /**
     * @param hops           a count of trusted proxies, or 0
     * @param trustedProxies the addresses and ranges of trusted proxies, used when {@code hops} is 0
     * @param headerName     {@code X-Forwarded-For}, {@code Forwarded} (RFC 7239) or another header
     *                       written like {@code X-Forwarded-For}
     * @param ipv6PrefixBits the IPv6 prefix length clients are grouped by, 128 for none
     */
    ClientIpResolver(int hops, List<IpRange> trustedProxies, String headerName, int ipv6PrefixBits) {
        this.hops = hops;
        this.trustedProxies = List.copyOf(trustedProxies);
        this.headerName = headerName;
        this.rfc7239 = FORWARDED.equalsIgnoreCase(headerName);
        this.ipv6PrefixBits = ipv6PrefixBits;
    }

    /** The client's address in canonical form, or {@code null} when it cannot be determined. */
    String resolve(ClientRequest request) {
        if (hops > 0) {
            ForwardedChain chain = ForwardedChain.read(request.headers(headerName), rfc7239, hops);
            return chain.size() < hops ? null : canonical(chain.node(hops - 1));
        }
        String peer = canonical(request.remoteAddress());
        if (peer != null && isTrustedProxy(IpAddresses.parse(peer))) {
            return fromTrustedChain(request);
        }
        return peer;
    }

    /**
     * The id of the IP bucket for a request whose client {@link #resolve} found to be
     * {@code clientAddress}: the address, or its IPv6 network; for an undetermined client the bucket
     * shared by such requests through the same proxy; for a peer that is no IP address (a Unix
     * socket), one bucket per peer.
     */
    String bucketId(String clientAddress, ClientRequest request) {
        if (clientAddress != null) {
            if (clientAddress.indexOf(':') < 0 || ipv6PrefixBits >= 128) {
                return clientAddress;
            }
            return IpAddresses.ipv6Network(IpAddresses.parse(clientAddress), ipv6PrefixBits);
        }
        String peerText = request.remoteAddress();
        String peer = canonical(peerText);
        String peerId = peer != null ? peer : peerText == null || peerText.isBlank() ? "unknown" : KeyIds.of(peerText);
        boolean forwarded = hops > 0 || peer != null && isTrustedProxy(IpAddresses.parse(peer));
        return forwarded ? UNRESOLVED_VIA + peerId : peerId;
    }

    /** The client of a request whose peer is a trusted proxy, walking the chain from the right. */
    private String fromTrustedChain(ClientRequest request) {
        ForwardedChain chain = ForwardedChain.read(request.headers(headerName), rfc7239, MAX_HOPS + 1);
        byte[] node = null;
        for (int i = 0; i < chain.size(); i++) {
            node = IpAddresses.parse(stripPortAndBrackets(chain.node(i)));
            if (node == null) {
                return null; // a proxy of ours forwarded a client it could not or would not name
            }
            if (!isTrustedProxy(node)) {
                return IpAddresses.format(node);
            }
        }
        // every node is a proxy of ours: the leftmost, reported by the one to its right, sent the request
        return chain.complete() && node != null ? IpAddresses.format(node) : null;
    }

    private boolean isTrustedProxy(byte[] address) {
        return !trustedProxies.isEmpty() && IpRange.anyContains(trustedProxies, address);
    }

    /** {@code node} as a canonical address, or {@code null} when it is none ({@code unknown}, {@code _hidden}, garbage). */
    private static String canonical(String node) {
        return IpAddresses.normalise(stripPortAndBrackets(node));
    }

    /**
     * {@code [2001:db8::1]:443} → {@code 2001:db8::1}; {@code 192.0.2.1:8080} → {@code 192.0.2.1};
     * {@code null} when brackets are unbalanced or what follows the address is no port (digits, or an
     * RFC 7239 obfuscated port such as {@code _8080}).
     */
    static String stripPortAndBrackets(String address) {
        if (address == null) {
            return null;
        }
        if (address.startsWith("[")) {
            int close = address.indexOf(']');
            if (close < 0 || close + 1 < address.length() && !isPortSuffix(address, close + 1)) {
                return null;
            }
            return address.substring(1, close);
        }
        int colon = address.indexOf(':');
        if (colon > 0 && colon == address.lastIndexOf(':')) {
            // IPv4 with a port; IPv6 has several colons
            return isPortSuffix(address, colon) ? address.substring(0, colon) : null;
        }
        return address;
    }

    /** Whether {@code address} from {@code colon} on is {@code :} and a port. */
    private static boolean isPortSuffix(String address, int colon) {
        int length = address.length() - colon - 1;
        if (address.charAt(colon) != ':' || length < 1 || length > 16) {
            return false;
        }
        boolean obfuscated = address.charAt(colon + 1) == '_';
        for (int i = colon + 1; i < address.length(); i++) {
            char c = address.charAt(i);
            boolean allowed = c >= '0' && c <= '9'
                    || obfuscated && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '.' || c == '_' || c == '-');
            if (!allowed) {
                return false;
            }
        }
        return obfuscated || length <= 5;
    }
}
