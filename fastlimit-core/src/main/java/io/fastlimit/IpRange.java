package io.fastlimit;

import java.util.List;

/** A set of addresses given as single IPs and CIDR ranges, IPv4 and IPv6, such as {@code 10.0.0.0/8}. */
final class IpRange {

    private final byte[] network;
    private final int prefixBits;

    private IpRange(byte[] network, int prefixBits) {
        this.network = network;
        this.prefixBits = prefixBits;
    }

    /**
     * Parses {@code 192.0.2.7}, {@code 10.0.0.0/8}, {@code 2001:db8::/32} or {@code ::1}.
     *
     * @throws IllegalArgumentException naming the value
     */
    static IpRange parse(String spec) {
        String s = spec == null ? "" : spec.trim();
        int slash = s.indexOf('/');
        String address = slash < 0 ? s : s.substring(0, slash);
        byte[] bytes = IpAddresses.parse(address);
        if (bytes == null) {
            throw new IllegalArgumentException("Invalid IP address or CIDR range '" + spec
                    + "': expected an address such as 192.0.2.7 or ::1, or a range such as 10.0.0.0/8 or 2001:db8::/32");
        }
        int maxBits = bytes.length * 8;
        int bits = maxBits;
        if (slash >= 0) {
            String suffix = s.substring(slash + 1);
            if (!suffix.matches("[0-9]{1,3}")) {
                throw new IllegalArgumentException("Invalid CIDR range '" + spec + "': the prefix length must be a number");
            }
            bits = Integer.parseInt(suffix);
            // an IPv4-mapped IPv6 range (::ffff:10.0.0.0/104) is held as IPv4, so its prefix shrinks by 96
            if (address.indexOf(':') >= 0 && bytes.length == 4) {
                bits -= 96;
            }
            if (bits < 0 || bits > maxBits) {
                throw new IllegalArgumentException("Invalid CIDR range '" + spec + "': the prefix length must be 0 to " + maxBits);
            }
        }
        return new IpRange(bytes, bits);
    }

    /** Whether {@code address} (4 or 16 bytes) lies in this range. */
    boolean contains(byte[] address) {
        if (address.length != network.length) {
            return false;
        }
        int fullBytes = prefixBits / 8;
        for (int i = 0; i < fullBytes; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        int restBits = prefixBits % 8;
        if (restBits == 0) {
            return true;
        }
        int mask = (0xff << (8 - restBits)) & 0xff;
        return (address[fullBytes] & mask) == (network[fullBytes] & mask);
    }

    /** Whether {@code address} lies in any of {@code ranges}. */
    static boolean anyContains(List<IpRange> ranges, byte[] address) {
        for (IpRange range : ranges) {
            if (range.contains(address)) {
                return true;
            }
        }
        return false;
    }
}
