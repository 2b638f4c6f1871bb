package iii.engine.connection;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrameAssemblerTest {

    @Test
    void wholeMessagePassesWithoutACopy() {
        var frames = new FrameAssembler(100);
        var message = "{\"type\":\"ping\"}";
        assertSame(message, frames.text(message, true));
        assertFalse(frames.oversize());
        assertEquals(message.length(), frames.size());
    }

    @Test
    void partsAreJoined() {
        var frames = new FrameAssembler(100);
        assertNull(frames.text("{\"type\":", false));
        assertEquals("{\"type\":\"ping\"}", frames.text("\"ping\"}", true));
        assertFalse(frames.oversize());
    }

    @Test
    void manyFragmentsStopGrowingPastTheLimitAndAreReportedOversize() {
        var frames = new FrameAssembler(1000);
        var fragment = "x".repeat(400);
        String message = null;
        for (int i = 0; i < 100; i++) {
            message = frames.text(fragment, i == 99);
        }
        assertTrue(frames.oversize());
        assertEquals(40_000, frames.size());
        assertTrue(message.length() <= 1400, "kept only the head");
        assertEquals("ok", frames.text("ok", true));
        assertFalse(frames.oversize(), "the next message starts afresh");
    }

    @Test
    void sizeCountsUtf8BytesNearTheLimit() {
        var frames = new FrameAssembler(10);
        frames.text("ééééé", true);
        assertEquals(10, frames.size());
        assertFalse(frames.oversize());
        frames.text("éééééé", true);
        assertTrue(frames.oversize());
    }

    @Test
    void binaryPartsAreJoinedAndBounded() {
        var frames = new FrameAssembler(8);
        assertNull(frames.binary(ByteBuffer.wrap(new byte[]{1, 2, 3}), false));
        assertEquals(ByteBuffer.wrap(new byte[]{1, 2, 3, 4}), frames.binary(ByteBuffer.wrap(new byte[]{4}), true));
        assertFalse(frames.oversize());
        for (int i = 0; i < 10; i++) {
            frames.binary(ByteBuffer.wrap(new byte[5]), i == 9);
        }
        assertTrue(frames.oversize());
        assertEquals(50, frames.size());
    }
}
