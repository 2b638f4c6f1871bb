package iii.engine.core;

import iii.engine.config.EngineExecutors;
import iii.engine.lifecycle.Heartbeat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeartbeatTest {

    private final TestEngine engine = new TestEngine();
    private final Heartbeat heartbeat = new Heartbeat(engine.workers, engine.cleanup, engine.config,
            new EngineExecutors(Runnable::run, engine.scheduler));

    @AfterEach
    void close() {
        engine.close();
    }

    @Test
    void aWorkerSilentForTwoBeatsIsRetiredAndItsFunctionsRemoved() {
        var silent = engine.connect().register("ghost::f");
        heartbeat.beat();
        heartbeat.beat();
        assertFalse(silent.worker.isRetired(), "one silent beat is tolerated");
        heartbeat.beat();
        assertTrue(silent.worker.isRetired());
        assertTrue(silent.closed);
        assertNull(engine.functions.get("ghost::f"));
        assertEquals(3, silent.pings.get());
    }

    @Test
    void aWorkerThatAnswersStaysConnected() {
        var alive = engine.connect().register("alive::f");
        for (int i = 0; i < 10; i++) {
            heartbeat.beat();
            alive.worker.heard();
        }
        assertFalse(alive.worker.isRetired());
        assertEquals(alive.worker, engine.functions.get("alive::f").owner());
    }
}
