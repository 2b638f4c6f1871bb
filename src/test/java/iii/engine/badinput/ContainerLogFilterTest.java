package iii.engine.badinput;

import iii.engine.testing.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ContainerLogFilterTest {

    private final Logger container = Logger.getLogger("iii.engine.badinput.container-test");
    private final Logger summaries = Logger.getLogger(BadInputLog.class.getName());
    private final LogCapture capture = new LogCapture();
    private final List<LogRecord> records = capture.records();
    private final BadInputLog badInput = new BadInputLog(null);
    private final ContainerLogFilter filter = new ContainerLogFilter(badInput);

    @BeforeEach
    void listen() {
        container.setUseParentHandlers(false);
        container.addHandler(capture);
        summaries.addHandler(capture);
        filter.install(container);
    }

    @AfterEach
    void stop() {
        filter.uninstall();
        container.removeHandler(capture);
        summaries.removeHandler(capture);
    }

    @Test
    void undecodableUrisAreLoggedOnceWithoutTheirStackTraceThenCounted() {
        for (int i = 0; i < 1000; i++) {
            container.log(Level.SEVERE, "An exception or error occurred in the container during the request processing",
                    new IllegalArgumentException("URLDecoder: Illegal hex characters in escape (%) pattern - %ZZ"));
        }
        assertEquals(1, records.size());
        assertTrue(records.get(0).getMessage().contains("%ZZ"), records.get(0).getMessage());
        assertNull(records.get(0).getThrown());
        records.clear();
        badInput.summarize();
        assertTrue(records.get(0).getMessage().contains("malformed_uri 999"), records.get(0).getMessage());
    }

    @Test
    void everyOtherRecordOfTheContainerPasses() {
        container.log(Level.SEVERE, "a real failure", new IllegalStateException("broken"));
        container.log(Level.SEVERE, "another", new IllegalArgumentException("not a URI"));
        container.warning("plain");
        assertEquals(3, records.size());
    }

    @Test
    void uninstallingGivesTheLoggerItsOwnFilterBack() {
        filter.uninstall();
        container.setFilter(record -> false);
        filter.install(container);
        container.warning("still refused by the logger's own filter");
        assertEquals(0, records.size());
        filter.uninstall();
        container.setFilter(null);
    }
}
