package io.fastlimit.backends.redis;

import org.redisson.api.BatchOptions;
import org.redisson.api.RBatch;
import org.redisson.api.RFuture;
import org.redisson.api.RScript;
import org.redisson.api.RScriptAsync;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Sends the script calls of a busy backend to Redis together: the calls that arrive while every
 * permit ({@link CallPermits}) is taken wait in one batch, and the batch leaves as a single Redisson
 * pipeline ({@link RBatch}, {@link BatchOptions.ExecutionMode#IN_MEMORY}: many {@code EVALSHA} in one
 * write, one read of the replies) as soon as a permit comes back. A busy server then pays one system
 * call and one wake-up per batch instead of per check, on both sides of the connection.
 *
 * <h2>Design</h2>
 * <ul>
 *   <li><b>A lone call is not delayed.</b> A call that finds a permit free is sent at once, on its
 *       own, exactly as without batching; only a call that would have waited for a permit anyway
 *       joins the batch. So an idle backend adds no latency, and the batch fills exactly while Redis
 *       (or the connection) is the bottleneck.</li>
 *   <li><b>Permits count sends, not checks.</b> A batch holds one permit, like a single call, from
 *       the moment it is sent until every one of its calls has an outcome. The open batch waits for
 *       its permit as one waiter of {@link CallPermits}, with the same queue timeout: a batch that
 *       gets none in time fails every call in it as <em>busy</em>, never reaching Redis and never
 *       counting for the circuit (this instance was busy, Redis may be fine).</li>
 *   <li><b>One gate for all nodes.</b> On a cluster, Redisson splits each batch by node and writes
 *       every part at once, each on a connection of its node. The permits are shared by all nodes
 *       rather than held per node: mapping a key to its node is not in Redisson's public API (its
 *       slot is, but not the slot's current owner), and the permits bound what this instance has
 *       outstanding in all, as before. The cost is that a slow node holds a permit for the other
 *       nodes' part of a batch too; it holds it no longer than the timeout.</li>
 *   <li><b>A permit comes back with the replies</b>, not once the batch is written: Redisson's batch
 *       answers when the replies are in and does not expose the end of the write. Holding the permit
 *       for the round trip is also what keeps the next batch filling meanwhile.</li>
 *   <li><b>At most {@code maxBatchSize} calls per batch.</b> A full batch stops taking calls, and the
 *       next one opens behind it with a permit of its own, so no call waits on an arbitrarily large
 *       batch, and a batch's replies fit in a few socket reads.</li>
 *   <li><b>The timeout measures Redis.</b> A call's wait for its batch's permit is the queue's
 *       (bounded by the queue timeout); the backend's timeout starts when the batch is sent and covers
 *       the send, a script reload and the retry, as for a single call. Redisson is given the same
 *       response timeout and no retries: a check sent twice would be counted twice.</li>
 *   <li><b>NOSCRIPT.</b> Calls Redis answers with NOSCRIPT (after a restart, a failover, {@code SCRIPT
 *       FLUSH}) are retried once, together, after their scripts are loaded on every master; the other
 *       calls of the batch are not sent again.</li>
 *   <li><b>Failures.</b> A call whose own reply is an error fails alone, with that error. A failure of
 *       the whole batch (timeout, lost connection) fails every call still without a reply. The
 *       circuit records one outcome per batch, as it does per single call: a batch is one round trip,
 *       and counting each of its calls would open the circuit on the first slow round trip of a busy
 *       instance. Every call of a batch completes once the batch is over: the circuit has recorded it
 *       and its permit is back, as for a single call. (Completing each call as its own reply is read
 *       would save little: the replies of a batch arrive together, in a read or two.)</li>
 * </ul>
 *
 * <p>Every future this class answers completes, on every branch. Thread-safe.
 */
final class CommandBatcher {

    /** Calls per batch at most, by default. */
    static final int DEFAULT_MAX_BATCH_SIZE = 128;

    /** Sends one call on its own, holding a permit it gives back once the call has its outcome. */
    interface SingleCall {
        CompletableFuture<List<Object>> send(String routingKey, String text, String sha, List<Object> keys, Object[] args);
    }

    private final RedissonClient client;
    /** For loading scripts: carries the backend's timeout and no retries. */
    private final RScript script;
    private final BatchOptions options;
    private final CallPermits permits;
    private final Circuit circuit;
    private final Clock clock;
    private final Timeouts timeouts;
    private final long timeoutMs;
    private final int maxBatchSize;
    private final SingleCall single;
    /** The failure of a call that found no permit in time; counted by the backend as a busy refusal. */
    private final Supplier<RuntimeException> busy;
    private final Supplier<RuntimeException> circuitOpen;

    private final Object lock = new Object();
    /** The batch calls join: waiting for its permit, not yet sent. Guarded by {@link #lock}. */
    private Batch open;

    private final LongAdder sentAlone = new LongAdder();
    private final LongAdder batchesSent = new LongAdder();
    private final LongAdder callsBatched = new LongAdder();

    CommandBatcher(RedissonClient client, RScript script, CallPermits permits, Circuit circuit, Clock clock, long timeoutMs,
                   Timeouts timeouts, int maxBatchSize, SingleCall single, Supplier<RuntimeException> busy, Supplier<RuntimeException> circuitOpen) {
        this.client = client;
        this.script = script;
        this.permits = permits;
        this.circuit = circuit;
        this.clock = clock;
        this.timeoutMs = timeoutMs;
        this.timeouts = timeouts;
        this.maxBatchSize = maxBatchSize;
        this.single = single;
        this.busy = busy;
        this.circuitOpen = circuitOpen;
        this.options = BatchOptions.defaults()
                .executionMode(BatchOptions.ExecutionMode.IN_MEMORY)
                .responseTimeout(timeoutMs, TimeUnit.MILLISECONDS)
                .retryAttempts(0);
    }

    /**
     * Sends the call at once when a permit is free, else adds it to the open batch. The future
     * completes with the script's reply or fails with what ended the call, as {@link SingleCall} does.
     */
    CompletableFuture<List<Object>> submit(String routingKey, String text, String sha, List<Object> keys, Object[] args) {
        Call call = new Call(routingKey, text, sha, keys, args);
        Batch opened = null;
        synchronized (lock) {
            if (open == null) {
                if (permits.tryAcquire()) {
                    call = null; // sent alone, below
                } else {
                    open = opened = new Batch();
                }
            }
            if (call != null) {
                open.calls.add(call);
                if (open.calls.size() >= maxBatchSize) {
                    open = null; // full: the next call opens another batch
                }
            }
        }
        if (call == null) {
            sentAlone.increment();
            return single.send(routingKey, text, sha, keys, args);
        }
        if (opened != null) {
            Batch batch = opened;
            // may run at once, on this thread, when a permit was freed meanwhile
            permits.acquire().whenComplete((granted, noPermit) -> onPermit(batch, noPermit));
        }
        return call.result;
    }

    private void onPermit(Batch batch, Throwable noPermit) {
        synchronized (lock) {
            if (open == batch) {
                open = null; // no call joins it any more
            }
        }
        List<Call> calls = batch.calls; // complete now: calls are added only under the lock while it is open
        if (noPermit != null) {
            for (Call call : calls) {
                call.result.completeExceptionally(busy.get());
            }
            return;
        }
        try {
            if (calls.size() == 1) {
                sendAlone(calls.get(0)); // no company came: a pipeline of one would only cost more
            } else {
                send(calls);
            }
        } catch (RuntimeException unexpected) {
            permits.release();
            for (Call call : calls) {
                call.result.completeExceptionally(unexpected);
            }
        }
    }

    /** Sends a call on its own, holding a permit, which the single call gives back. */
    private void sendAlone(Call call) {
        sentAlone.increment();
        single.send(call.routingKey, call.text, call.sha, call.keys, call.args).whenComplete((reply, error) -> {
            if (error != null) {
                call.result.completeExceptionally(error);
            } else {
                call.result.complete(reply);
            }
        });
    }

    /** Sends a batch holding a permit; gives it back once every call of the batch has its outcome. */
    private void send(List<Call> calls) {
        if (!circuit.allowsCall(clock.millis())) {
            permits.release();
            for (Call call : calls) {
                call.result.completeExceptionally(circuitOpen.get());
            }
            return;
        }
        batchesSent.increment();
        callsBatched.add(calls.size());
        CompletableFuture<Void> sent;
        try {
            sent = attempt(calls, true);
        } catch (RuntimeException sendFailed) {
            sent = CompletableFuture.failedFuture(sendFailed);
        }
        timeouts.within(sent, timeoutMs).whenComplete((done, batchFailed) -> settle(calls, RedisBackend.unwrap(batchFailed)));
    }

    /**
     * One pipeline of {@code calls}; completes once each has its reply or its error (Redisson fails
     * the calls of a batch that failed as a whole), then retries the NOSCRIPT ones once if
     * {@code first}.
     */
    private CompletableFuture<Void> attempt(List<Call> calls, boolean first) {
        RBatch batch = client.createBatch(options);
        RScriptAsync scripts = batch.getScript(StringCodec.INSTANCE);
        List<CompletableFuture<List<Object>>> replies = new ArrayList<>(calls.size());
        for (Call call : calls) {
            RFuture<List<Object>> reply = scripts.evalShaAsync(call.routingKey, RScript.Mode.READ_WRITE, call.sha,
                    RScript.ReturnType.MULTI, call.keys, call.args);
            replies.add(reply.toCompletableFuture());
        }
        return batch.executeAsync().toCompletableFuture().handle((result, batchFailed) -> batchFailed).thenCompose(batchFailed -> {
            List<Call> noScript = new ArrayList<>();
            for (int i = 0; i < calls.size(); i++) {
                CompletableFuture<List<Object>> reply = replies.get(i);
                Call call = calls.get(i);
                if (!reply.isDone()) {
                    // Redisson fails every call of a batch that failed; should one be left, settle() fails it
                    call.error = batchFailed == null ? null : RedisBackend.unwrap(batchFailed);
                } else if (!reply.isCompletedExceptionally()) {
                    call.answered(reply.join());
                } else {
                    Throwable error = RedisBackend.unwrap(reply.handle((answer, failed) -> failed).join());
                    if (first && RedisBackend.isNoScript(error)) {
                        noScript.add(call);
                    } else {
                        call.error = error;
                    }
                }
            }
            if (noScript.isEmpty()) {
                return CompletableFuture.completedFuture(null);
            }
            return reloadAndRetry(noScript);
        });
    }

    /** Loads the scripts Redis did not know on every master, then sends their calls again, together. */
    private CompletableFuture<Void> reloadAndRetry(List<Call> calls) {
        Set<String> texts = new LinkedHashSet<>();
        for (Call call : calls) {
            texts.add(call.text);
        }
        List<CompletableFuture<String>> loads = new ArrayList<>(texts.size());
        for (String text : texts) {
            loads.add(script.scriptLoadAsync(text).toCompletableFuture());
        }
        return CompletableFuture.allOf(loads.toArray(new CompletableFuture[0])).handle((loaded, loadFailed) -> loadFailed)
                .thenCompose(loadFailed -> {
                    if (loadFailed != null) {
                        for (Call call : calls) {
                            call.error = RedisBackend.unwrap(loadFailed);
                        }
                        return CompletableFuture.completedFuture(null);
                    }
                    return attempt(calls, false);
                });
    }

    /**
     * Records the batch's outcome once, gives the permit back, then completes every call: with its
     * reply, or its own error, else the batch's (a timeout, a lost connection).
     */
    private void settle(List<Call> calls, Throwable batchFailed) {
        boolean allAnswered = true;
        for (Call call : calls) {
            allAnswered &= call.answered;
        }
        try {
            if (allAnswered) {
                circuit.onSuccess();
            } else {
                circuit.onFailure(clock.millis());
            }
        } finally {
            // whatever happened above, the permit comes back and every caller gets its answer
            permits.release();
            for (Call call : calls) {
                if (call.answered) {
                    call.result.complete(call.reply);
                } else {
                    Throwable error = call.error != null ? call.error : batchFailed;
                    call.result.completeExceptionally(error != null ? error
                            : new IllegalStateException("Redis sent no reply to a call of a batch"));
                }
            }
        }
    }

    /** Calls sent on their own: a permit was free, or no other call joined theirs. */
    long sentAlone() {
        return sentAlone.sum();
    }

    /** Batches sent (retries after NOSCRIPT not counted). */
    long batchesSent() {
        return batchesSent.sum();
    }

    /** Calls sent in batches. */
    long callsBatched() {
        return callsBatched.sum();
    }

    /** One script call and its caller's future. */
    private static final class Call {
        final String routingKey;
        final String text;
        final String sha;
        final List<Object> keys;
        final Object[] args;
        final CompletableFuture<List<Object>> result = new CompletableFuture<>();
        /** Redis's error for this call alone, when it has one. */
        volatile Throwable error;
        /** The reply, set before {@link #answered}. */
        volatile List<Object> reply;
        volatile boolean answered;

        Call(String routingKey, String text, String sha, List<Object> keys, Object[] args) {
            this.routingKey = routingKey;
            this.text = text;
            this.sha = sha;
            this.keys = keys;
            this.args = args;
        }

        void answered(List<Object> reply) {
            this.reply = reply;
            this.answered = true;
        }
    }

    /** Calls waiting together for a permit; a list only ever added to under the batcher's lock. */
    private static final class Batch {
        final List<Call> calls = new ArrayList<>();
    }
}
