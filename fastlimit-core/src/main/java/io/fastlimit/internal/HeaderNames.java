package io.fastlimit.internal;

import java.util.regex.Pattern;

/** The check of every header name fastlimit is configured with: a request header it reads or a response header it writes. */
public final class HeaderNames {

    /** An RFC 9110 token of 1 to 256 characters. */
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z\\-]{1,256}");

    private HeaderNames() {
    }

    /** Whether {@code name} is an HTTP header name; {@code false} for {@code null}. */
    public static boolean isValid(String name) {
        return name != null && TOKEN.matcher(name).matches();
    }
}
