package io.fastlimit.servlet;

import jakarta.servlet.Filter;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A filter a test puts in front of the test servlets, the same way on every container: an instance,
 * its name and init-params, one URL pattern, every dispatch type, async supported. Filters come after
 * the auth filter, in the order given.
 */
record TestFilter(String name, Filter filter, Map<String, String> initParams, String urlPattern) {

    private static int unnamed;

    /** {@code filter} on every path, under a name of its own. */
    static TestFilter everywhere(Filter filter) {
        return on("/*", filter);
    }

    /** {@code filter} on {@code urlPattern}, under a name of its own. */
    static synchronized TestFilter on(String urlPattern, Filter filter) {
        return new TestFilter("filter-" + ++unnamed, filter, Map.of(), urlPattern);
    }

    /** This filter with one more init-param. */
    TestFilter initParam(String name, String value) {
        Map<String, String> params = new LinkedHashMap<>(initParams);
        params.put(name, value);
        return new TestFilter(this.name, filter, Map.copyOf(params), urlPattern);
    }
}
