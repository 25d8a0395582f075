package io.fastlimit.micrometer;

import io.fastlimit.FastLimit;
import io.fastlimit.backends.Backend;
import io.fastlimit.backends.CircuitBreakingBackend;
import io.fastlimit.backends.memory.MemoryBackend;
import io.fastlimit.event.RateLimitListener;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Micrometer meters for a {@link FastLimit} limiter: what it decided, per rule, scope and outcome;
 * how long its backend took; whether the backend's circuit is open; how many keys the memory
 * backend holds. One line binds them:
 *
 * <pre>{@code
 * FastLimitMetrics.bindTo(registry, limiter);
 * }</pre>
 *
 * or, where the application collects {@link MeterBinder}s (Spring Boot), {@code new FastLimitMetrics(limiter)}.
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>counts</th></tr>
 *   <tr><td>{@value #DECISIONS}</td><td>counter</td><td>rule, scope, outcome</td>
 *       <td>buckets consulted (and exempt requests), by outcome: {@code allowed}, {@code blocked},
 *       {@code would_have_blocked}, {@code exempt}</td></tr>
 *   <tr><td>{@value #BACKEND_CALLS}</td><td>timer</td><td>backend, result</td>
 *       <td>each backend check, {@code result} {@code success} or {@code failure}</td></tr>
 *   <tr><td>{@value #FAILURE_POLICY_DECISIONS}</td><td>counter</td><td>rule, policy, cause</td>
 *       <td>checks the failure policy answered because the backend failed; {@code cause} is the
 *       error's class simple name</td></tr>
 *   <tr><td>{@value #CIRCUIT_OPEN}</td><td>gauge</td><td>backend</td>
 *       <td>1 while the backend's circuit is open, else 0 (backends with a circuit only)</td></tr>
 *   <tr><td>{@value #CIRCUIT_CHANGES}</td><td>counter</td><td>backend, state</td>
 *       <td>the circuit opening ({@code open}) and closing ({@code closed})</td></tr>
 *   <tr><td>{@value #MEMORY_KEYS}, {@value #MEMORY_BYTES}</td><td>gauges</td><td></td>
 *       <td>keys and bytes a {@link MemoryBackend} holds</td></tr>
 * </table>
 *
 * <p>Tags stay bounded whatever the traffic: no tag ever holds a client's address, user or key.
 * Rule names come from configuration; should an application build rules with names of its own
 * per request, past {@value #MAX_RULE_TAGS} distinct names the rest are tagged {@value #OTHER_RULE}.
 *
 * <p>Binding adds a listener to the limiter ({@link FastLimit#addListener}); binding one limiter
 * to one registry twice binds it once. A limiter bound to no registry pays nothing. Thread-safe.
 */
public final class FastLimitMetrics implements MeterBinder {

    public static final String DECISIONS = "fastlimit.decisions";
    public static final String BACKEND_CALLS = "fastlimit.backend.calls";
    public static final String FAILURE_POLICY_DECISIONS = "fastlimit.failure.policy.decisions";
    public static final String CIRCUIT_OPEN = "fastlimit.circuit.open";
    public static final String CIRCUIT_CHANGES = "fastlimit.circuit.changes";
    public static final String MEMORY_KEYS = "fastlimit.memory.keys";
    public static final String MEMORY_BYTES = "fastlimit.memory.bytes";

    /** Distinct rule names tagged at most; configuration never comes near it. */
    public static final int MAX_RULE_TAGS = 1_000;
    /** The rule tag of names past {@link #MAX_RULE_TAGS}. */
    public static final String OTHER_RULE = "_other";

    /** Binding is rare: one lock keeps two binders of one limiter and registry from both adding a listener. */
    private static final Object BIND_LOCK = new Object();

    private final FastLimit limiter;
    private final Tags tags;
    private final List<MeterListener> bound = new ArrayList<>();

    /** A binder of {@code limiter}'s meters, for a registry that calls {@link #bindTo(MeterRegistry)}. */
    public FastLimitMetrics(FastLimit limiter) {
        this(limiter, Tags.empty());
    }

    /**
     * Like {@link #FastLimitMetrics(FastLimit)}, adding {@code tags} to every meter: to tell apart
     * several limiters in one registry ({@code Tags.of("limiter", "public-api")}).
     */
    public FastLimitMetrics(FastLimit limiter, Iterable<Tag> tags) {
        this.limiter = Objects.requireNonNull(limiter, "limiter");
        this.tags = Tags.of(tags);
    }

    /** Binds {@code limiter}'s meters to {@code registry}; returns the binder, to {@link #close()} it. */
    public static FastLimitMetrics bindTo(MeterRegistry registry, FastLimit limiter) {
        FastLimitMetrics metrics = new FastLimitMetrics(limiter);
        metrics.bindTo(registry);
        return metrics;
    }

    /** Binds {@code limiter}'s meters to Micrometer's {@link Metrics#globalRegistry}: what the servlet filter's {@code metrics} init-param does. */
    public static FastLimitMetrics bindToGlobalRegistry(FastLimit limiter) {
        return bindTo(Metrics.globalRegistry, limiter);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        synchronized (BIND_LOCK) {
            for (RateLimitListener listener : limiter.listeners()) {
                if (listener instanceof MeterListener meters && meters.registry == registry) {
                    return; // bound already: counting twice would double every figure
                }
            }
            Backend backend = limiter.backend();
            String backendName = backend.getClass().getSimpleName();
            MeterListener listener = new MeterListener(registry, tags, backendName);
            registerGauges(registry, backend, backendName);
            limiter.addListener(listener);
            synchronized (bound) {
                bound.add(listener);
            }
        }
    }

    private void registerGauges(MeterRegistry registry, Backend backend, String backendName) {
        if (backend instanceof CircuitBreakingBackend circuit) {
            Gauge.builder(CIRCUIT_OPEN, circuit, c -> c.isCircuitOpen() ? 1 : 0)
                    .description("1 while the rate-limit backend's circuit is open: checks go to the failure policy at once")
                    .tags(tags).tag("backend", backendName)
                    .register(registry);
        }
        if (backend instanceof MemoryBackend memory) {
            Gauge.builder(MEMORY_KEYS, memory, MemoryBackend::size)
                    .description("Keys the rate limiter's memory backend holds")
                    .tags(tags)
                    .register(registry);
            Gauge.builder(MEMORY_BYTES, memory, MemoryBackend::bytesHeld)
                    .description("Bytes the rate limiter's memory backend holds, as it counts them against its budget")
                    .baseUnit(BaseUnits.BYTES)
                    .tags(tags)
                    .register(registry);
        }
    }

    /** Stops counting: removes this binder's listeners from the limiter. The meters stay in their registries. */
    public void close() {
        synchronized (bound) {
            bound.forEach(limiter::removeListener);
            bound.clear();
        }
    }
}
