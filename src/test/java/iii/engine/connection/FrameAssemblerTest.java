package iii.engine.connection;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrameAssemblerTest {

    @Test
    void wholeMessagePassesWithoutACopy() {
        var frames = new FrameAssembler(100, null);
        var message = "{\"type\":\"ping\"}";
        assertSame(message, frames.text(message, true));
        assertNull(frames.refusal());
    }

    @Test
    void partsAreJoined() {
        var frames = new FrameAssembler(100, null);
        assertNull(frames.text("{\"type\":", false));
        assertEquals("{\"type\":\"ping\"}", frames.text("\"ping\"}", true));
        assertNull(frames.refusal());
    }

    @Test
    void manyFragmentsStopGrowingPastTheLimitAndAreRefusedWithTheirSize() {
        var frames = new FrameAssembler(1000, null);
        var fragment = "x".repeat(400);
        String message = null;
        for (int i = 0; i < 100; i++) {
            message = frames.text(fragment, i == 99);
        }
        assertEquals("frame of 40000 bytes exceeds the limit of 1000 bytes", frames.refusal());
        assertTrue(message.length() <= 1400, "kept only the head");
        assertEquals("ok", frames.text("ok", true));
        assertNull(frames.refusal(), "the next message starts afresh");
    }

    @Test
    void sizeCountsUtf8BytesNearTheLimit() {
        var frames = new FrameAssembler(10, null);
        frames.text("ééééé", true);
        assertNull(frames.refusal());
        frames.text("éééééé", true);
        assertEquals("frame of 12 bytes exceeds the limit of 10 bytes", frames.refusal());
    }

    @Test
    void binaryPartsAreJoinedAndBounded() {
        var frames = new FrameAssembler(8, null);
        assertNull(frames.binary(ByteBuffer.wrap(new byte[]{1, 2, 3}), false));
        assertEquals(ByteBuffer.wrap(new byte[]{1, 2, 3, 4}),
                frames.binary(ByteBuffer.wrap(new byte[]{4}), true));
        assertNull(frames.refusal());
        for (int i = 0; i < 10; i++) {
            frames.binary(ByteBuffer.wrap(new byte[5]), i == 9);
        }
        assertEquals("frame of 50 bytes exceeds the limit of 8 bytes", frames.refusal());
    }

    @Test
    void clearForgetsAMessageInProgress() {
        var frames = new FrameAssembler(100, null);
        frames.text("{\"type\":", false);
        frames.clear();
        assertEquals("{}", frames.text("{}", true));
        assertNull(frames.refusal());
    }
}
