package io.fastlimit.internal;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * Rule names: what they may hold, and the one way any text (a filter name, a resource method) is
 * made into one. A rule name is written into every key, so it must be the same in every process.
 */
public final class RuleNames {

    /** The longest rule name. */
    public static final int MAX_LENGTH = 128;
    /** Text longer than {@link #MAX_LENGTH} keeps this much of its start, then {@code -} and 8 hex digits of CRC-32. */
    private static final int CUT_LENGTH = MAX_LENGTH - 9;
    /** Letters, digits and {@code . _ - /}: no key separator, brace or space. */
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._/\\-]{1," + MAX_LENGTH + "}");

    private RuleNames() {
    }

    /** Whether {@code name} is a rule name: 1 to 128 letters, digits or {@code . _ - /}. */
    public static boolean isValid(String name) {
        return name != null && VALID.matcher(name).matches();
    }

    /**
     * A rule name made from {@code text}, the same in every process: each character outside
     * {@code [A-Za-z0-9._/-]} becomes {@code _}, and text longer than 128 characters is cut to 119,
     * followed by {@code -} and the CRC-32 of the whole text in 8 hex digits, so that long texts
     * differing only past the cut still give different names.
     *
     * @throws IllegalArgumentException for {@code null} or empty text
     */
    public static String fromText(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("A rule name cannot be made from empty text");
        }
        StringBuilder name = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean allowed = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || c == '.' || c == '_' || c == '-' || c == '/';
            name.append(allowed ? c : '_');
        }
        if (name.length() <= MAX_LENGTH) {
            return name.toString();
        }
        CRC32 crc = new CRC32();
        crc.update(text.getBytes(StandardCharsets.UTF_8));
        return name.substring(0, CUT_LENGTH) + '-' + String.format("%08x", crc.getValue());
    }
}
