package io.fastlimit;

import java.util.List;
import java.util.Locale;

/**
 * Finds the client's address behind a known number of trusted proxies.
 *
 * <p>Each proxy appends the address it received the request from to {@code X-Forwarded-For} (or
 * adds a {@code for=} element to RFC 7239 {@code Forwarded}). Everything to the left of what our own
 * proxies wrote came from the client and may be forged, so with {@code hops} trusted proxies the
 * client is the {@code hops}-th entry counted from the right; with fewer entries than that, or a
 * malformed entry there, it is the socket peer. With {@code hops == 0}, the default, forwarding
 * headers are ignored altogether. The header is scanned from its end and only as far as needed, so
 * a huge header costs nothing extra.
 */
final class ClientIpResolver {

    static final String X_FORWARDED_FOR = "X-Forwarded-For";
    static final String FORWARDED = "Forwarded";

    private final int hops;
    private final String headerName;
    private final boolean rfc7239;

    ClientIpResolver(int hops, String headerName) {
        this.hops = hops;
        this.headerName = headerName;
        this.rfc7239 = FORWARDED.equalsIgnoreCase(headerName);
    }

    /** The client's address in canonical form, or {@code null} when no valid address is known. */
    String resolve(ClientRequest request) {
        if (hops > 0) {
            String forwarded = forwardedAddress(request.headers(headerName));
            if (forwarded != null) {
                return forwarded;
            }
        }
        return IpAddresses.normalise(stripPortAndBrackets(request.remoteAddress()));
    }

    private String forwardedAddress(List<String> values) {
        if (values == null || values.isEmpty()) {
            return null;
        }
        int seen = 0;
        // header lines are in order received; the rightmost entry is in the last line
        for (int line = values.size() - 1; line >= 0; line--) {
            String value = values.get(line);
            if (value == null) {
                continue;
            }
            int end = value.length();
            while (end >= 0) {
                int comma = value.lastIndexOf(',', end - 1);
                String entry = value.substring(comma + 1, Math.max(comma + 1, end)).trim();
                if (!entry.isEmpty()) {
                    seen++;
                    if (seen == hops) {
                        return parseEntry(entry);
                    }
                }
                if (comma < 0) {
                    break;
                }
                end = comma;
            }
        }
        return null;
    }

    private String parseEntry(String entry) {
        String address = rfc7239 ? forParameter(entry) : entry;
        return address == null ? null : IpAddresses.normalise(stripPortAndBrackets(address));
    }

    /** The value of {@code for=} in one RFC 7239 forwarded-element, unquoted. */
    private static String forParameter(String element) {
        for (String pair : element.split(";", 8)) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).trim().toLowerCase(Locale.ROOT).equals("for")) {
                String value = pair.substring(eq + 1).trim();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                return value;
            }
        }
        return null;
    }

    /** {@code [2001:db8::1]:443} → {@code 2001:db8::1}; {@code 192.0.2.1:8080} → {@code 192.0.2.1}. */
    static String stripPortAndBrackets(String address) {
        if (address == null) {
            return null;
        }
        if (address.startsWith("[")) {
            int close = address.indexOf(']');
            return close < 0 ? null : address.substring(1, close);
        }
        int colon = address.indexOf(':');
        if (colon > 0 && colon == address.lastIndexOf(':')) {
            return address.substring(0, colon); // IPv4 with a port; IPv6 has several colons
        }
        return address;
    }
}
