package iii.engine.core;

import iii.engine.testing.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServerLogTest {

    private final TestEngine engine = new TestEngine();
    private final Logger root = Logger.getLogger("iii.engine");
    private final LogCapture capture = new LogCapture();
    private final List<LogRecord> records = capture.records();

    @BeforeEach
    void listen() {
        capture.setLevel(Level.INFO);
        root.addHandler(capture);
    }

    @AfterEach
    void close() {
        root.removeHandler(capture);
        engine.close();
    }

    private List<String> lines() {
        var lines = records.stream().map(record -> record.getMessage() == null ? "" : record.getMessage()).toList();
        records.clear();
        return lines;
    }

    @Test
    void registrationsAndDisconnectsLogOneInfoLineWithWorkerIdAndNameAndInvocationsNone() {
        var worker = engine.connect();
        worker.say("{\"type\":\"invokefunction\",\"function_id\":\"engine::workers::register\",\"data\":"
                + "{\"name\":\"billing\",\"runtime\":\"node\",\"version\":\"0.22.1\"}}");
        var named = lines();
        assertEquals(1, named.size(), named::toString);
        assertTrue(named.get(0).contains(worker.id()) && named.get(0).contains("billing"), named::toString);

        worker.register("billing::charge");
        worker.say("{\"type\":\"registertrigger\",\"id\":\"on-log\",\"trigger_type\":\"log\",\"function_id\":"
                + "\"billing::charge\",\"config\":{\"level\":\"error\"}}");
        worker.say("{\"type\":\"registerservice\",\"id\":\"billing\"}");
        var registrations = lines();
        assertEquals(3, registrations.size(), registrations::toString);
        registrations.forEach(line -> assertTrue(line.contains(worker.id()) && line.contains("billing"), line));

        var caller = engine.connect();
        lines();
        for (int i = 0; i < 100; i++) {
            var id = UUID.randomUUID();
            caller.say("{\"type\":\"invokefunction\",\"invocation_id\":\"" + id + "\",\"function_id\":"
                    + "\"billing::charge\",\"data\":{}}");
            var call = worker.await("invokefunction");
            worker.say("{\"type\":\"invocationresult\",\"invocation_id\":\"" + call.getString("invocation_id")
                    + "\",\"function_id\":\"billing::charge\",\"result\":1}");
            caller.await("invocationresult");
        }
        assertEquals(List.of(), lines(), "nothing per invocation at INFO");

        worker.disconnect();
        var gone = lines();
        assertEquals(1, gone.size(), gone::toString);
        assertTrue(gone.get(0).contains(worker.id()) && gone.get(0).contains("billing"), gone::toString);
    }

    @Test
    void aWorkerSendingThousandsOfBadFramesGetsAnErrorForEachButTheLogOneLinePerKindAndConnection() {
        var noisy = engine.connect();
        var other = engine.connect();
        lines();
        for (int i = 0; i < 1000; i++) {
            noisy.say("{\"type\":\"invokefunction\",\"function_id\":");
            noisy.sayBinary("", "\u00ff binary " + i);
        }
        for (int i = 0; i < 10; i++) {
            engine.dispatcher.onRefused(noisy.worker, "{\"type\":\"registerfunction\"",
                    "frame of 1073741824 bytes exceeds the limit");
        }
        other.say("not json");
        assertEquals(2010, noisy.received("error").size(), "every bad frame is still answered");
        assertEquals(1, other.received("error").size());

        var logged = lines();
        assertEquals(3, logged.size(), logged::toString);
        assertTrue(logged.get(0).contains(noisy.id()) && logged.get(0).contains("invalid_message"), logged::toString);
        assertTrue(logged.get(1).contains(noisy.id()) && logged.get(1).contains("payload_too_large"),
                logged::toString);
        assertTrue(logged.get(2).contains(other.id()) && logged.get(2).contains("invalid_message"), logged::toString);

        engine.badInput.summarize();
        var summary = lines();
        assertEquals(1, summary.size(), summary::toString);
        assertTrue(summary.get(0).contains("invalid_message 1999, payload_too_large 9"), summary::toString);
    }
}
