package io.fastlimit.micrometer;

import io.fastlimit.event.CircuitEvent;
import io.fastlimit.event.DecisionEvent;
import io.fastlimit.event.FailurePolicyEvent;
import io.fastlimit.event.RateLimitListener;
import io.fastlimit.rules.Scope;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The listener that turns one limiter's events into meters of one registry. Meters are looked up
 * once and kept: a decision costs a map lookup by rule name, an array read and an increment, and
 * no allocation once its counter exists. Thread-safe.
 */
final class MeterListener implements RateLimitListener {

    private static final Scope[] SCOPES = Scope.values();
    private static final DecisionEvent.Outcome[] OUTCOMES = DecisionEvent.Outcome.values();

    final MeterRegistry registry;
    private final Tags tags;
    /** Per rule name, the counter of each scope and outcome, registered at first use. */
    private final ConcurrentHashMap<String, AtomicReferenceArray<Counter>> decisions = new ConcurrentHashMap<>();
    /** Per rule, policy and cause: few, and only while the backend fails. */
    private final ConcurrentHashMap<String, Counter> policyDecisions = new ConcurrentHashMap<>();
    private final Timer backendSuccess;
    private final Timer backendFailure;
    private final Counter circuitOpened;
    private final Counter circuitClosed;

    MeterListener(MeterRegistry registry, Tags tags, String backendName) {
        this.registry = registry;
        this.tags = tags;
        this.backendSuccess = backendTimer(backendName, "success");
        this.backendFailure = backendTimer(backendName, "failure");
        this.circuitOpened = circuitCounter(backendName, "open");
        this.circuitClosed = circuitCounter(backendName, "closed");
    }

    private Timer backendTimer(String backendName, String result) {
        return Timer.builder(FastLimitMetrics.BACKEND_CALLS)
                .description("Rate-limit checks sent to the backend, and how long each took")
                .tags(tags).tag("backend", backendName).tag("result", result)
                .register(registry);
    }

    private Counter circuitCounter(String backendName, String state) {
        return Counter.builder(FastLimitMetrics.CIRCUIT_CHANGES)
                .description("Times the rate-limit backend's circuit opened or closed")
                .tags(tags).tag("backend", backendName).tag("state", state)
                .register(registry);
    }

    /** The backend timer needs the calls timed. */
    @Override
    public boolean timesBackend() {
        return true;
    }

    @Override
    public void onDecision(DecisionEvent event) {
        String rule = boundedRule(event.ruleName());
        AtomicReferenceArray<Counter> row = decisions.get(rule);
        if (row == null) {
            row = decisions.computeIfAbsent(rule, name -> new AtomicReferenceArray<>(SCOPES.length * OUTCOMES.length));
        }
        int index = event.scope().ordinal() * OUTCOMES.length + event.outcome().ordinal();
        Counter counter = row.get(index);
        if (counter == null) {
            // a race registers the same meter twice, and the registry answers the same counter both times
            counter = Counter.builder(FastLimitMetrics.DECISIONS)
                    .description("Rate-limit decisions: buckets consulted, and exempt requests")
                    .tags(tags).tag("rule", rule).tag("scope", event.scope().keyPart())
                    .tag("outcome", event.outcome().tagValue())
                    .register(registry);
            row.set(index, counter);
        }
        counter.increment();
        if (event.backendNanos() >= 0) {
            (event.decidedByFailurePolicy() ? backendFailure : backendSuccess)
                    .record(event.backendNanos(), TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void onFailurePolicy(FailurePolicyEvent event) {
        String rule = boundedRule(event.ruleName());
        String policy = event.policy().name().toLowerCase(java.util.Locale.ROOT);
        String cause = event.causeType();
        policyDecisions.computeIfAbsent(rule + '\u0000' + policy + '\u0000' + cause,
                        id -> Counter.builder(FastLimitMetrics.FAILURE_POLICY_DECISIONS)
                                .description("Rate-limit checks the failure policy answered because the backend failed")
                                .tags(tags).tag("rule", rule).tag("policy", policy).tag("cause", cause)
                                .register(registry))
                .increment();
    }

    @Override
    public void onCircuit(CircuitEvent event) {
        (event.open() ? circuitOpened : circuitClosed).increment();
    }

    /** The rule tag: the name, or {@link FastLimitMetrics#OTHER_RULE} once too many names were seen. */
    private String boundedRule(String ruleName) {
        if (decisions.size() >= FastLimitMetrics.MAX_RULE_TAGS && !decisions.containsKey(ruleName)) {
            return FastLimitMetrics.OTHER_RULE;
        }
        return ruleName;
    }
}
