package iii.engine.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iii.engine.access.Grant;
import iii.engine.access.RbacSession;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class WorkerTest {

    @Test
    void a_burst_of_registrations_is_logged_at_info_up_to_the_limit_of_a_second_and_says_so() {
        var notices = new CopyOnWriteArrayList<String>();
        var logger = Logger.getLogger(Worker.class.getName());
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                notices.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(handler);
        try {
            var worker = new Worker(null, "127.0.0.1");
            int burst = 3 * Worker.LOGGED_REGISTRATIONS_PER_SECOND;
            var levels = IntStream.range(0, burst).mapToObj(i -> worker.registrationLogLevel()).toList();

            long atInfo = levels.stream().filter(Level.INFO::equals).count();
            // the burst takes far less than a second, so it spans one second or, at most, two
            assertTrue(atInfo >= Worker.LOGGED_REGISTRATIONS_PER_SECOND
                    && atInfo <= 2L * Worker.LOGGED_REGISTRATIONS_PER_SECOND, "at INFO: " + atInfo);
            assertEquals(Level.INFO, levels.get(0));
            assertEquals(burst - atInfo, levels.stream().filter(Level.FINE::equals).count());
            assertTrue(notices.size() == 1 || notices.size() == 2, notices::toString);
        } finally {
            logger.removeHandler(handler);
        }
    }

    @Test
    void a_sessions_registrations_are_logged_at_fine() {
        var session = new RbacSession(new Grant("user:alice", List.of(), List.of(), null, false, true, null, null,
                List.of()));
        var worker = new Worker(null, "127.0.0.1", session);

        assertEquals(Level.FINE, worker.registrationLogLevel());
    }
}
