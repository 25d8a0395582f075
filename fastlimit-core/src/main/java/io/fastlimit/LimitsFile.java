package io.fastlimit;

import io.fastlimit.internal.RuleNames;
import io.fastlimit.rules.RateLimitRule;
import io.fastlimit.rules.RuleLimits;
import io.fastlimit.rules.Scope;

import java.io.IOException;
import java.io.StringReader;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A limits file: new limits for rules declared elsewhere, by rule name, that an operator edits while
 * the application runs. A {@code java.util.Properties} file, UTF-8:
 *
 * <pre>
 * rule.api.ip=50/min
 * rule.api.plan.pro=10000/hour;500/min
 * rule.Reports.export.algorithm=token_bucket
 * rule.search.shadow=true
 * </pre>
 *
 * <p>Keys are {@code rule.<name>.ip}, {@code .user}, {@code .header} (rate strings), {@code .plan.<plan>}
 * (a rate string), {@code .algorithm} and {@code .shadow}. It is read when the limiter is built (a
 * missing or bad file fails the build) and again every {@link #DEFAULT_CHECK_INTERVAL} by a daemon
 * thread, which applies it only when its content changed. A file that does not parse, names a bad
 * rate, plan or algorithm, or gives a rule limits that do not fit it keeps the limits in force, and
 * the reason is logged with the line. Rule names that match no rule the limiter has seen are logged
 * once per content.
 *
 * <p>Thread-safe: reading and applying happen under this object's monitor.
 */
final class LimitsFile implements AutoCloseable {

    /** How often the daemon thread looks at the file: an edit takes effect within this. */
    static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofSeconds(5);

    private static final Logger LOG = System.getLogger(FastLimit.class.getName());

    private static final List<String> FIELDS = List.of("ip", "user", "header", "algorithm", "shadow");
    private static final String EXPECTED_KEYS = "expected rule.<name>.ip, .user, .header, .algorithm, .shadow"
            + " or .plan.<plan>";
    /** A {@code \\u} escape without its four hex digits, which {@code Properties} refuses. */
    private static final Pattern BAD_UNICODE_ESCAPE = Pattern.compile("(?<!\\\\)(\\\\\\\\)*\\\\u(?![0-9a-fA-F]{4})");

    private final Path path;
    private final RuleBindings rules;
    private final ScheduledExecutorService checker;
    /** Guarded by this: the content last read, applied or refused, so an unchanged file is not read twice. */
    private byte[] lastContent;
    /** Guarded by this: rule names of the current content already reported as unknown. */
    private final Set<String> reportedUnknown = new HashSet<>();

    /**
     * Reads {@code path} and applies it to {@code rules}, then checks it every {@code checkInterval}
     * (zero: never by itself).
     *
     * @throws IllegalArgumentException naming the file, and the line, when it is missing or bad
     */
    LimitsFile(Path path, RuleBindings rules, Duration checkInterval) {
        this.path = path;
        this.rules = rules;
        byte[] content;
        try {
            content = Files.readAllBytes(path);
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot read the limits file " + path + ": " + e, e);
        }
        rules.replaceAll(parse(path, new String(content, StandardCharsets.UTF_8)));
        lastContent = content;
        if (checkInterval.isZero()) {
            checker = null;
        } else {
            checker = Executors.newSingleThreadScheduledExecutor(task -> {
                Thread thread = new Thread(task, "fastlimit-limits-file");
                thread.setDaemon(true);
                return thread;
            });
            long ms = checkInterval.toMillis();
            checker.scheduleWithFixedDelay(() -> check(false), ms, ms, TimeUnit.MILLISECONDS);
        }
    }

    Path path() {
        return path;
    }

    /**
     * Reads the file and applies it when its content changed since last read, or always when
     * {@code force}; logs, once per content, rule names the limiter has not seen.
     *
     * @return whether the file's limits are in force: {@code false} when it cannot be read or is bad
     *         (logged; the limits in force stay)
     */
    synchronized boolean check(boolean force) {
        byte[] content;
        try {
            content = Files.readAllBytes(path);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "Cannot read the limits file " + path + " (" + e + "); the limits in force stay"
                    + " as they were");
            return false;
        }
        boolean changed = lastContent == null || !Arrays.equals(content, lastContent);
        if (changed) {
            reportedUnknown.clear();
        }
        if (changed || force) {
            lastContent = content;
            try {
                Map<String, RuleLimits> limits = parse(path, new String(content, StandardCharsets.UTF_8));
                rules.replaceAll(limits);
                LOG.log(Level.INFO, "Limits file " + path + " applied: " + describe(limits));
            } catch (IllegalArgumentException e) {
                LOG.log(Level.WARNING, e.getMessage() + "; the limits in force stay as they were");
                // the file is read again at the next change, and reported then
                return false;
            }
        }
        reportUnknownNames();
        return true;
    }

    private void reportUnknownNames() {
        Set<String> unknown = new TreeSet<>(rules.replaced().keySet());
        unknown.removeAll(rules.names());
        unknown.removeAll(reportedUnknown);
        if (!unknown.isEmpty()) {
            reportedUnknown.addAll(unknown);
            LOG.log(Level.WARNING, "Limits file " + path + " names rules this limiter has not seen: " + unknown
                    + "; their limits apply if such a rule appears, but check the names (rule names are"
                    + " case-sensitive: the filter name or name init-param, the resource or @RateLimit(name))");
        }
    }

    /** Rule name to its limits, in the order of the file: {@code api: ip=50/min; search: shadow=true}. */
    static String describe(Map<String, RuleLimits> limits) {
        if (limits.isEmpty()) {
            return "no rule (every rule has its declared limits)";
        }
        StringBuilder s = new StringBuilder();
        limits.forEach((name, ruleLimits) -> s.append(s.length() == 0 ? "" : "; ").append(name).append(": ")
                .append(ruleLimits));
        return s.toString();
    }

    @Override
    public void close() {
        if (checker != null) {
            checker.shutdownNow();
        }
    }

    /**
     * The limits of a limits file's content, by rule name in the order of the file.
     *
     * @throws IllegalArgumentException naming the file, the line and what is accepted
     */
    static Map<String, RuleLimits> parse(Path file, String text) {
        String[] lines = text.split("\r\n|\r|\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (BAD_UNICODE_ESCAPE.matcher(lines[i]).find()) {
                throw error(file, i + 1, lines[i].strip(), "a \\u escape needs four hex digits");
            }
        }
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(text));
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("Limits file " + file + " does not parse: " + e.getMessage(), e);
        }
        Map<String, Integer> lineOfKey = lineOfKey(file, lines);
        Map<String, RuleLimits.Builder> builders = new LinkedHashMap<>();
        List<String> keys = properties.stringPropertyNames().stream()
                .sorted((a, b) -> Integer.compare(lineOfKey.getOrDefault(a, 0), lineOfKey.getOrDefault(b, 0)))
                .toList();
        for (String key : keys) {
            String value = properties.getProperty(key).trim();
            int line = lineOfKey.getOrDefault(key, 0);
            try {
                apply(key, value, builders);
            } catch (IllegalArgumentException e) {
                throw error(file, line, key + "=" + value, e.getMessage());
            }
        }
        Map<String, RuleLimits> limits = new LinkedHashMap<>();
        builders.forEach((name, builder) -> limits.put(name, builder.build()));
        return limits;
    }

    /** Reads one entry into the limits of its rule. */
    private static void apply(String key, String value, Map<String, RuleLimits.Builder> builders) {
        if (!key.startsWith("rule.")) {
            throw new IllegalArgumentException("unknown key: " + EXPECTED_KEYS);
        }
        String rest = key.substring("rule.".length());
        String ruleName = null;
        String field = null;
        for (String candidate : FIELDS) {
            if (rest.endsWith("." + candidate)) {
                ruleName = rest.substring(0, rest.length() - candidate.length() - 1);
                field = candidate;
                break;
            }
        }
        String plan = null;
        if (field == null) {
            int dot = rest.lastIndexOf('.');
            if (dot > 0 && rest.substring(0, dot).endsWith(".plan")) {
                plan = rest.substring(dot + 1);
                ruleName = rest.substring(0, dot - ".plan".length());
                field = "plan";
            } else {
                throw new IllegalArgumentException("unknown key: " + EXPECTED_KEYS);
            }
        }
        if (!RuleNames.isValid(ruleName)) {
            throw new IllegalArgumentException("invalid rule name '" + ruleName
                    + "': expected 1 to 128 letters, digits or . _ - /");
        }
        if (value.isEmpty()) {
            throw new IllegalArgumentException("no value");
        }
        RuleLimits.Builder limits = builders.computeIfAbsent(ruleName, name -> RuleLimits.builder());
        switch (field) {
            case "ip" -> limits.rates(Scope.IP, value);
            case "user" -> limits.rates(Scope.USER, value);
            case "header" -> limits.rates(Scope.HEADER, value);
            case "algorithm" -> limits.algorithm(Algorithm.parse(value));
            case "shadow" -> limits.shadow(FastLimitSettings.parseBoolean(value));
            default -> {
                if (!RateLimitRule.isValidPlanName(plan)) {
                    throw new IllegalArgumentException("invalid plan name '" + plan
                            + "': expected 1 to 64 letters, digits, _ or -");
                }
                limits.plan(plan, value);
            }
        }
    }

    /**
     * The line of each key, for messages ({@code Properties} keeps none): the key of a line is its text
     * up to the first {@code =}, {@code :} or blank, as {@code Properties} reads keys without escapes.
     *
     * @throws IllegalArgumentException for a key set on two lines
     */
    private static Map<String, Integer> lineOfKey(Path file, String[] lines) {
        Map<String, Integer> lineOf = new HashMap<>();
        boolean continued = false;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].stripLeading();
            boolean startsEntry = !continued && !line.isEmpty() && line.charAt(0) != '#' && line.charAt(0) != '!';
            continued = (continued || startsEntry) && endsWithOddBackslashes(lines[i]);
            if (!startsEntry) {
                continue;
            }
            int end = 0;
            while (end < line.length() && "=: \t\f".indexOf(line.charAt(end)) < 0) {
                end++;
            }
            String key = line.substring(0, end);
            Integer first = lineOf.putIfAbsent(key, i + 1);
            if (first != null) {
                throw error(file, i + 1, line.strip(), key + " is set again (first on line " + first
                        + "); set each key once");
            }
        }
        return lineOf;
    }

    private static boolean endsWithOddBackslashes(String line) {
        int count = 0;
        for (int i = line.length() - 1; i >= 0 && line.charAt(i) == '\\'; i--) {
            count++;
        }
        return count % 2 == 1;
    }

    private static IllegalArgumentException error(Path file, int line, String entry, String why) {
        return new IllegalArgumentException("Limits file " + file + (line > 0 ? ", line " + line : "") + " ("
                + entry + "): " + why);
    }
}
