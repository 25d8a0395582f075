package io.fastlimit.servlet;

import io.fastlimit.FastLimit;

import java.lang.reflect.InvocationTargetException;

/**
 * The {@code metrics} init-param: binds the webapp's limiter to Micrometer's global registry
 * through {@code io.fastlimit:fastlimit-micrometer}, found by name, so that this module needs
 * neither Micrometer nor that module unless a webapp asks for meters.
 */
final class MetricsBinding {

    static final String BINDER_CLASS = "io.fastlimit.micrometer.FastLimitMetrics";
    private static final String MICROMETER_CLASS = "io.micrometer.core.instrument.Metrics";

    private MetricsBinding() {
    }

    /**
     * Binds {@code limiter}'s meters to {@code Metrics.globalRegistry}.
     *
     * @throws IllegalArgumentException naming the init-param when Micrometer or fastlimit-micrometer is missing
     */
    static void bindToGlobalRegistry(String filterName, FastLimit limiter) {
        if (find(MICROMETER_CLASS) == null) {
            throw missing(filterName, "Micrometer is not on the class path: add io.micrometer:micrometer-core and"
                    + " io.fastlimit:fastlimit-micrometer to the webapp");
        }
        Class<?> binder = find(BINDER_CLASS);
        if (binder == null) {
            throw missing(filterName, "fastlimit-micrometer is not on the class path: add"
                    + " io.fastlimit:fastlimit-micrometer to the webapp");
        }
        try {
            binder.getMethod("bindToGlobalRegistry", FastLimit.class).invoke(null, limiter);
        } catch (InvocationTargetException e) {
            throw missing(filterName, "binding the meters failed: " + e.getCause());
        } catch (ReflectiveOperationException | LinkageError e) {
            throw missing(filterName, "the fastlimit-micrometer on the class path does not match this"
                    + " fastlimit-servlet (" + e + ")");
        }
    }

    /** The class, from this module's loader or else the webapp's, or null when neither has it. */
    private static Class<?> find(String name) {
        for (ClassLoader loader : new ClassLoader[] {MetricsBinding.class.getClassLoader(),
                Thread.currentThread().getContextClassLoader()}) {
            if (loader == null) {
                continue;
            }
            try {
                return Class.forName(name, true, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                // try the next loader
            }
        }
        return null;
    }

    private static IllegalArgumentException missing(String filterName, String why) {
        return new IllegalArgumentException("Init-param " + FilterSettings.METRICS + " of filter '"
                + filterName + "' asks for meters, but " + why);
    }
}
