package io.fastlimit;

import io.fastlimit.backends.Backend;
import io.fastlimit.rules.BucketConfig;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * What the checks of one request consumed, with the {@link #decision() decision} they came to: the
 * one thing that can give those units back when something else turns the request away afterwards.
 * {@link FastLimit#acquire(io.fastlimit.rules.RateLimitRule, ClientRequest)} returns it.
 *
 * <pre>{@code
 * Consumption consumption = limiter.acquire(rule, request);
 * if (consumption.decision().allowed() && !stock.reserve(order)) {
 *     consumption.giveBack();   // turned away after all: the request does not count against the rule
 * }
 * }</pre>
 *
 * <h2>Several limits on one request</h2>
 * {@link #and} combines the checks of one request. The adapters keep that combination in the
 * request's attributes ({@link #recordInRequest}), under names every adapter shares, so a limit
 * checked later (another {@code FastLimitFilter}, or a JAX-RS {@code @RateLimit} behind one) that
 * turns the request away gives back what the earlier ones took, and the response reports the
 * tightest of them.
 *
 * <p>Thread-safe. {@link #giveBack()} returns each unit at most once however often it is called,
 * and never makes the caller wait for a remote backend.
 */
public final class Consumption {

    /**
     * The request attribute (in JAX-RS, the request property) holding the {@code Consumption} of the
     * limits a request has passed so far; see {@link #recordInRequest}.
     */
    public static final String REQUEST_ATTRIBUTE = "io.fastlimit.Consumption";

    private static final Consumption NOTHING = new Consumption(RateLimitDecision.unlimited(), null, null, null);

    private final RateLimitDecision decision;
    /** What this check took from the buckets of one key, or null. */
    private final Taken taken;
    /** The two consumptions this one combines, in the order they were checked; both null or neither. */
    private final Consumption earlier;
    private final Consumption later;

    private Consumption(RateLimitDecision decision, Taken taken, Consumption earlier, Consumption later) {
        this.decision = decision;
        this.taken = taken;
        this.earlier = earlier;
        this.later = later;
    }

    /** Nothing consumed, nothing decided: no rule limited the request. */
    static Consumption nothing() {
        return NOTHING;
    }

    /** A check that consumed nothing (blocked, or let through by dry run or the failure policy). */
    static Consumption of(RateLimitDecision decision) {
        return new Consumption(decision, null, null, null);
    }

    /** A check that took {@code cost} units from {@code buckets} of {@code key} in {@code backend}. */
    static Consumption took(RateLimitDecision decision, Backend backend, String key, List<BucketConfig> buckets, int cost,
                            BackendFailureHandler failures) {
        return new Consumption(decision, new Taken(backend, key, buckets, cost, failures), null, null);
    }

    /**
     * The decision the checks came to: whether the request may go on, and the headers of the most
     * restrictive limit (or of the one that blocked it).
     */
    public RateLimitDecision decision() {
        return decision;
    }

    /**
     * Gives back what the checks consumed, because the request was turned away after all, so it
     * does not count against their limits. Nothing for checks that consumed nothing, and nothing the
     * second time. The backend is not waited for: a remote one orders later checks of the same key
     * after the refund. Best effort: units taken in a window that has ended since are not given
     * back, and a backend failure is logged (throttled), never thrown.
     */
    public void giveBack() {
        if (taken != null) {
            taken.giveBack();
        }
        if (earlier != null) {
            earlier.giveBack();
            later.giveBack();
        }
    }

    /**
     * What this check and {@code later}, a later check of the same request, consumed together. Its
     * decision is the first of the two that blocked, else the tighter
     * ({@link RateLimitDecision#isTighterThan}), this one on a tie. Giving it back gives back both.
     */
    public Consumption and(Consumption later) {
        if (later == NOTHING) {
            return this;
        }
        if (this == NOTHING) {
            return later;
        }
        return new Consumption(RateLimitDecision.reportedOf(decision, later.decision), null, this, later);
    }

    /**
     * Adds this check to those the request passed before, as recorded in its attributes, and returns
     * the decision its response reports. For adapters: a Servlet filter passes
     * {@code request::getAttribute, request::setAttribute}, a JAX-RS filter
     * {@code request::getProperty, request::setProperty} (Jersey on a servlet container keeps request
     * properties as servlet request attributes, so the two see one record).
     *
     * <p>The record is the combination ({@link #and}) of every check that limited the request, under
     * {@link #REQUEST_ATTRIBUTE}, and its decision, under {@link RateLimitDecision#REQUEST_ATTRIBUTE}.
     * When this check blocked, the checks recorded before give back what they consumed. A check that
     * limited nothing ({@link RateLimitDecision#bucketChecked()} false) leaves the record as it is.
     *
     * @param getAttribute reads an attribute of the request
     * @param setAttribute writes an attribute of the request
     * @return the decision whose headers the response carries: this one when it blocked, else the
     *         tightest recorded
     */
    public RateLimitDecision recordInRequest(Function<String, Object> getAttribute,
                                             BiConsumer<String, Object> setAttribute) {
        Consumption recorded = getAttribute.apply(REQUEST_ATTRIBUTE) instanceof Consumption c ? c : null;
        if (!decision.bucketChecked()) {
            return recorded != null ? recorded.decision : decision;
        }
        if (!decision.allowed() && recorded != null) {
            recorded.giveBack(); // turned away here: the limits it passed before do not count it
        }
        Consumption all = recorded == null ? this : recorded.and(this);
        setAttribute.accept(REQUEST_ATTRIBUTE, all);
        setAttribute.accept(RateLimitDecision.REQUEST_ATTRIBUTE, all.decision);
        return all.decision;
    }

    @Override
    public String toString() {
        return "Consumption[" + decision + (taken != null ? ", took " + taken : "")
                + (earlier != null ? ", of " + earlier + " and " + later : "") + "]";
    }

    /** Units taken from the buckets of one key, given back at most once. */
    private static final class Taken {

        private static final VarHandle GIVEN_BACK;

        static {
            try {
                GIVEN_BACK = MethodHandles.lookup().findVarHandle(Taken.class, "givenBack", boolean.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final Backend backend;
        final String key;
        final List<BucketConfig> buckets;
        final int cost;
        final BackendFailureHandler failures;
        /** Set by the first {@link #giveBack()}; a field rather than an AtomicBoolean, to save an object per check. */
        @SuppressWarnings("unused")
        private volatile boolean givenBack;

        Taken(Backend backend, String key, List<BucketConfig> buckets, int cost, BackendFailureHandler failures) {
            this.backend = backend;
            this.key = key;
            this.buckets = buckets;
            this.cost = cost;
            this.failures = failures;
        }

        void giveBack() {
            if (!GIVEN_BACK.compareAndSet(this, false, true)) {
                return;
            }
            CompletionStage<Void> refund;
            try {
                refund = backend.refundAsync(key, buckets, cost);
            } catch (RuntimeException e) {
                failures.onRefundFailure(e);
                return;
            }
            if (refund != null) {
                refund.whenComplete((done, error) -> {
                    if (error != null) {
                        failures.onRefundFailure(error instanceof CompletionException && error.getCause() != null
                                ? error.getCause() : error);
                    }
                });
            }
        }

        @Override
        public String toString() {
            return cost + " from " + key + " " + buckets;
        }
    }
}
