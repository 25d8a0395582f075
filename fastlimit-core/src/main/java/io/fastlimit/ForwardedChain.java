package io.fastlimit;

import java.util.List;

/**
 * The nodes that proxies named in {@code X-Forwarded-For} or RFC 7239 {@code Forwarded}, rightmost
 * (nearest to us) first, as far as a caller needs them.
 *
 * <p>A node is the text a proxy wrote for the address it received the request from: for
 * {@code X-Forwarded-For} one comma-separated entry, for {@code Forwarded} the value of the
 * {@code for} parameter of one element, unquoted. A node is {@code null} when the element names no
 * node (no {@code for} parameter). Whether a node is an address ({@code unknown} and obfuscated
 * identifiers such as {@code _hidden} are not) is for the caller to decide.
 *
 * <p>{@code Forwarded} is parsed by its grammar (RFC 7239 section 4, RFC 9110 lists and
 * quoted-strings): commas and semicolons inside a quoted-string belong to the value, a backslash
 * escapes the next character, and a parameter may appear once per element. A field line that breaks
 * the grammar (an unbalanced quote, a control character, a parameter without {@code =}) ends the
 * chain at that line: what stands left of it cannot be placed, so {@link #complete()} is
 * {@code false}. Each field line is parsed on its own, so a broken line a client sent cannot swallow
 * the well-formed lines proxies added after it. Leniencies that cannot change where an element ends
 * are accepted: whitespace around {@code ,} and {@code ;}, and {@code :}, {@code [} and {@code ]} in
 * unquoted values ({@code for=[2001:db8::1]:80}).
 *
 * <p>{@code X-Forwarded-For} has no quoting: entries are split at commas, empty ones skipped, and
 * read from the end of the last line, so a huge header costs no more than its last entries.
 */
final class ForwardedChain {

    private static final ForwardedChain EMPTY = new ForwardedChain(new String[0], 0, true);

    /** What a line reader returns for a line that breaks the grammar. */
    private static final int MALFORMED = -1;

    /** Nodes, rightmost first. */
    private final String[] nodes;
    private final int size;
    private final boolean complete;

    private ForwardedChain(String[] nodes, int size, boolean complete) {
        this.nodes = nodes;
        this.size = size;
        this.complete = complete;
    }

    /** How many nodes were read: at most the {@code limit} asked for. */
    int size() {
        return size;
    }

    /** The node {@code index} places from the right (0 is the nearest proxy's peer); may be {@code null}. */
    String node(int index) {
        return nodes[index];
    }

    /**
     * Whether {@link #size()} nodes are the whole chain: no field line was malformed and the chain was
     * no longer than the limit asked for.
     */
    boolean complete() {
        return complete;
    }

    /**
     * Reads the rightmost nodes of {@code fieldLines} (the values of every line of the header, in the
     * order received), at most {@code limit}.
     *
     * @param rfc7239 whether the lines are {@code Forwarded} rather than {@code X-Forwarded-For}
     */
    static ForwardedChain read(List<String> fieldLines, boolean rfc7239, int limit) {
        if (fieldLines == null || fieldLines.isEmpty() || limit <= 0) {
            return EMPTY;
        }
        String[] nodes = new String[limit];
        int size = 0;
        // the rightmost node is in the last line
        for (int line = fieldLines.size() - 1; line >= 0; line--) {
            String value = fieldLines.get(line);
            if (value == null) {
                continue;
            }
            int room = limit - size;
            int read = rfc7239 ? readForwarded(value, nodes, size, room) : readForwardedFor(value, nodes, size, room);
            if (read == MALFORMED) {
                return new ForwardedChain(nodes, size, false);
            }
            if (read > room) {
                return new ForwardedChain(nodes, limit, false);
            }
            size += read;
            if (size == limit && line > 0) {
                return new ForwardedChain(nodes, size, false); // earlier lines may hold more
            }
        }
        return new ForwardedChain(nodes, size, true);
    }

    /**
     * Puts the rightmost entries of one {@code X-Forwarded-For} line into {@code out} from
     * {@code from}, at most {@code room}; returns how many, or {@code room + 1} when the line holds
     * more than that.
     */
    private static int readForwardedFor(String value, String[] out, int from, int room) {
        int count = 0;
        int end = value.length();
        while (end > 0) {
            int comma = value.lastIndexOf(',', end - 1);
            String entry = value.substring(comma + 1, end).trim();
            if (!entry.isEmpty()) {
                if (count == room) {
                    return room + 1;
                }
                out[from + count++] = entry;
            }
            if (comma < 0) {
                break;
            }
            end = comma;
        }
        return count;
    }

    /**
     * Parses one {@code Forwarded} line from the left and puts the {@code for} values of its
     * rightmost elements into {@code out} from {@code from}, rightmost first, at most {@code room};
     * returns how many ({@code room + 1} when the line holds more), or {@link #MALFORMED}.
     */
    private static int readForwarded(String value, String[] out, int from, int room) {
        // the last `room + 1` elements are kept in a ring, so a huge line needs no list of all of them
        int capacity = room + 1;
        String[] ring = new String[capacity];
        int elements = 0;
        int length = value.length();
        int i = skipWhitespace(value, 0);
        while (i < length) {
            if (value.charAt(i) == ',') { // an empty list element, allowed by the list syntax
                i = skipWhitespace(value, i + 1);
                continue;
            }
            String forValue = null;
            boolean sawFor = false;
            // one element: pairs separated by ';', ended by ',' or the end of the line
            while (i < length && value.charAt(i) != ',') {
                if (value.charAt(i) == ';') {
                    i = skipWhitespace(value, i + 1);
                    continue;
                }
                int nameStart = i;
                while (i < length && isTokenChar(value.charAt(i))) {
                    i++;
                }
                if (i == nameStart || i == length || value.charAt(i) != '=') {
                    return MALFORMED;
                }
                boolean isFor = i - nameStart == 3 && value.regionMatches(true, nameStart, "for", 0, 3);
                i++;
                String parameter;
                if (i < length && value.charAt(i) == '"') {
                    StringBuilder unquoted = new StringBuilder();
                    i = readQuoted(value, i + 1, unquoted);
                    if (i < 0) {
                        return MALFORMED;
                    }
                    parameter = unquoted.toString();
                } else {
                    int valueStart = i;
                    while (i < length && isUnquotedValueChar(value.charAt(i))) {
                        i++;
                    }
                    if (i == valueStart) {
                        return MALFORMED;
                    }
                    parameter = value.substring(valueStart, i);
                }
                if (isFor) {
                    if (sawFor) {
                        return MALFORMED; // a parameter occurs at most once per element
                    }
                    sawFor = true;
                    forValue = parameter;
                }
                i = skipWhitespace(value, i);
                if (i < length && value.charAt(i) != ';' && value.charAt(i) != ',') {
                    return MALFORMED;
                }
            }
            ring[elements % capacity] = forValue;
            elements++;
            if (i < length) {
                i = skipWhitespace(value, i + 1); // past the ','
            }
        }
        int kept = Math.min(elements, capacity);
        int count = Math.min(kept, room);
        for (int k = 0; k < count; k++) {
            out[from + k] = ring[(elements - 1 - k) % capacity];
        }
        return elements > room ? room + 1 : count;
    }

    /**
     * Reads a quoted-string whose opening quote is just before {@code i} into {@code out}, without its
     * quotes and escapes; returns the index after the closing quote, or -1 when it is not closed or
     * holds a control character.
     */
    private static int readQuoted(String value, int i, StringBuilder out) {
        int length = value.length();
        while (i < length) {
            char c = value.charAt(i);
            if (c == '"') {
                return i + 1;
            }
            if (c == '\\') {
                if (i + 1 == length || !isQuotedChar(value.charAt(i + 1))) {
                    return -1;
                }
                out.append(value.charAt(i + 1));
                i += 2;
                continue;
            }
            if (!isQuotedChar(c)) {
                return -1;
            }
            out.append(c);
            i++;
        }
        return -1;
    }

    private static int skipWhitespace(String value, int i) {
        while (i < value.length() && (value.charAt(i) == ' ' || value.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    /** RFC 9110 tchar. */
    private static boolean isTokenChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    /** A token character, or one of {@code : [ ]} that some proxies leave unquoted in addresses. */
    private static boolean isUnquotedValueChar(char c) {
        return isTokenChar(c) || c == ':' || c == '[' || c == ']';
    }

    /** What a quoted-string may hold: tab, space, visible ASCII and obs-text, no other control character. */
    private static boolean isQuotedChar(char c) {
        return c == '\t' || c >= ' ' && c != 0x7f;
    }
}
