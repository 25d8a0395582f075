package io.fastlimit;

import io.fastlimit.ListenerTest.Recorder;
import io.fastlimit.backends.Backend;
import io.fastlimit.backends.BackendResult;
import io.fastlimit.backends.BackendUnavailableException;
import io.fastlimit.backends.memory.MemoryBackend;
import io.fastlimit.event.DecisionEvent;
import io.fastlimit.event.FailurePolicyEvent;
import io.fastlimit.rules.BucketConfig;
import io.fastlimit.rules.RateLimitRule;
import io.fastlimit.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link FastLimit#acquireAsync} decides as {@link FastLimit#acquire} does: each case runs one sequence of
 * requests through a limiter that waits and through one that does not, each on a backend of its own, and
 * compares every decision. The asynchronous limiter's backend answers on another thread, as a remote one does.
 */
class AcquireAsyncTest {

    private final ManualClock clock = new ManualClock();
    /** The thread the asynchronous backends answer on. */
    private final ExecutorService backendThread = Executors.newSingleThreadExecutor();
    private final List<FastLimit> limiters = new ArrayList<>();
    private final List<Backend> backends = new ArrayList<>();

    @AfterEach
    void close() {
        limiters.forEach(FastLimit::close);
        backends.forEach(Backend::close);
        backendThread.shutdownNow();
    }

    private static ClientRequest ip(String address) {
        return ClientRequest.of(address);
    }

    private static ClientRequest user(String name) {
        return ClientRequest.of("203.0.113.9", Map.of(), name);
    }

    private static ClientRequest key(String value) {
        return ClientRequest.of("203.0.113.9", Map.of("X-Api-Key", List.of(value)), null);
    }

    @Test
    void ipAndUserScopesDecideAlike() {
        RateLimitRule rule = RateLimitRule.builder("api").ip("2/min").user("3/min").build();
        assertSameDecisions(b -> b, rule, ip("198.51.100.1"), ip("198.51.100.1"), ip("198.51.100.1"),
                user("alice"), user("alice"), user("alice"), user("alice"), ip("198.51.100.2"), user("bob"));
    }

    @Test
    void aHeaderWithoutAResolverIsHeldToTheIpCeilingAndTheCeilingIsGivenBackWhenTheKeyBlocks() {
        RateLimitRule rule = RateLimitRule.builder("keys").header("X-Api-Key", "1/min").ip("3/min").build();
        // k1 passes; k1 again: the ceiling allows, its own bucket blocks, the ceiling gives back; k2 and k3 fill it
        List<RateLimitDecision> decisions = assertSameDecisions(b -> b, rule,
                key("k1"), key("k1"), key("k2"), key("k3"), key("k4"), ip("203.0.113.9"));
        assertThat(decisions).extracting(RateLimitDecision::allowed).containsExactly(true, false, true, true, false, false);
        assertThat(decisions.get(3).remaining()).as("the blocked k1 took nothing from the ceiling").isZero();
    }

    @Test
    void aHeaderWithAResolverHasItsOwnBucketAndUnknownValuesCountAsTheIp() {
        RateLimitRule rule = RateLimitRule.builder("keys").header("X-Api-Key", "2/min").ip("1/min")
                .headerResolver(HeaderIdentityResolver.validatedBy(value -> value.startsWith("key-"))).build();
        assertSameDecisions(b -> b, rule, key("key-a"), key("key-a"), key("key-a"), key("made-up"), key("other"),
                key("key-b"), ip("203.0.113.9"));
    }

    @Test
    void anIpCeilingOnAUserChainsBothBuckets() {
        RateLimitRule rule = RateLimitRule.builder("capped").user("2/min").ip("3/min").ipCeiling(true).build();
        assertSameDecisions(b -> b, rule, user("alice"), user("alice"), user("alice"), user("bob"), user("bob"),
                user("carol"));
    }

    @Test
    void exemptClientsAndRulesWithoutARateForTheClientAreNotCounted() {
        RateLimitRule rule = RateLimitRule.builder("api").ip("1/min").build();
        List<RateLimitDecision> decisions = assertSameDecisions(b -> b.exemptIps("198.51.100.0/24"), rule,
                ip("198.51.100.7"), ip("198.51.100.7"), ip("203.0.113.1"), ip("203.0.113.1"));
        assertThat(decisions.get(1).bucketChecked()).isFalse();
        assertSameDecisions(b -> b, RateLimitRule.builder("users").user("1/min").build(), ip("203.0.113.1"),
                ip("203.0.113.1"));
    }

    @Test
    void plansGiveTheirRates() {
        RateLimitRule rule = RateLimitRule.builder("api").header("X-Api-Key", "1/min").ip("5/min")
                .headerResolver(HeaderIdentityResolver.trustAny()).plan("pro", "3/min")
                .planResolver(request -> "key-pro".equals(request.header("X-Api-Key")) ? "pro" : null).build();
        List<RateLimitDecision> decisions = assertSameDecisions(b -> b, rule, key("key-pro"), key("key-pro"),
                key("key-pro"), key("key-pro"), key("key-free"), key("key-free"));
        assertThat(decisions.get(0).limit()).isEqualTo(3);
    }

    @Test
    void shadowRulesAndDryRunLetThroughWhatTheyWouldHaveBlocked() {
        RateLimitRule shadow = RateLimitRule.builder("trial").ip("1/min").shadow(true).build();
        List<RateLimitDecision> decisions = assertSameDecisions(b -> b, shadow, ip("203.0.113.1"), ip("203.0.113.1"));
        assertThat(decisions.get(1).wouldHaveBlocked()).isTrue();
        assertSameDecisions(b -> b.dryRun(true), RateLimitRule.ip("api", "1/min"), ip("203.0.113.1"), ip("203.0.113.1"));
    }

    @Test
    void ietfHeadersAndSeveralRatesOfOneScopeDecideAlike() {
        assertSameDecisions(b -> b.headers(HeaderStyle.ietf()), RateLimitRule.ip("api", "2/s;3/min"),
                ip("203.0.113.1"), ip("203.0.113.1"), ip("203.0.113.1"), ip("203.0.113.1"));
    }

    @ParameterizedTest
    @EnumSource(FailurePolicy.class)
    @ExtendWith(QuietLogs.class) // the failures are on purpose
    void aFailedStageIsAnsweredByTheFailurePolicyAsAThrowIs(FailurePolicy policy) {
        RateLimitRule rule = RateLimitRule.ip("api", "2/min");
        Recorder syncEvents = new Recorder();
        Recorder asyncEvents = new Recorder();
        FastLimit waiting = limiter(FastLimit.builder().clock(clock).failurePolicy(policy).listener(syncEvents)
                .backend(new ListenerTest.FailingBackend()));
        FastLimit failedStage = limiter(FastLimit.builder().clock(clock).failurePolicy(policy).listener(asyncEvents)
                .backend(later((key, buckets, cost) -> CompletableFuture.failedFuture(
                        new BackendUnavailableException("did not answer", new TimeoutException("250 ms"))))));
        FastLimit throwing = limiter(FastLimit.builder().clock(clock).failurePolicy(policy)
                .backend(new AsyncOnly((key, buckets, cost) -> {
                    throw new BackendUnavailableException("refused");
                })));
        FastLimit checkedFailure = limiter(FastLimit.builder().clock(clock).failurePolicy(policy)
                .backend(later((key, buckets, cost) -> CompletableFuture.failedFuture(new TimeoutException("250 ms")))));

        for (int i = 0; i < 3; i++) {
            String expected = describe(waiting.acquire(rule, ip("203.0.113.1")).decision());
            assertThat(describe(join(failedStage.acquireAsync(rule, ip("203.0.113.1"))).decision())).isEqualTo(expected);
            assertThat(describe(join(throwing.acquireAsync(rule, ip("203.0.113.1"))).decision())).isEqualTo(expected);
            assertThat(describe(join(checkedFailure.acquireAsync(rule, ip("203.0.113.1"))).decision())).isEqualTo(expected);
        }
        assertThat(failedStage.failurePolicyDecisions()).isEqualTo(3);
        assertThat(events(asyncEvents)).isEqualTo(events(syncEvents));
        assertThat(asyncEvents.failures).allSatisfy(event -> {
            assertThat(event.cause()).isInstanceOf(BackendUnavailableException.class); // not its CompletionException
            assertThat(event.causeType()).isEqualTo("TimeoutException");
        });
    }

    @Test
    void listenersAreToldTheSameEventsAndTimingOnlyWhenAsked() {
        RateLimitRule rule = RateLimitRule.builder("keys").header("X-Api-Key", "1/min").ip("2/min").build();
        Recorder syncEvents = new Recorder();
        Recorder asyncEvents = new Recorder();
        Recorder timed = new Recorder() {
            @Override
            public boolean timesBackend() {
                return true;
            }
        };
        FastLimit waiting = limiter(FastLimit.builder().clock(clock).exemptIps("198.51.100.0/24").listener(syncEvents));
        FastLimit async = limiter(FastLimit.builder().clock(clock).exemptIps("198.51.100.0/24").listener(asyncEvents)
                .backend(memoryLater()));
        for (ClientRequest request : List.of(key("k1"), key("k1"), key("k2"), key("k3"), ip("198.51.100.1"))) {
            waiting.acquire(rule, request);
            join(async.acquireAsync(rule, request));
        }
        assertThat(events(asyncEvents)).isEqualTo(events(syncEvents)).hasSize(8);
        assertThat(asyncEvents.decisions).extracting(DecisionEvent::backendNanos).containsOnly(-1L);

        async.addListener(timed);
        join(async.acquireAsync(rule, key("k9")));
        assertThat(timed.decisions).extracting(DecisionEvent::backendNanos).allSatisfy(n -> assertThat(n).isNotNegative());
    }

    @Test
    void theStageWaitsForTheBackendAndTheOwnBucketIsCheckedOnlyOnceTheCeilingAllowed() {
        List<CompletableFuture<BackendResult>> calls = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        MemoryBackend memory = MemoryBackend.builder().clock(clock).build();
        backends.add(memory);
        Backend held = new AsyncOnly((key, buckets, cost) -> {
            CompletableFuture<BackendResult> call = new CompletableFuture<>();
            calls.add(call);
            keys.add(key);
            return call.thenApply(ignored -> memory.checkAndIncrement(key, buckets, cost));
        });
        FastLimit limiter = limiter(FastLimit.builder().clock(clock).backend(held));
        RateLimitRule rule = RateLimitRule.builder("keys").header("X-Api-Key", "1/min").ip("2/min").build();

        CompletableFuture<Consumption> check = limiter.acquireAsync(rule, key("k1")).toCompletableFuture();
        assertThat(check).isNotDone();
        assertThat(keys).containsExactly("fastlimit:keys:ip:{203.0.113.9}");
        calls.get(0).complete(null);
        assertThat(check).isNotDone();
        assertThat(keys).containsExactly("fastlimit:keys:ip:{203.0.113.9}", "fastlimit:keys:header:{k1}");
        calls.get(1).complete(null);
        assertThat(check).isCompleted();
        assertThat(check.join().decision().allowed()).isTrue();
    }

    @Test
    void aBugCompletesTheStageExceptionallyAndNeverLeavesItPending() {
        RateLimitRule rule = RateLimitRule.ip("api", "2/min");
        FastLimit noResult = limiter(FastLimit.builder().clock(clock)
                .backend(later((key, buckets, cost) -> CompletableFuture.completedFuture(null))));
        assertThatThrownBy(() -> join(noResult.acquireAsync(rule, ip("203.0.113.1"))))
                .isInstanceOf(CompletionException.class).hasCauseInstanceOf(NullPointerException.class);

        FastLimit fatal = limiter(FastLimit.builder().clock(clock)
                .backend(later((key, buckets, cost) -> CompletableFuture.failedFuture(new LinkageError("bug")))));
        assertThatThrownBy(() -> join(fatal.acquireAsync(rule, ip("203.0.113.1"))))
                .isInstanceOf(CompletionException.class).hasCauseInstanceOf(LinkageError.class);

        FastLimit limiter = limiter(FastLimit.builder().clock(clock));
        limiter.register(rule);
        CompletionStage<Consumption> clash = limiter.acquireAsync(RateLimitRule.ip("api", "5/min"), ip("203.0.113.1"));
        assertThatThrownBy(() -> join(clash)).hasCauseInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aBackendThatAnswersNoStageIsAFailureThePolicyAnswers() {
        FastLimit limiter = limiter(FastLimit.builder().clock(clock).failurePolicy(FailurePolicy.CLOSED)
                .backend(new AsyncOnly((key, buckets, cost) -> null)));
        try (RecordedLogs ignored = RecordedLogs.of("io.fastlimit")) {
            assertThat(join(limiter.acquireAsync(RateLimitRule.ip("api", "2/min"), ip("203.0.113.1"))).decision().allowed())
                    .isFalse();
        }
    }

    /**
     * Sends {@code requests} in order through {@code acquire} and {@code acquireAsync} of two limiters
     * built alike by {@code settings}, asserts every decision is the same, and answers them.
     */
    private List<RateLimitDecision> assertSameDecisions(UnaryOperator<FastLimit.Builder> settings, RateLimitRule rule,
                                                        ClientRequest... requests) {
        FastLimit waiting = limiter(settings.apply(FastLimit.builder().clock(clock)));
        FastLimit async = limiter(settings.apply(FastLimit.builder().clock(clock))
                .backend(memoryLater()));
        List<RateLimitDecision> decisions = new ArrayList<>();
        for (ClientRequest request : requests) {
            RateLimitDecision expected = waiting.acquire(rule, request).decision();
            RateLimitDecision actual = join(async.acquireAsync(rule, request)).decision();
            assertThat(describe(actual)).as("request %d", decisions.size() + 1).isEqualTo(describe(expected));
            decisions.add(actual);
        }
        return decisions;
    }

    private FastLimit limiter(FastLimit.Builder builder) {
        FastLimit limiter = builder.build();
        limiters.add(limiter);
        return limiter;
    }

    private static Consumption join(CompletionStage<Consumption> stage) {
        return stage.toCompletableFuture().join();
    }

    private static String describe(RateLimitDecision d) {
        return "allowed=" + d.allowed() + " checked=" + d.bucketChecked() + " wouldHaveBlocked=" + d.wouldHaveBlocked()
                + " rule=" + d.ruleName() + " limit=" + d.limit() + " remaining=" + d.remaining() + " reset=" + d.resetMs()
                + " retryAfter=" + d.retryAfterMs() + " headers=" + d.headers();
    }

    /** The events of {@code recorder}, without the backend's time, which differs from run to run. */
    private static List<String> events(Recorder recorder) {
        List<String> events = new ArrayList<>();
        for (DecisionEvent e : recorder.decisions) {
            events.add(new DecisionEvent(e.ruleName(), e.scope(), e.outcome(), e.limit(), e.remaining(), e.resetMs(),
                    e.retryAfterMs(), e.cost(), 0, e.failurePolicy(), e.key()).toString());
        }
        for (FailurePolicyEvent e : recorder.failures) {
            events.add(e.ruleName() + " " + e.scope() + " " + e.policy() + " " + e.causeType());
        }
        return events;
    }

    /** Answers a backend's asynchronous check. */
    private interface Answer {
        CompletionStage<BackendResult> check(String key, List<BucketConfig> buckets, int cost);
    }

    /** A backend whose checks {@code answer} answers, on another thread, as a remote backend's are. */
    private AsyncOnly later(Answer answer) {
        return new AsyncOnly((key, buckets, cost) -> CompletableFuture.supplyAsync(() -> key, backendThread)
                .thenCompose(ignored -> answer.check(key, buckets, cost)));
    }

    /** A memory backend on the test's clock, answering on another thread. */
    private AsyncOnly memoryLater() {
        MemoryBackend memory = MemoryBackend.builder().clock(clock).build();
        backends.add(memory);
        return new AsyncOnly((key, buckets, cost) -> CompletableFuture.supplyAsync(
                () -> memory.checkAndIncrement(key, buckets, cost), backendThread), memory);
    }

    /**
     * A backend that checks only asynchronously, as {@code answer} says; its waiting check fails the
     * test, so a test knows which of the two the limiter called. Units given back go to {@code refunds}.
     */
    private static final class AsyncOnly implements Backend {
        private final Answer answer;
        private final Backend refunds;

        AsyncOnly(Answer answer) {
            this(answer, null);
        }

        AsyncOnly(Answer answer, Backend refunds) {
            this.answer = answer;
            this.refunds = refunds;
        }

        @Override
        public CompletionStage<BackendResult> checkAndIncrementAsync(String key, List<BucketConfig> buckets, int cost) {
            return answer.check(key, buckets, cost);
        }

        @Override
        public BackendResult checkAndIncrement(String key, List<BucketConfig> buckets, int cost) {
            throw new AssertionError("acquireAsync waited for the backend");
        }

        @Override
        public void refund(String key, List<BucketConfig> buckets, int cost) {
            if (refunds != null) {
                refunds.refund(key, buckets, cost);
            }
        }

        @Override
        public void reset(String key) {
        }

        @Override
        public void clearAll() {
        }
    }
}
