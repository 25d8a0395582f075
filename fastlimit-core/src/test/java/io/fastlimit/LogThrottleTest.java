package io.fastlimit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/** Through the JDK's own logging: what a throttled message carries, and what is held back. */
class LogThrottleTest {

    private static final String LOGGER_NAME = "io.fastlimit.LogThrottleTest";

    private final List<LogRecord> records = new ArrayList<>();
    private final Logger julLogger = Logger.getLogger(LOGGER_NAME);
    private final Handler recorder = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private final LogThrottle throttle;

    LogThrottleTest() {
        julLogger.addHandler(recorder);
        julLogger.setUseParentHandlers(false); // recorded here, not printed
        throttle = new LogThrottle(System.getLogger(LOGGER_NAME), Level.WARNING, 10_000);
    }

    @AfterEach
    void removeRecorder() {
        julLogger.removeHandler(recorder);
        julLogger.setUseParentHandlers(true);
    }

    @Test
    void theLoggerIsGivenTheThrowableWithItsStackTrace() {
        IllegalStateException failure = new IllegalStateException("connection refused");

        throttle.log(1_000, "Backend failed", failure);

        assertThat(records).singleElement().satisfies(record -> {
            assertThat(record.getLevel()).isEqualTo(java.util.logging.Level.WARNING);
            assertThat(record.getMessage()).isEqualTo("Backend failed");
            assertThat(record.getThrown()).isSameAs(failure);
        });
    }

    @Test
    void messagesWithinAnIntervalAreCountedAndReportedWithTheNext() {
        throttle.log(1_000, "Backend failed", new IllegalStateException("first"));
        throttle.log(2_000, "Backend failed", new IllegalStateException("second"));
        throttle.log(10_999, "Backend failed", new IllegalStateException("third"));
        IllegalStateException fourth = new IllegalStateException("fourth");
        throttle.log(11_000, "Backend failed", fourth);

        assertThat(records).hasSize(2);
        assertThat(records.get(1).getMessage()).isEqualTo("Backend failed (2 similar messages suppressed)");
        assertThat(records.get(1).getThrown()).isSameAs(fourth);
    }

    @Test
    void aMessageWithoutACauseHasNone() {
        throttle.log(1_000, "Would have blocked", null);

        assertThat(records).singleElement().satisfies(record -> assertThat(record.getThrown()).isNull());
    }
}
