package io.fastlimit;

import io.fastlimit.backends.Backend;
import io.fastlimit.backends.BackendResult;
import io.fastlimit.backends.memory.MemoryBackend;
import io.fastlimit.rules.BucketConfig;
import io.fastlimit.rules.RateLimitRule;
import io.fastlimit.rules.RuleLimits;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Limits replaced in code while the limiter runs. */
class ReplaceLimitsTest {

    private final FastLimit limiter = FastLimit.builder().build();
    private final ClientRequest client = ClientRequest.of("203.0.113.5");
    private final RateLimitRule api = RateLimitRule.builder("api").ip("2/min").user("5/min").build();

    @Test
    void replacedLimitsApplyToTheNextCheckAndNoneGivesTheDeclaredOnesBack() {
        assertThat(limiter.check(api, client).limit()).isEqualTo(2);
        limiter.replaceLimits("api", RuleLimits.builder().ip("7/min").build());
        assertThat(limiter.check(api, client).limit()).isEqualTo(7);
        // what the replacement does not name stays as declared
        assertThat(limiter.check(api, ClientRequest.of("203.0.113.5", Map.of(), "ann")).limit()).isEqualTo(5);
        limiter.replaceLimits("api", RuleLimits.NONE);
        assertThat(limiter.check(api, client).limit()).isEqualTo(2);
        assertThat(limiter.replacedLimits()).isEmpty();
    }

    @Test
    void aReplacementMayAddPlansShadowAndAnAlgorithm() {
        RateLimitRule planned = RateLimitRule.builder("planned").ip("1/min").plan("free", "2/min")
                .planResolver(request -> "pro").build();
        limiter.register(planned);
        limiter.replaceLimits("planned", RuleLimits.builder().plan("pro", "3/min").shadow(true)
                .algorithm(Algorithm.FIXED_WINDOW).build());
        for (int i = 0; i < 5; i++) {
            assertThat(limiter.check(planned, client).allowed()).as("shadow").isTrue();
        }
        RateLimitDecision decision = limiter.check(planned, client);
        assertThat(decision.limit()).isEqualTo(3);
        assertThat(decision.wouldHaveBlocked()).isTrue();
    }

    @Test
    void limitsThatDoNotFitARuleSeenAreRefusedAndChangeNothing() {
        limiter.register(api);
        assertThatThrownBy(() -> limiter.replaceLimits("api", RuleLimits.builder().plan("pro", "9/min").build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rule 'api'").hasMessageContaining("no plan resolver");
        RateLimitRule costly = RateLimitRule.builder("costly").ip("10/min").cost(4).build();
        limiter.register(costly);
        assertThatThrownBy(() -> limiter.replaceLimits("costly", RuleLimits.builder().ip("3/min").build()))
                .hasMessageContaining("Invalid cost 4");
        assertThat(limiter.replacedLimits()).isEmpty();
    }

    @Test
    void aCheckSeesTheOldLimitsOrTheNewOnesNeverAMix() throws Exception {
        List<BucketConfig> oldBuckets = buckets("2/s;100/min");
        List<BucketConfig> newBuckets = buckets("5/s;300/min");
        Set<List<BucketConfig>> seen = ConcurrentHashMap.newKeySet();
        Backend recording = new Backend() {
            final MemoryBackend memory = new MemoryBackend();

            @Override
            public BackendResult checkAndIncrement(String key, List<BucketConfig> buckets, int cost) {
                seen.add(List.copyOf(buckets));
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
        };
        RateLimitRule both = RateLimitRule.builder("both").ip("2/s;100/min").build();
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try (FastLimit shared = FastLimit.builder().backend(recording).build()) {
            AtomicBoolean running = new AtomicBoolean(true);
            CountDownLatch started = new CountDownLatch(3);
            List<Future<?>> checkers = new java.util.ArrayList<>();
            for (int t = 0; t < 3; t++) {
                int n = t;
                checkers.add(threads.submit(() -> {
                    started.countDown();
                    for (int i = 0; running.get(); i++) {
                        shared.check(both, ClientRequest.of("198.51.100." + (n * 50 + i % 50)));
                    }
                }));
            }
            started.await();
            for (int i = 0; i < 500; i++) {
                shared.replaceLimits("both", i % 2 == 0 ? RuleLimits.builder().ip("5/s;300/min").build() : RuleLimits.NONE);
            }
            running.set(false);
            for (Future<?> checker : checkers) {
                checker.get(30, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(seen).isSubsetOf(Set.of(oldBuckets, newBuckets)).contains(oldBuckets);
    }

    private static List<BucketConfig> buckets(String rates) {
        return BoundRule.buckets(io.fastlimit.rules.Rate.parse(rates), Algorithm.SLIDING_WINDOW);
    }
}
