package io.fastlimit;

import io.fastlimit.backends.Backend;
import io.fastlimit.backends.BackendResult;
import io.fastlimit.backends.BackendUnavailableException;
import io.fastlimit.backends.memory.MemoryBackend;
import io.fastlimit.event.CircuitEvent;
import io.fastlimit.event.DecisionEvent;
import io.fastlimit.event.DecisionEvent.Outcome;
import io.fastlimit.event.FailurePolicyEvent;
import io.fastlimit.event.RateLimitListener;
import io.fastlimit.rules.BucketConfig;
import io.fastlimit.rules.RateLimitRule;
import io.fastlimit.rules.Scope;
import io.fastlimit.testing.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(QuietLogs.class)
class ListenerTest {

    private final ManualClock clock = new ManualClock();
    private final RateLimitRule rule = RateLimitRule.builder("api").ip("2/min").user("3/min").build();
    private final ClientRequest anonymous = ClientRequest.of("203.0.113.7");

    @Test
    void allowedThenBlockedCarryTheRuleScopeAndTheDecision() {
        Recorder recorder = new Recorder();
        try (FastLimit limiter = FastLimit.builder().clock(clock).listener(recorder).build()) {
            limiter.check(rule, anonymous);
            limiter.check(rule, anonymous);
            limiter.check(rule, anonymous);
        }
        assertThat(recorder.decisions).extracting(DecisionEvent::outcome)
                .containsExactly(Outcome.ALLOWED, Outcome.ALLOWED, Outcome.BLOCKED);
        DecisionEvent first = recorder.decisions.get(0);
        assertThat(first.ruleName()).isEqualTo("api");
        assertThat(first.scope()).isEqualTo(Scope.IP);
        assertThat(first.limit()).isEqualTo(2);
        assertThat(first.remaining()).isEqualTo(1);
        assertThat(first.cost()).isEqualTo(1);
        assertThat(first.backendNanos()).as("no listener asked for timing").isEqualTo(-1);
        assertThat(first.failurePolicy()).isNull();
        assertThat(first.key()).isEqualTo("fastlimit:api:ip:{203.0.113.7}");
        DecisionEvent blocked = recorder.decisions.get(2);
        assertThat(blocked.remaining()).isZero();
        assertThat(blocked.retryAfterMs()).isPositive();
    }

    @Test
    void backendCallsAreTimedOnlyForAListenerThatAsks() {
        Recorder untimed = new Recorder();
        Recorder timed = new Recorder() {
            @Override
            public boolean timesBackend() {
                return true;
            }
        };
        try (FastLimit limiter = FastLimit.builder().clock(clock).listener(untimed).build()) {
            limiter.check(rule, anonymous);
            limiter.addListener(timed);
            limiter.check(rule, anonymous);
            limiter.removeListener(timed);
            limiter.check(rule, anonymous);
        }
        assertThat(untimed.decisions).extracting(DecisionEvent::backendNanos)
                .satisfiesExactly(n -> assertThat(n).isEqualTo(-1), n -> assertThat(n).isNotNegative(),
                        n -> assertThat(n).isEqualTo(-1));
    }

    @Test
    void aUserIsReportedInTheUserScope() {
        Recorder recorder = new Recorder();
        try (FastLimit limiter = FastLimit.builder().clock(clock).listener(recorder).build()) {
            limiter.check(rule, ClientRequest.of("203.0.113.7", Map.of(), "alice"));
        }
        assertThat(recorder.decisions).singleElement().satisfies(event -> {
            assertThat(event.scope()).isEqualTo(Scope.USER);
            assertThat(event.limit()).isEqualTo(3);
        });
    }

    @Test
    void dryRunReportsWouldHaveBlocked() {
        Recorder recorder = new Recorder();
        try (FastLimit limiter = FastLimit.builder().clock(clock).dryRun(true).listener(recorder).build()) {
            for (int i = 0; i < 3; i++) {
                assertThat(limiter.check(rule, anonymous).allowed()).isTrue();
            }
        }
        assertThat(recorder.decisions).extracting(DecisionEvent::outcome)
                .containsExactly(Outcome.ALLOWED, Outcome.ALLOWED, Outcome.WOULD_HAVE_BLOCKED);
        assertThat(recorder.decisions.get(2).ruleName()).isEqualTo("api");
    }

    @Test
    void anExemptClientIsReportedWithoutAKey() {
        Recorder recorder = new Recorder();
        try (FastLimit limiter = FastLimit.builder().clock(clock).exemptIps("203.0.113.0/24").listener(recorder).build()) {
            limiter.check(rule, anonymous);
        }
        assertThat(recorder.decisions).singleElement().satisfies(event -> {
            assertThat(event.outcome()).isEqualTo(Outcome.EXEMPT);
            assertThat(event.ruleName()).isEqualTo("api");
            assertThat(event.key()).isNull();
            assertThat(event.backendNanos()).isEqualTo(-1);
        });
    }

    @ParameterizedTest
    @EnumSource(FailurePolicy.class)
    void theFailurePolicyIsReportedWithItsCause(FailurePolicy policy) {
        Recorder recorder = new Recorder();
        try (FastLimit limiter = FastLimit.builder().clock(clock).backend(new FailingBackend()).failurePolicy(policy)
                .listener(recorder).build()) {
            limiter.check(rule, anonymous);
        }
        assertThat(recorder.failures).singleElement().satisfies(event -> {
            assertThat(event.policy()).isEqualTo(policy);
            assertThat(event.ruleName()).isEqualTo("api");
            assertThat(event.scope()).isEqualTo(Scope.IP);
            assertThat(event.cause()).isInstanceOf(BackendUnavailableException.class);
            assertThat(event.causeType()).isEqualTo("TimeoutException");
        });
        Outcome expected = policy == FailurePolicy.CLOSED ? Outcome.BLOCKED : Outcome.ALLOWED;
        assertThat(recorder.decisions).singleElement().satisfies(event -> {
            assertThat(event.outcome()).isEqualTo(expected);
            assertThat(event.failurePolicy()).isEqualTo(policy);
            assertThat(event.decidedByFailurePolicy()).isTrue();
        });
    }

    @Test
    void aThrowingListenerIsLoggedAndTheOthersAndTheRequestGoOn() {
        Recorder after = new Recorder();
        List<LogRecord> logged = Collections.synchronizedList(new ArrayList<>());
        Logger logger = Logger.getLogger(FastLimit.class.getName());
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(capture);
        try (FastLimit limiter = FastLimit.builder().clock(clock).listener(new Throwing()).listener(after).build()) {
            assertThat(limiter.check(rule, anonymous).allowed()).isTrue();
            assertThat(limiter.check(rule, anonymous).allowed()).isTrue();
            assertThat(limiter.check(rule, anonymous).allowed()).isFalse();
        } finally {
            logger.removeHandler(capture);
        }
        assertThat(after.decisions).hasSize(3);
        assertThat(logged).as("throttled: one message for three failures").singleElement().satisfies(record -> {
            assertThat(record.getMessage()).contains(Throwing.class.getName());
            assertThat(record.getThrown()).hasMessage("listener bug");
        });
    }

    @Test
    void listenersAddedAfterBuildAreToldAndRemovedOnesAreNot() {
        Recorder recorder = new Recorder();
        try (FastLimit limiter = FastLimit.builder().clock(clock).build()) {
            limiter.check(rule, anonymous);
            limiter.addListener(recorder);
            assertThat(limiter.listeners()).containsExactly(recorder);
            limiter.check(rule, anonymous);
            assertThat(limiter.removeListener(recorder)).isTrue();
            assertThat(limiter.removeListener(recorder)).isFalse();
            limiter.check(rule, anonymous);
        }
        assertThat(recorder.decisions).hasSize(1);
    }

    @Test
    void aCircuitBreakingBackendsChangesReachTheListeners() {
        Recorder recorder = new Recorder();
        SwitchableCircuitBackend backend = new SwitchableCircuitBackend();
        try (FastLimit limiter = FastLimit.builder().backend(backend).listener(recorder).build()) {
            backend.change(true);
            backend.change(false);
            limiter.check(rule, anonymous);
        }
        assertThat(recorder.circuits).containsExactly(new CircuitEvent("SwitchableCircuitBackend", true),
                new CircuitEvent("SwitchableCircuitBackend", false));
        assertThat(backend.listeners).as("removed when the limiter closes").isEmpty();
    }

    /** Every event, in order. */
    static class Recorder implements RateLimitListener {
        final List<DecisionEvent> decisions = Collections.synchronizedList(new ArrayList<>());
        final List<FailurePolicyEvent> failures = Collections.synchronizedList(new ArrayList<>());
        final List<CircuitEvent> circuits = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void onDecision(DecisionEvent event) {
            decisions.add(event);
        }

        @Override
        public void onFailurePolicy(FailurePolicyEvent event) {
            failures.add(event);
        }

        @Override
        public void onCircuit(CircuitEvent event) {
            circuits.add(event);
        }
    }

    static final class Throwing implements RateLimitListener {
        @Override
        public void onDecision(DecisionEvent event) {
            throw new IllegalStateException("listener bug");
        }
    }

    /** A store that never answers in time, as a remote backend reports it. */
    static final class FailingBackend implements Backend {
        @Override
        public BackendResult checkAndIncrement(String key, List<BucketConfig> buckets, int cost) {
            throw new BackendUnavailableException("did not answer", new TimeoutException("250 ms"));
        }

        @Override
        public void reset(String key) {
        }

        @Override
        public void clearAll() {
        }
    }

    /** A memory backend whose circuit a test opens and closes by hand. */
    static final class SwitchableCircuitBackend implements io.fastlimit.backends.CircuitBreakingBackend {
        final MemoryBackend memory = new MemoryBackend();
        final List<CircuitListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
        volatile boolean open;

        void change(boolean open) {
            this.open = open;
            listeners.forEach(listener -> listener.circuitChanged(open));
        }

        @Override
        public boolean isCircuitOpen() {
            return open;
        }

        @Override
        public void addCircuitListener(CircuitListener listener) {
            listeners.add(listener);
        }

        @Override
        public void removeCircuitListener(CircuitListener listener) {
            listeners.remove(listener);
        }

        @Override
        public BackendResult checkAndIncrement(String key, List<BucketConfig> buckets, int cost) {
            return memory.checkAndIncrement(key, buckets, cost);
        }

        @Override
        public void reset(String key) {
            memory.reset(key);
        }

        @Override
        public void clearAll() {
            memory.clearAll();
        }
    }
}
