package io.fastlimit.rules;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A number of requests allowed per window of time, such as {@code 10/min} or {@code 3/5min}.
 *
 * <p>Rate strings have the form {@code LIMIT/[COUNT]UNIT}, case-insensitive, spaces ignored:
 * <ul>
 *   <li>units: {@code ms}; {@code s sec secs second seconds}; {@code m min mins minute minutes};
 *       {@code h hr hrs hour hours}; {@code d day days}</li>
 *   <li>examples: {@code 10/min}, {@code 3/5min}, {@code 10/2hours}, {@code 100/hour},
 *       {@code 1000/day}, {@code 5/s}, {@code 250/500ms}</li>
 *   <li>several rates that must all hold are joined by {@code ;}: {@code 10/s;500/hour}; each
 *       window may appear once ({@code 10/s;20/1000ms} is refused: one of the two would never
 *       matter)</li>
 * </ul>
 *
 * @param limit  requests allowed per window, at least 1
 * @param window the window, from 1 millisecond to {@link #MAX_WINDOW}
 */
public record Rate(long limit, Duration window) {

    /** The largest window accepted: one year keeps every time computation far from overflow. */
    public static final Duration MAX_WINDOW = Duration.ofDays(366);

    /** The largest limit accepted per window. */
    public static final long MAX_LIMIT = 1_000_000_000L;

    private static final String ACCEPTED = "expected LIMIT/[N]UNIT such as 10/min, 3/5min, 250/500ms"
            + " or several joined by ';' (10/s;500/hour), with units ms, s, sec(s), second(s), m, min(s),"
            + " minute(s), h, hr(s), hour(s), d, day(s)";

    public Rate {
        Objects.requireNonNull(window, "window");
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("Rate limit " + limit + " is out of range: expected 1 to " + MAX_LIMIT);
        }
        if (window.compareTo(Duration.ofMillis(1)) < 0 || window.compareTo(MAX_WINDOW) > 0) {
            throw new IllegalArgumentException("Rate window " + window + " is out of range: expected 1ms to 366 days");
        }
        if (window.toNanos() % 1_000_000 != 0) {
            throw new IllegalArgumentException("Rate window " + window + " must be a whole number of milliseconds");
        }
    }

    /** The window in milliseconds. */
    public long windowMillis() {
        return window.toMillis();
    }

    /**
     * Parses one rate or several joined by {@code ;}.
     *
     * @return the rates in the order written, never empty
     * @throws IllegalArgumentException quoting the string and saying what is accepted
     */
    public static List<Rate> parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("Invalid rate '" + spec + "': " + ACCEPTED);
        }
        List<Rate> rates = new ArrayList<>(2);
        for (String part : spec.split(";", -1)) {
            Rate rate = parseOne(part, spec);
            for (Rate earlier : rates) {
                if (earlier.window.equals(rate.window)) {
                    throw new IllegalArgumentException("Invalid rate '" + spec + "': " + earlier + " and " + rate
                            + " have the same window; write each window once, with the limit that should hold");
                }
            }
            rates.add(rate);
        }
        return List.copyOf(rates);
    }

    private static Rate parseOne(String part, String whole) {
        String s = part.replace(" ", "").replace("\t", "").toLowerCase(Locale.ROOT);
        int slash = s.indexOf('/');
        if (slash <= 0 || slash != s.lastIndexOf('/') || slash == s.length() - 1) {
            throw invalid(whole);
        }
        long limit = parseNumber(s.substring(0, slash), whole);
        String period = s.substring(slash + 1);
        int unitStart = 0;
        while (unitStart < period.length() && period.charAt(unitStart) >= '0' && period.charAt(unitStart) <= '9') {
            unitStart++;
        }
        long count = unitStart == 0 ? 1 : parseNumber(period.substring(0, unitStart), whole);
        long unitMs = unitMs(period.substring(unitStart), whole);
        if (limit < 1 || count < 1) {
            throw new IllegalArgumentException("Invalid rate '" + whole + "': limit and window must be positive; " + ACCEPTED);
        }
        if (count > MAX_WINDOW.toMillis() / unitMs) {
            throw new IllegalArgumentException("Invalid rate '" + whole + "': the window is longer than 366 days");
        }
        if (limit > MAX_LIMIT) {
            throw new IllegalArgumentException("Invalid rate '" + whole + "': the limit is larger than " + MAX_LIMIT);
        }
        return new Rate(limit, Duration.ofMillis(count * unitMs));
    }

    private static long parseNumber(String digits, String whole) {
        if (digits.isEmpty() || digits.length() > 18) {
            throw invalid(whole);
        }
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                throw invalid(whole);
            }
        }
        return Long.parseLong(digits);
    }

    private static long unitMs(String unit, String whole) {
        switch (unit) {
            case "ms":
                return 1L;
            case "s": case "sec": case "secs": case "second": case "seconds":
                return 1_000L;
            case "m": case "min": case "mins": case "minute": case "minutes":
                return 60_000L;
            case "h": case "hr": case "hrs": case "hour": case "hours":
                return 3_600_000L;
            case "d": case "day": case "days":
                return 86_400_000L;
            default:
                throw invalid(whole);
        }
    }

    private static IllegalArgumentException invalid(String whole) {
        return new IllegalArgumentException("Invalid rate '" + whole + "': " + ACCEPTED);
    }

    /** The rate as a rate string, for example {@code 3/5min} or {@code 250/500ms}. */
    @Override
    public String toString() {
        long ms = window.toMillis();
        if (ms % 86_400_000L == 0) {
            return limit + "/" + count(ms / 86_400_000L) + "day";
        }
        if (ms % 3_600_000L == 0) {
            return limit + "/" + count(ms / 3_600_000L) + "hour";
        }
        if (ms % 60_000L == 0) {
            return limit + "/" + count(ms / 60_000L) + "min";
        }
        if (ms % 1_000L == 0) {
            return limit + "/" + count(ms / 1_000L) + "s";
        }
        return limit + "/" + ms + "ms";
    }

    /** Several rates as one rate string: {@code 10/s;500/hour}. */
    public static String format(List<Rate> rates) {
        StringBuilder s = new StringBuilder();
        for (Rate rate : rates) {
            s.append(s.length() == 0 ? "" : ";").append(rate);
        }
        return s.toString();
    }

    private static String count(long n) {
        return n == 1 ? "" : Long.toString(n);
    }
}
