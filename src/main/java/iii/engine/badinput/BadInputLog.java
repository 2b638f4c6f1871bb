package iii.engine.badinput;

import iii.engine.config.EngineExecutors;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.EnumMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Logs bad input once per connection and kind, and counts the rest. The first occurrence of a {@link BadInput} kind
 * on a connection is logged in full (who sent it, what was wrong) at the kind's level, under the logger of the code
 * that found it; later ones of that kind on that connection are only counted, and once a minute one line says how
 * many of each kind went unlogged since the previous summary (no line when there were none).
 *
 * <p>Why: a worker that sends a broken frame usually sends the same broken frame again and again, and one log line
 * per frame let 100,000 bad frames over 200 connections write 54 MB of log. The first line tells an operator what is
 * wrong and who does it; the summary says that it goes on and how much.
 *
 * <p>Kinds an operator audits one by one (refused access) are logged each, up to {@link BadInput#linesPerMinute()}
 * lines a minute engine-wide, and counted past that.
 *
 * <p>Memory stays bounded whatever the input: what a connection has had logged is a {@link BadInputMarks} the
 * connection holds (and drops when it goes), and the counters are one per kind, not per connection.
 */
@ApplicationScoped
public class BadInputLog {

    private static final Logger LOG = Logger.getLogger(BadInputLog.class.getName());

    /** How often the counts are logged and reset. */
    static final long SUMMARY_MINUTES = 1;

    /** For input that arrives without a connection of its own (e.g. a call the engine itself started). */
    private final BadInputMarks connectionless = new BadInputMarks();
    private final Map<BadInput, LongAdder> unlogged = new EnumMap<>(BadInput.class);
    /** Lines logged this minute, for the kinds logged one by one ({@link BadInput#linesPerMinute()}). */
    private final Map<BadInput, AtomicInteger> logged = new EnumMap<>(BadInput.class);
    private EngineExecutors executors;
    private ScheduledFuture<?> summaries;

    protected BadInputLog() {
    }

    @Inject
    public BadInputLog(EngineExecutors executors) {
        this.executors = executors;
        for (var kind : BadInput.values()) {
            unlogged.put(kind, new LongAdder());
            logged.put(kind, new AtomicInteger());
        }
    }

    @PostConstruct
    void start() {
        summaries = executors.scheduler().scheduleAtFixedRate(this::summarize, SUMMARY_MINUTES, SUMMARY_MINUTES,
                TimeUnit.MINUTES);
    }

    @PreDestroy
    void stop() {
        summaries.cancel(false);
    }

    /**
     * One occurrence of bad input of {@code kind} on the connection whose marks are {@code connection} (null: not
     * tied to a connection). The first of its kind there is logged to {@code log}; the message is built only then.
     */
    public void report(Logger log, BadInputMarks connection, BadInput kind, Supplier<String> message) {
        report(log, connection, kind, message, null);
    }

    /** As {@link #report(Logger, BadInputMarks, BadInput, Supplier)}, with the exception that says what failed. */
    public void report(Logger log, BadInputMarks connection, BadInput kind, Supplier<String> message,
                       Throwable thrown) {
        boolean first = kind.linesPerMinute() > 0
                ? logged.get(kind).getAndIncrement() < kind.linesPerMinute()
                : (connection == null ? connectionless : connection).mark(kind);
        if (first) {
            if (log.isLoggable(kind.level())) {
                // the source is the code that found it, not this class
                log.logp(kind.level(), log.getName(), null, message.get() + " [" + kind.label()
                        + (kind.linesPerMinute() > 0 ? "]" : ": the first from this connection; further ones are only counted]"),
                        thrown);
            }
        } else {
            unlogged.get(kind).increment();
        }
    }

    /**
     * Logs how many occurrences of each kind went unlogged since the previous summary, and starts counting anew.
     * Logs nothing when there were none. Runs once a minute on the engine's scheduler.
     */
    public void summarize() {
        var counts = new StringJoiner(", ");
        logged.values().forEach(lines -> lines.set(0));
        for (var entry : unlogged.entrySet()) {
            long count = entry.getValue().sumThenReset();
            if (count > 0) {
                counts.add(entry.getKey().label() + " " + count);
            }
        }
        if (counts.length() > 0) {
            LOG.warning("Bad input not logged one by one since the last summary (" + SUMMARY_MINUTES + " min): "
                    + counts);
        }
    }
}
