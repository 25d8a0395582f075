package io.fastlimit;

import io.fastlimit.backends.BackendUrls;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The limiter's settings written as text and known by name, as configuration files and the
 * environment hold them: the one parser behind {@link FastLimit.Builder#set(String, String)},
 * {@link FastLimit.Builder#env(Map)}, {@code web.xml} init-params and any other configuration source.
 * {@link FastLimit.Builder} stays the typed API; this class only turns text into its calls.
 *
 * <table>
 *   <caption>Settings by name</caption>
 *   <tr><th>name</th><th>variable</th><th>values</th></tr>
 *   <tr><td>{@code redis-url}</td><td>{@code FASTLIMIT_REDIS_URL}</td><td>{@link FastLimit.Builder#redisUrl}</td></tr>
 *   <tr><td>{@code algorithm}</td><td>{@code FASTLIMIT_ALGORITHM}</td><td>{@code sliding_window},
 *       {@code fixed_window}, {@code token_bucket}, {@code sliding_window_counter}</td></tr>
 *   <tr><td>{@code key-prefix}</td><td>{@code FASTLIMIT_KEY_PREFIX}</td><td>{@link FastLimit.Builder#keyPrefix}</td></tr>
 *   <tr><td>{@code headers}</td><td>{@code FASTLIMIT_HEADERS}</td><td>{@code x-ratelimit}, {@code ietf}, {@code none}</td></tr>
 *   <tr><td>{@code dry-run}</td><td>{@code FASTLIMIT_DRY_RUN}</td><td>{@code true}/{@code false} (also
 *       1/0, yes/no, on/off)</td></tr>
 *   <tr><td>{@code exempt-ips}</td><td>{@code FASTLIMIT_EXEMPT_IPS}</td><td>addresses and CIDR ranges
 *       separated by commas or spaces</td></tr>
 *   <tr><td>{@code trusted-proxies}</td><td>{@code FASTLIMIT_TRUSTED_PROXIES}</td><td>a number of hops
 *       ({@link FastLimit.Builder#trustedProxies(int)}), or addresses and CIDR ranges separated by commas
 *       or spaces ({@link FastLimit.Builder#trustedProxies(String...)})</td></tr>
 *   <tr><td>{@code client-ip-header}</td><td>{@code FASTLIMIT_CLIENT_IP_HEADER}</td><td>{@code X-Forwarded-For}
 *       or {@code Forwarded}</td></tr>
 *   <tr><td>{@code ipv6-prefix}</td><td>{@code FASTLIMIT_IPV6_PREFIX}</td><td>a prefix length, {@code 64}
 *       or {@code /64} ({@link FastLimit.Builder#ipv6Prefix})</td></tr>
 *   <tr><td>{@code failure-policy}</td><td>{@code FASTLIMIT_FAILURE_POLICY}</td><td>{@code open},
 *       {@code closed}, {@code local}</td></tr>
 *   <tr><td>{@code limits-file}</td><td>{@code FASTLIMIT_LIMITS_FILE}</td><td>the path of a limits file
 *       ({@link FastLimit.Builder#limitsFile})</td></tr>
 * </table>
 *
 * <p>Every error is an {@link IllegalArgumentException} whose message says what is accepted; callers
 * prefix it with where the value came from (a variable, an init-param).
 */
public final class FastLimitSettings {

    public static final String REDIS_URL = "redis-url";
    public static final String ALGORITHM = "algorithm";
    public static final String KEY_PREFIX = "key-prefix";
    public static final String HEADERS = "headers";
    public static final String DRY_RUN = "dry-run";
    public static final String EXEMPT_IPS = "exempt-ips";
    public static final String TRUSTED_PROXIES = "trusted-proxies";
    public static final String CLIENT_IP_HEADER = "client-ip-header";
    public static final String IPV6_PREFIX = "ipv6-prefix";
    public static final String FAILURE_POLICY = "failure-policy";
    public static final String LIMITS_FILE = "limits-file";

    /** Every setting, in the order the environment is read and messages list them. */
    public static final List<String> NAMES = List.of(REDIS_URL, ALGORITHM, KEY_PREFIX, HEADERS, DRY_RUN, EXEMPT_IPS,
            TRUSTED_PROXIES, CLIENT_IP_HEADER, IPV6_PREFIX, FAILURE_POLICY, LIMITS_FILE);

    private static final String ENV_PREFIX = "FASTLIMIT_";

    private FastLimitSettings() {
    }

    /** The environment variable of a setting: {@code key-prefix} → {@code FASTLIMIT_KEY_PREFIX}. */
    public static String envVariable(String name) {
        return ENV_PREFIX + name.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /**
     * Applies setting {@code name}, written as text, to {@code builder}; the value is trimmed.
     *
     * @throws IllegalArgumentException for an unknown name, or a value, saying what is accepted
     */
    static FastLimit.Builder apply(FastLimit.Builder builder, String name, String value) {
        String v = value == null ? "" : value.trim();
        return switch (name) {
            case REDIS_URL -> builder.redisUrl(v);
            case ALGORITHM -> builder.algorithm(Algorithm.parse(v));
            case KEY_PREFIX -> builder.keyPrefix(v);
            case HEADERS -> builder.headers(HeaderStyle.parse(v));
            case DRY_RUN -> builder.dryRun(parseBoolean(v));
            case EXEMPT_IPS -> builder.exemptIps(splitList(v));
            case TRUSTED_PROXIES -> isWholeNumber(v) ? builder.trustedProxies(parseHops(v))
                    : builder.trustedProxies(parseProxyRanges(v));
            case CLIENT_IP_HEADER -> builder.clientIpHeader(v);
            case IPV6_PREFIX -> builder.ipv6Prefix(parsePrefixLength(v));
            case FAILURE_POLICY -> builder.failurePolicy(FailurePolicy.parse(v));
            case LIMITS_FILE -> builder.limitsFile(parsePath(v));
            default -> throw new IllegalArgumentException("Unknown setting '" + name + "': expected one of " + NAMES);
        };
    }

    /**
     * Applies the {@code FASTLIMIT_*} variables found in {@code env} to {@code builder}; variables
     * unset or blank keep what the builder has.
     *
     * @throws IllegalArgumentException naming the variable and its value (a Redis password redacted)
     */
    static FastLimit.Builder applyEnv(FastLimit.Builder builder, Map<String, String> env) {
        for (String name : NAMES) {
            String variable = envVariable(name);
            String value = env.get(variable);
            if (value != null && !value.isBlank()) {
                try {
                    apply(builder, name, value);
                } catch (IllegalArgumentException e) {
                    String shown = name.equals(REDIS_URL) ? BackendUrls.redact(value.trim()) : value.trim();
                    throw new IllegalArgumentException("Invalid " + variable + "='" + shown + "': " + e.getMessage(), e);
                }
            }
        }
        return builder;
    }

    /**
     * A yes-or-no setting as configuration text writes it: {@code true}/{@code false}, {@code 1}/{@code 0},
     * {@code yes}/{@code no}, {@code on}/{@code off}, in any case.
     *
     * @throws IllegalArgumentException for anything else
     */
    public static boolean parseBoolean(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw new IllegalArgumentException("expected true or false");
        };
    }

    private static java.nio.file.Path parsePath(String value) {
        if (value.isEmpty()) {
            throw new IllegalArgumentException("expected the path of a limits file, such as /etc/myapp/limits.properties");
        }
        try {
            return java.nio.file.Path.of(value);
        } catch (java.nio.file.InvalidPathException e) {
            throw new IllegalArgumentException("expected the path of a limits file, such as /etc/myapp/limits.properties", e);
        }
    }

    private static boolean isWholeNumber(String value) {
        return value.matches("[+-]?[0-9]+");
    }

    private static int parseHops(String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a number of proxy hops from 0 to " + ClientIpResolver.MAX_HOPS);
        }
    }

    /** The entries of a list of proxies, each checked, so a bad one is reported with what else is accepted. */
    private static List<String> parseProxyRanges(String value) {
        List<String> entries = splitList(value);
        for (String entry : entries) {
            try {
                IpRange.parse(entry);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("expected a number of proxy hops from 0 to "
                        + ClientIpResolver.MAX_HOPS + ", or the addresses and CIDR ranges of your proxies such as"
                        + " 10.0.0.0/8, 192.168.1.5: " + e.getMessage(), e);
            }
        }
        return entries;
    }

    private static int parsePrefixLength(String value) {
        String digits = value.startsWith("/") ? value.substring(1) : value;
        if (!digits.matches("[0-9]{1,3}")) {
            throw new IllegalArgumentException("expected a prefix length such as 64 or /64");
        }
        return Integer.parseInt(digits);
    }

    /** Items separated by commas, white space or both. */
    private static List<String> splitList(String value) {
        List<String> items = new ArrayList<>();
        for (String item : value.split("[,\\s]+")) {
            if (!item.isEmpty()) {
                items.add(item);
            }
        }
        return items;
    }
}
