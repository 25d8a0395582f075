package io.fastlimit.spring;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code fastlimit.*} properties: the limiter's settings, read as text by the core's
 * {@link io.fastlimit.FastLimitSettings} (the same names and values as the {@code web.xml}
 * init-params and the {@code FASTLIMIT_*} variables), and the rules, each a servlet filter on its URL
 * patterns.
 *
 * <pre>{@code
 * fastlimit:
 *   trusted-proxies: 1
 *   rules:
 *     - name: hello
 *       url-patterns: /hello
 *       ip: 5/min
 * }</pre>
 *
 * A setting left out falls back to its {@code FASTLIMIT_*} environment variable, then to the
 * limiter's default. A bad value stops the application, with a message naming the property and the
 * value (a Redis password left out).
 */
@ConfigurationProperties(prefix = FastLimitProperties.PREFIX)
public class FastLimitProperties {

    static final String PREFIX = "fastlimit";

    /** Whether to create the limiter and the filters of the rules. */
    private boolean enabled = true;

    /**
     * Redis URL of the counters, such as redis://host:6379 or rediss://:password@host:6380/0; needs
     * fastlimit-redis. Unset: an application RedissonClient bean when there is one, else memory.
     */
    private String redisUrl;

    /** Algorithm of the rules that name none: sliding_window, fixed_window, token_bucket or sliding_window_counter. */
    private String algorithm;

    /** First part of every key (1 to 64 letters, digits or . _ - : /); default fastlimit. */
    private String keyPrefix;

    /** Rate-limit headers: x-ratelimit (default), ietf or none. */
    private String headers;

    /** Count and log, but never block: true or false (default). */
    private String dryRun;

    /** Clients never limited: addresses and CIDR ranges, separated by commas. */
    private String exemptIps;

    /**
     * Proxies of yours in front: their addresses and CIDR ranges (10.0.0.0/8, 192.168.1.5), or how many
     * append to X-Forwarded-For; default 0, which ignores that header.
     */
    private String trustedProxies;

    /** The header trusted proxies write: X-Forwarded-For (default) or Forwarded. */
    private String clientIpHeader;

    /** An IPv6 client is its network of this prefix length, 16 to 128; default 64. */
    private String ipv6Prefix;

    /** When the backend fails: open, closed or local (default: a limit in memory). */
    private String failurePolicy;

    /**
     * A limits file (properties: rule.NAME.ip=10/min, rule.NAME.plan.PLAN=..., rule.NAME.shadow=true)
     * that overrides the limits of rules by name, re-read when it changes; a bad edit keeps the limits
     * in force and logs the line.
     */
    private String limitsFile;

    /** The rules, each a FastLimitFilter on its URL patterns, in this order unless an order says otherwise. */
    private List<Rule> rules = new ArrayList<>();

    /** The limiter's Micrometer meters. */
    private final Metrics metrics = new Metrics();

    /** The limiter's meters, bound when fastlimit-micrometer and a MeterRegistry bean are there. */
    public static class Metrics {

        /** Whether to bind the limiter's meters (fastlimit.decisions and others) to the application's MeterRegistry. */
        private boolean enabled = true;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }

    /** One rule and the requests it applies to. */
    public static class Rule {

        /** Rule name, part of every key (1 to 128 letters, digits or . _ - /): keep it stable. */
        private String name;

        /** URL patterns of the servlet filter, such as /api/*; default /*. */
        private List<String> urlPatterns = new ArrayList<>(List.of("/*"));

        /** Rate per client IP, such as 100/min or 10/s;500/hour. */
        private String ip;

        /** Rate per signed-in user (the request's principal). */
        private String user;

        /** Rate per value of the request header header-name, such as an API key. */
        private String header;

        /** The header the header rate keys by, such as X-Api-Key; required with header. */
        private String headerName;

        /**
         * Name of a HeaderIdentityResolver bean that says which values of header-name are genuine, and
         * whose; without one, every value also counts against the ip rate.
         */
        private String headerResolver;

        /**
         * Rates per plan, such as pro: 10000/hour;500/min, for the callers plan-resolver puts on that
         * plan; a caller on no plan, or on another one, gets the rule's own rates.
         */
        private Map<String, String> plans = new LinkedHashMap<>();

        /** Name of a PlanResolver bean that says which plan a request's caller is on; required with plans. */
        private String planResolver;

        /** Whether the rule only logs (and reports) what it would have blocked, never blocking. */
        private boolean shadow;

        /** Whether the ip rate applies to every request, users and keys included. */
        private boolean ipCeiling;

        /**
         * Whether the filter lets go of the container's thread while the backend answers (Servlet async
         * processing); the request then reaches the application in an ASYNC dispatch. Worth it on
         * platform threads with Redis; see docs/servlet.md for what it changes.
         */
        private boolean async;

        /** Units each request consumes; at most the smallest limit. */
        private int cost = 1;

        /** Algorithm of this rule; default the limiter's. */
        private String algorithm;

        /**
         * Order of the filter among the application's servlet filters; default 0, after Spring Security
         * (-100) so the user is known. Rules of one order run as listed.
         */
        private int order;

        public Map<String, String> getPlans() {
            return plans;
        }

        public void setPlans(Map<String, String> plans) {
            this.plans = plans;
        }

        public String getPlanResolver() {
            return planResolver;
        }

        public void setPlanResolver(String planResolver) {
            this.planResolver = planResolver;
        }

        public boolean isShadow() {
            return shadow;
        }

        public boolean isAsync() {
            return async;
        }

        public void setAsync(boolean async) {
            this.async = async;
        }

        public void setShadow(boolean shadow) {
            this.shadow = shadow;
        }

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public List<String> getUrlPatterns() {
            return urlPatterns;
        }

        public void setUrlPatterns(List<String> urlPatterns) {
            this.urlPatterns = urlPatterns;
        }

        public String getIp() {
            return ip;
        }

        public void setIp(String ip) {
            this.ip = ip;
        }

        public String getUser() {
            return user;
        }

        public void setUser(String user) {
            this.user = user;
        }

        public String getHeader() {
            return header;
        }

        public void setHeader(String header) {
            this.header = header;
        }

        public String getHeaderName() {
            return headerName;
        }

        public void setHeaderName(String headerName) {
            this.headerName = headerName;
        }

        public String getHeaderResolver() {
            return headerResolver;
        }

        public void setHeaderResolver(String headerResolver) {
            this.headerResolver = headerResolver;
        }

        public boolean isIpCeiling() {
            return ipCeiling;
        }

        public void setIpCeiling(boolean ipCeiling) {
            this.ipCeiling = ipCeiling;
        }

        public int getCost() {
            return cost;
        }

        public void setCost(int cost) {
            this.cost = cost;
        }

        public String getAlgorithm() {
            return algorithm;
        }

        public void setAlgorithm(String algorithm) {
            this.algorithm = algorithm;
        }

        public int getOrder() {
            return order;
        }

        public void setOrder(int order) {
            this.order = order;
        }
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getLimitsFile() {
        return limitsFile;
    }

    public void setLimitsFile(String limitsFile) {
        this.limitsFile = limitsFile;
    }

    public String getRedisUrl() {
        return redisUrl;
    }

    public void setRedisUrl(String redisUrl) {
        this.redisUrl = redisUrl;
    }

    public String getAlgorithm() {
        return algorithm;
    }

    public void setAlgorithm(String algorithm) {
        this.algorithm = algorithm;
    }

    public String getKeyPrefix() {
        return keyPrefix;
    }

    public void setKeyPrefix(String keyPrefix) {
        this.keyPrefix = keyPrefix;
    }

    public String getHeaders() {
        return headers;
    }

    public void setHeaders(String headers) {
        this.headers = headers;
    }

    public String getDryRun() {
        return dryRun;
    }

    public void setDryRun(String dryRun) {
        this.dryRun = dryRun;
    }

    public String getExemptIps() {
        return exemptIps;
    }

    public void setExemptIps(String exemptIps) {
        this.exemptIps = exemptIps;
    }

    public String getTrustedProxies() {
        return trustedProxies;
    }

    public void setTrustedProxies(String trustedProxies) {
        this.trustedProxies = trustedProxies;
    }

    public String getClientIpHeader() {
        return clientIpHeader;
    }

    public void setClientIpHeader(String clientIpHeader) {
        this.clientIpHeader = clientIpHeader;
    }

    public String getIpv6Prefix() {
        return ipv6Prefix;
    }

    public void setIpv6Prefix(String ipv6Prefix) {
        this.ipv6Prefix = ipv6Prefix;
    }

    public String getFailurePolicy() {
        return failurePolicy;
    }

    public void setFailurePolicy(String failurePolicy) {
        this.failurePolicy = failurePolicy;
    }

    public Metrics getMetrics() {
        return metrics;
    }

    public List<Rule> getRules() {
        return rules;
    }

    public void setRules(List<Rule> rules) {
        this.rules = rules;
    }
}
