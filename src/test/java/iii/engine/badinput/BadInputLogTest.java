package iii.engine.badinput;

import iii.engine.config.EngineExecutors;
import iii.engine.testing.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BadInputLogTest {

    private final Logger log = Logger.getLogger("iii.engine.badinput.test");
    private final Logger summaries = Logger.getLogger(BadInputLog.class.getName());
    private final LogCapture capture = new LogCapture();
    private final List<LogRecord> records = capture.records();
    private final BadInputLog badInput = new BadInputLog(null);

    @BeforeEach
    void listen() {
        log.addHandler(capture);
        summaries.addHandler(capture);
    }

    @AfterEach
    void stop() {
        log.removeHandler(capture);
        summaries.removeHandler(capture);
    }

    private List<String> lines() {
        var lines = records.stream().map(LogRecord::getMessage).toList();
        records.clear();
        return lines;
    }

    @Test
    void theFirstOccurrenceOfAKindOnAConnectionIsLoggedInFullAndTheRestOnlyCounted() {
        var connection = new BadInputMarks();
        for (int i = 0; i < 1000; i++) {
            int n = i;
            badInput.report(log, connection, BadInput.INVALID_MESSAGE, () -> "frame " + n + " of worker w1 is bad");
        }
        var lines = lines();
        assertEquals(1, lines.size(), lines::toString);
        assertTrue(lines.get(0).startsWith("frame 0 of worker w1 is bad [invalid_message"), lines::toString);

        badInput.summarize();
        assertEquals(List.of("Bad input not logged one by one since the last summary (1 min): invalid_message 999"),
                lines());
    }

    @Test
    void theMessageOfACountedOccurrenceIsNotEvenBuilt() {
        var connection = new BadInputMarks();
        var built = new AtomicInteger();
        for (int i = 0; i < 10; i++) {
            badInput.report(log, connection, BadInput.PAYLOAD_TOO_LARGE, () -> "built " + built.incrementAndGet());
        }
        assertEquals(1, built.get());
    }

    @Test
    void eachKindAndEachConnectionHasItsOwnFirstLine() {
        var first = new BadInputMarks();
        var second = new BadInputMarks();
        badInput.report(log, first, BadInput.INVALID_MESSAGE, () -> "first invalid");
        badInput.report(log, first, BadInput.PAYLOAD_TOO_LARGE, () -> "first too large");
        badInput.report(log, second, BadInput.INVALID_MESSAGE, () -> "second invalid");
        badInput.report(log, first, BadInput.INVALID_MESSAGE, () -> "first invalid again");
        badInput.report(log, second, BadInput.PAYLOAD_TOO_LARGE, () -> "second too large");
        var lines = lines();
        assertEquals(4, lines.size(), lines::toString);
        assertTrue(lines.get(0).startsWith("first invalid ["), lines::toString);
        assertTrue(lines.get(1).startsWith("first too large ["), lines::toString);
        assertTrue(lines.get(2).startsWith("second invalid ["), lines::toString);
        assertTrue(lines.get(3).startsWith("second too large ["), lines::toString);
    }

    @Test
    void theFirstLineHasTheKindsLevelAndTheException() {
        var failure = new IllegalStateException("a bug");
        badInput.report(log, new BadInputMarks(), BadInput.HANDLER_FAILED, () -> "handler failed", failure);
        badInput.report(log, new BadInputMarks(), BadInput.BUILTIN_FAILED, () -> "built-in failed");
        assertEquals(Level.SEVERE, records.get(0).getLevel());
        assertSame(failure, records.get(0).getThrown());
        assertEquals(Level.WARNING, records.get(1).getLevel());
        assertNull(records.get(1).getThrown());
    }

    @Test
    void inputWithoutAConnectionIsLoggedOncePerKindAndThenCounted() {
        for (int i = 0; i < 5; i++) {
            badInput.report(log, null, BadInput.BUILTIN_FAILED, () -> "engine call failed");
        }
        assertEquals(1, lines().size());
        badInput.summarize();
        assertEquals(List.of("Bad input not logged one by one since the last summary (1 min): builtin_failed 4"),
                lines());
    }

    @Test
    void theSummaryRunsOnceAMinuteOnTheEnginesScheduler() {
        var scheduler = new ScheduledThreadPoolExecutor(1);
        try {
            var scheduled = new BadInputLog(new EngineExecutors(Runnable::run, scheduler));
            scheduled.start();
            var task = (ScheduledFuture<?>) scheduler.getQueue().peek();
            assertEquals(1, scheduler.getQueue().size());
            assertEquals(60, task.getDelay(TimeUnit.SECONDS), 1);
            scheduled.stop();
            assertTrue(task.isCancelled());
        } finally {
            scheduler.shutdownNow();
        }
    }

    @Test
    void aSummaryCountsOnlySinceThePreviousOneAndSaysNothingWhenNothingWasCounted() {
        badInput.summarize();
        assertEquals(List.of(), lines());

        var connection = new BadInputMarks();
        for (int i = 0; i < 3; i++) {
            badInput.report(log, connection, BadInput.INVALID_MESSAGE, () -> "invalid");
            badInput.report(log, connection, BadInput.TELEMETRY_UNREADABLE, () -> "unreadable");
        }
        lines();
        badInput.summarize();
        assertEquals(List.of("Bad input not logged one by one since the last summary (1 min): invalid_message 2, "
                + "telemetry_unreadable 2"), lines());
        badInput.summarize();
        assertEquals(List.of(), lines(), "nothing new since the last summary");

        badInput.report(log, connection, BadInput.INVALID_MESSAGE, () -> "invalid");
        badInput.summarize();
        assertEquals(List.of("Bad input not logged one by one since the last summary (1 min): invalid_message 1"),
                lines());
    }
}
