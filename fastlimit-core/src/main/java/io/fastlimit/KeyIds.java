package io.fastlimit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Turns identities (user ids, header values, addresses) into the last part of a key. Short ids of
 * plain characters are kept as they are, so keys stay readable in {@code redis-cli}; anything long
 * or with characters that could break a key or a Redis Cluster hash tag (braces, spaces, control
 * characters, non-ASCII) is replaced by a digest, so a key is always short and well-formed.
 */
final class KeyIds {

    /** Ids up to this length are kept verbatim when their characters are safe. */
    static final int MAX_VERBATIM_LENGTH = 64;

    /** Marks a digest; never a safe character, so a verbatim id cannot look like one. */
    private static final char DIGEST_MARK = '~';

    private KeyIds() {
    }

    /** {@code id} itself when short and plain, else {@code ~} and 22 characters of its SHA-256. */
    static String of(String id) {
        if (id.length() <= MAX_VERBATIM_LENGTH && isPlain(id)) {
            return id;
        }
        byte[] digest = sha256().digest(id.getBytes(StandardCharsets.UTF_8));
        // 16 bytes (128 bits) are plenty to keep distinct clients apart
        return DIGEST_MARK + Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(digest, 16));
    }

    private static boolean isPlain(String id) {
        if (id.isEmpty()) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '-' || c == '_' || c == '@' || c == ':' || c == '+' || c == '=';
            if (!plain) {
                return false;
            }
        }
        return true;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
