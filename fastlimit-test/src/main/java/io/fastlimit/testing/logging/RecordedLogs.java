package io.fastlimit.testing.logging;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Records what the loggers under a name log, at every level, instead of printing it, for a test
 * that expects a message: {@code try (RecordedLogs logs = RecordedLogs.of("io.fastlimit")) { ... }}.
 * Puts the logger's level and handlers back when closed.
 */
public final class RecordedLogs implements AutoCloseable {

    private final Logger logger;
    private final Level originalLevel;
    private final boolean originalUseParentHandlers;
    private final List<LogRecord> records = new ArrayList<>();
    private final Handler recorder = new Handler() {
        @Override
        public void publish(LogRecord record) {
            synchronized (records) {
                records.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private RecordedLogs(String loggerName) {
        this.logger = Logger.getLogger(loggerName); // held: java.util.logging keeps loggers only weakly
        this.originalLevel = logger.getLevel();
        this.originalUseParentHandlers = logger.getUseParentHandlers();
        recorder.setLevel(Level.ALL);
        logger.addHandler(recorder);
        logger.setUseParentHandlers(false);
        logger.setLevel(Level.ALL);
    }

    /** Starts recording what {@code loggerName} and the loggers below it log. */
    public static RecordedLogs of(String loggerName) {
        return new RecordedLogs(loggerName);
    }

    /** The messages recorded so far, at {@code level} or above, each followed by its cause's message if any. */
    public List<String> messages(Level level) {
        List<String> messages = new ArrayList<>();
        synchronized (records) {
            for (LogRecord record : records) {
                if (record.getLevel().intValue() >= level.intValue()) {
                    messages.add(record.getMessage() + (record.getThrown() == null ? "" : " " + record.getThrown()));
                }
            }
        }
        return messages;
    }

    /** Every message recorded so far. */
    public List<String> messages() {
        return messages(Level.ALL);
    }

    @Override
    public void close() {
        logger.removeHandler(recorder);
        logger.setUseParentHandlers(originalUseParentHandlers);
        logger.setLevel(originalLevel);
    }
}
