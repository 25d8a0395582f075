package io.fastlimit.backends;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Backend URLs as configuration gives them ({@code redis://user:secret@host:6379/0}): their scheme,
 * and the form safe to print. Every message and log line that shows a backend URL goes through
 * {@link #redact(String)}, so no password reaches a log.
 */
public final class BackendUrls {

    /** Secrets a URL's query may carry, such as {@code sslTruststorePassword=…}. */
    private static final Pattern SECRET_PARAMETER = Pattern.compile("(?i)([?&][^=&]*password=)[^&#]*");

    private BackendUrls() {
    }

    /**
     * {@code url} with its password and any {@code …password=} query parameter replaced by
     * {@code ***}: {@code redis://user:secret@host} → {@code redis://user:***@host},
     * {@code redis://secret@host} → {@code redis://***@host}. A password that itself holds {@code @}
     * or {@code :} is hidden whole. Null stays null.
     */
    public static String redact(String url) {
        if (url == null) {
            return null;
        }
        String result = url;
        int schemeEnd = url.indexOf("://");
        if (schemeEnd >= 0) {
            int authorityStart = schemeEnd + 3;
            int queryStart = url.indexOf('?', authorityStart);
            int searchEnd = queryStart >= 0 ? queryStart : url.length();
            int at = url.lastIndexOf('@', searchEnd - 1);
            if (at >= authorityStart) {
                String userInfo = url.substring(authorityStart, at);
                int colon = userInfo.indexOf(':');
                String shown = colon >= 0 ? userInfo.substring(0, colon + 1) + "***" : "***";
                result = url.substring(0, authorityStart) + shown + url.substring(at);
            }
        }
        return SECRET_PARAMETER.matcher(result).replaceAll("$1***");
    }

    /** The scheme of {@code url} in lower case ({@code redis}, {@code rediss}, {@code redis-sentinel}), or "" without one. */
    public static String scheme(String url) {
        int schemeEnd = url == null ? -1 : url.indexOf("://");
        return schemeEnd <= 0 ? "" : url.substring(0, schemeEnd).trim().toLowerCase(Locale.ROOT);
    }
}
