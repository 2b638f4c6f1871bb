package iii.engine.access;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How a denied id appears in the log: whole up to 200 characters, beyond that cut with its length. */
class AccessGateClipTest {

    @Test
    void shortIdIsLoggedWhole() {
        assertEquals("orders::status", AccessGate.clip("orders::status"));
        assertEquals("a".repeat(200), AccessGate.clip("a".repeat(200)));
        assertNull(AccessGate.clip(null));
    }

    @Test
    void frameSizedIdIsCutToItsStartAndLength() {
        var clipped = AccessGate.clip("fault::" + "x".repeat(65_536));
        assertTrue(clipped.startsWith("fault::xxx"));
        assertTrue(clipped.endsWith("… (65543 chars)"));
        assertTrue(clipped.length() < 230);
    }
}
