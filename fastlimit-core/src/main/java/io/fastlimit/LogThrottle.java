package io.fastlimit;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Logs at most one message per interval, counting what it held back, so a flood of blocked requests
 * or a dead backend cannot flood the log. Lock-free; thread-safe.
 */
final class LogThrottle {

    private final Logger logger;
    private final Level level;
    private final long intervalMs;
    private final AtomicLong nextLogAtMs = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong suppressed = new AtomicLong();

    LogThrottle(Logger logger, Level level, long intervalMs) {
        this.logger = logger;
        this.level = level;
        this.intervalMs = intervalMs;
    }

    /**
     * Logs {@code message}, with {@code error} (may be {@code null}) as its cause, unless another message
     * was logged less than an interval ago.
     */
    void log(long nowMs, String message, Throwable error) {
        long next = nextLogAtMs.get();
        if (nowMs < next || !nextLogAtMs.compareAndSet(next, nowMs + intervalMs)) {
            suppressed.incrementAndGet();
            return;
        }
        long held = suppressed.getAndSet(0);
        String text = held == 0 ? message : message + " (" + held + " similar messages suppressed)";
        if (error == null) {
            logger.log(level, text);
        } else {
            logger.log(level, text, error); // the logger prints the cause and its stack trace
        }
    }
}
