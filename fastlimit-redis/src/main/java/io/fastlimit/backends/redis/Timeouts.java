package io.fastlimit.backends.redis;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The timer of one backend's timeouts, in place of {@link CompletableFuture#orTimeout}: the JDK's
 * timer is one thread for the whole JVM that never ends, started by whoever first asks for it, so in
 * a webapp it would keep the webapp's class loader after an undeploy (Tomcat reports it as a leak).
 * This one's thread ends when the backend is closed.
 *
 * <p>This class is threadsafe.
 */
final class Timeouts implements AutoCloseable {

    private final ScheduledThreadPoolExecutor timer;

    Timeouts() {
        timer = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "fastlimit-redis-timeouts");
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true); // most calls answer in time: their timeouts leave the queue at once
    }

    /**
     * {@code future}, completed with a {@link TimeoutException} unless it completes within
     * {@code timeoutMs}; like {@link CompletableFuture#orTimeout}.
     */
    <T> CompletableFuture<T> within(CompletableFuture<T> future, long timeoutMs) {
        if (future.isDone()) {
            return future;
        }
        try {
            ScheduledFuture<?> timeout = timer.schedule(
                    () -> future.completeExceptionally(new TimeoutException("no answer within " + timeoutMs + " ms")),
                    timeoutMs, TimeUnit.MILLISECONDS);
            future.whenComplete((value, error) -> timeout.cancel(false));
        } catch (RejectedExecutionException closed) {
            future.completeExceptionally(new IllegalStateException("The Redis backend is closed", closed));
        }
        return future;
    }

    /** Ends the thread once the timeouts already set have fired, so every call still completes. */
    @Override
    public void close() {
        timer.shutdown();
    }
}
