package io.fastlimit;

/**
 * Parses IP address literals without ever asking DNS (unlike {@code InetAddress.getByName}), and
 * writes them in one canonical form so that one client always maps to one key: IPv4 in dotted
 * decimal, IPv6 in RFC 5952 form (lower case, longest zero run compressed), IPv4-mapped IPv6
 * ({@code ::ffff:1.2.3.4}) as plain IPv4.
 */
final class IpAddresses {

    /** Longest literal worth looking at: a full IPv6 with an embedded IPv4 and a zone is shorter. */
    private static final int MAX_LITERAL_LENGTH = 64;

    private IpAddresses() {
    }

    /**
     * The canonical form of {@code literal}, or {@code null} when it is not an IP address.
     * Returns {@code literal} itself, without allocating, when it already is canonical IPv4.
     */
    static String normalise(String literal) {
        if (literal == null) {
            return null;
        }
        int length = literal.length();
        if (length == 0 || length > MAX_LITERAL_LENGTH) {
            return null;
        }
        if (literal.indexOf(':') < 0) {
            long v4 = parseIpv4(literal, 0, length);
            if (v4 < 0) {
                return null;
            }
            return isCanonicalIpv4(literal, (int) v4) ? literal : formatIpv4((int) v4);
        }
        byte[] bytes = parse(literal);
        return bytes == null ? null : format(bytes);
    }

    /**
     * The 4 or 16 bytes of {@code literal}, or {@code null} when it is not an IP address. IPv4-mapped
     * IPv6 addresses come back as their 4 IPv4 bytes. A zone ({@code %eth0}) is ignored.
     */
    static byte[] parse(String literal) {
        if (literal == null || literal.isEmpty() || literal.length() > MAX_LITERAL_LENGTH) {
            return null;
        }
        if (literal.indexOf(':') < 0) {
            long v4 = parseIpv4(literal, 0, literal.length());
            return v4 < 0 ? null : toBytes((int) v4);
        }
        int end = literal.indexOf('%');
        if (end < 0) {
            end = literal.length();
        }
        byte[] v6 = parseIpv6(literal, end);
        if (v6 == null) {
            return null;
        }
        if (isIpv4Mapped(v6)) {
            return new byte[] {v6[12], v6[13], v6[14], v6[15]};
        }
        return v6;
    }

    /** Dotted decimal IPv4 between {@code from} and {@code to} as an unsigned int, or -1. */
    private static long parseIpv4(CharSequence s, int from, int to) {
        long value = 0;
        int octets = 0;
        int i = from;
        while (octets < 4) {
            int start = i;
            int octet = 0;
            while (i < to && i - start < 3) {
                char c = s.charAt(i);
                if (c < '0' || c > '9') {
                    break;
                }
                octet = octet * 10 + (c - '0');
                i++;
            }
            if (i == start || octet > 255) {
                return -1;
            }
            value = (value << 8) | octet;
            octets++;
            if (octets < 4) {
                if (i >= to || s.charAt(i) != '.') {
                    return -1;
                }
                i++;
            }
        }
        return i == to ? value : -1;
    }

    private static boolean isCanonicalIpv4(String literal, int value) {
        // Canonical means no leading zeros; the shortest text of the value has the same length.
        int expected = 3; // the dots
        for (int shift = 24; shift >= 0; shift -= 8) {
            int octet = (value >>> shift) & 0xff;
            expected += octet >= 100 ? 3 : octet >= 10 ? 2 : 1;
        }
        return expected == literal.length();
    }

    private static String formatIpv4(int value) {
        return ((value >>> 24) & 0xff) + "." + ((value >>> 16) & 0xff) + "." + ((value >>> 8) & 0xff) + "." + (value & 0xff);
    }

    private static byte[] toBytes(int value) {
        return new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
    }

    private static byte[] parseIpv6(String s, int end) {
        int[] groups = new int[8];
        int count = 0;
        int compressAt = -1;
        int i = 0;
        if (s.startsWith("::")) {
            compressAt = 0;
            i = 2;
            if (i == end) {
                return new byte[16];
            }
        } else if (s.charAt(0) == ':') {
            return null;
        }
        while (i < end) {
            if (count == 8) {
                return null;
            }
            int start = i;
            int group = 0;
            while (i < end && i - start < 4 && Character.digit(s.charAt(i), 16) >= 0 && s.charAt(i) < 128) {
                group = (group << 4) | Character.digit(s.charAt(i), 16);
                i++;
            }
            if (i < end && s.charAt(i) == '.') {
                // an embedded IPv4 address takes the last two groups
                if (count > 6) {
                    return null;
                }
                long v4 = parseIpv4(s, start, end);
                if (v4 < 0) {
                    return null;
                }
                groups[count++] = (int) (v4 >>> 16);
                groups[count++] = (int) (v4 & 0xffff);
                i = end;
                break;
            }
            if (i == start) {
                return null;
            }
            groups[count++] = group;
            if (i == end) {
                break;
            }
            if (s.charAt(i) != ':') {
                return null;
            }
            i++;
            if (i < end && s.charAt(i) == ':') {
                if (compressAt >= 0) {
                    return null;
                }
                compressAt = count;
                i++;
                if (i == end) {
                    break;
                }
            } else if (i == end) {
                return null; // a trailing single colon
            }
        }
        if (compressAt < 0 ? count != 8 : count > 7) {
            return null;
        }
        byte[] bytes = new byte[16];
        int zeros = 8 - count;
        for (int g = 0, out = 0; g < count; g++, out++) {
            if (g == compressAt) {
                out += zeros;
            }
            bytes[out * 2] = (byte) (groups[g] >>> 8);
            bytes[out * 2 + 1] = (byte) groups[g];
        }
        return bytes;
    }

    private static boolean isIpv4Mapped(byte[] v6) {
        for (int i = 0; i < 10; i++) {
            if (v6[i] != 0) {
                return false;
            }
        }
        return v6[10] == (byte) 0xff && v6[11] == (byte) 0xff;
    }

    /**
     * The network of the first {@code prefixBits} bits of the IPv6 address {@code v6} (16 bytes), as
     * {@code 2001:db8:1:2::/64}; with 128 bits, the address itself.
     */
    static String ipv6Network(byte[] v6, int prefixBits) {
        if (prefixBits >= 128) {
            return format(v6);
        }
        byte[] network = new byte[16];
        int fullBytes = prefixBits / 8;
        System.arraycopy(v6, 0, network, 0, fullBytes);
        int restBits = prefixBits % 8;
        if (restBits > 0) {
            network[fullBytes] = (byte) (v6[fullBytes] & (0xff << (8 - restBits)));
        }
        return format(network) + "/" + prefixBits;
    }

    /** RFC 5952 text of 4 or 16 bytes. */
    static String format(byte[] bytes) {
        if (bytes.length == 4) {
            return formatIpv4(((bytes[0] & 0xff) << 24) | ((bytes[1] & 0xff) << 16) | ((bytes[2] & 0xff) << 8) | (bytes[3] & 0xff));
        }
        int[] groups = new int[8];
        for (int g = 0; g < 8; g++) {
            groups[g] = ((bytes[g * 2] & 0xff) << 8) | (bytes[g * 2 + 1] & 0xff);
        }
        // the longest run of two or more zero groups, the first one on a tie
        int bestStart = -1;
        int bestLength = 1;
        for (int g = 0; g < 8; ) {
            if (groups[g] != 0) {
                g++;
                continue;
            }
            int start = g;
            while (g < 8 && groups[g] == 0) {
                g++;
            }
            if (g - start > bestLength) {
                bestStart = start;
                bestLength = g - start;
            }
        }
        StringBuilder out = new StringBuilder(39);
        for (int g = 0; g < 8; g++) {
            if (g == bestStart) {
                out.append("::");
                g += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[g]));
        }
        return out.toString();
    }
}
