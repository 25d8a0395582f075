package io.fastlimit.servlet;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A filter a test puts in front of the test servlets, the same way on every container: an instance,
 * its name and init-params, one URL pattern, the dispatch types it is mapped for (every one unless
 * the test says otherwise), async supported (unless the test says otherwise). Filters come after the
 * auth filter, in the order given.
 */
record TestFilter(String name, Filter filter, Map<String, String> initParams, String urlPattern,
                  Set<DispatcherType> dispatches, boolean asyncSupported) {

    private static int unnamed;

    /** {@code filter} on every path, under a name of its own. */
    static TestFilter everywhere(Filter filter) {
        return on("/*", filter);
    }

    /** {@code filter} on {@code urlPattern}, under a name of its own. */
    static synchronized TestFilter on(String urlPattern, Filter filter) {
        return new TestFilter("filter-" + ++unnamed, filter, Map.of(), urlPattern, TestContainer.ALL_DISPATCHES, true);
    }

    /** This filter with one more init-param. */
    TestFilter initParam(String name, String value) {
        Map<String, String> params = new LinkedHashMap<>(initParams);
        params.put(name, value);
        return new TestFilter(this.name, filter, Map.copyOf(params), urlPattern, dispatches, asyncSupported);
    }

    /** This filter mapped for {@code first} and {@code others} only. */
    TestFilter onlyFor(DispatcherType first, DispatcherType... others) {
        return new TestFilter(name, filter, initParams, urlPattern, EnumSet.of(first, others), asyncSupported);
    }

    /** This filter declared not async-supported, so no request that passes it can start async processing. */
    TestFilter notAsyncSupported() {
        return new TestFilter(name, filter, initParams, urlPattern, dispatches, false);
    }
}
