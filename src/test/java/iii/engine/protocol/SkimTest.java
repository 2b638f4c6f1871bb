package iii.engine.protocol;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link Codec#skim} is what the engine reads of a frame too large to decode (PROTOCOL.md Part A 7). */
class SkimTest {

    private static final UUID ID = UUID.fromString("9a0c7c1e-3f7b-4b1e-9a55-4d8e7b9c0f12");
    private static final Skim NOTHING = new Skim(null, null, null);

    /** About 20 MiB of valid JSON. */
    private static String hugeData() {
        return "[" + "{\"k\":\"0123456789abcdef\",\"n\":[1,2.5e3,true,null]},".repeat(400_000) + "0]";
    }

    @Test
    void aHugeFrameYieldsItsTypeIdAndFunction() {
        var frame = "{\"type\":\"invokefunction\",\"invocation_id\":\"" + ID + "\",\"function_id\":\"f\",\"data\":"
                + hugeData() + "}";
        assertEquals(new Skim("invokefunction", ID, "f"), Codec.skim(frame));
    }

    @Test
    void aHugeFrameWithTheFieldsAfterTheDataStillYieldsThem() {
        var frame = "{\"type\":\"invokefunction\",\"data\":" + hugeData() + ",\"function_id\":\"f\","
                + "\"invocation_id\":\"" + ID + "\"}";
        assertEquals(new Skim("invokefunction", ID, "f"), Codec.skim(frame));
    }

    @Test
    void aTruncatedFrameYieldsTheFieldsBeforeTheCut() {
        var frame = "{\"type\":\"invokefunction\",\"invocation_id\":\"" + ID + "\",\"function_id\":\"f\",\"data\":"
                + hugeData();
        assertEquals(new Skim("invokefunction", ID, "f"), Codec.skim(frame.substring(0, frame.length() / 2)));
        assertEquals(new Skim("invokefunction", ID, null), Codec.skim(frame.substring(0, 90)));
        assertEquals(new Skim("invokefunction", null, null), Codec.skim(frame.substring(0, 50)));
    }

    @Test
    void fieldsAfterTheCutAreNotFound() {
        var frame = "{\"type\":\"invocationresult\",\"result\":" + hugeData() + ",\"invocation_id\":\"" + ID + "\"}";
        assertEquals(new Skim("invocationresult", null, null), Codec.skim(frame.substring(0, frame.length() - 60)));
    }

    @Test
    void fieldsOfTheWrongTypeAreNull() {
        assertEquals(new Skim(null, null, null),
                Codec.skim("{\"type\":1,\"invocation_id\":\"abc\",\"function_id\":{\"id\":\"f\"}}"));
        assertEquals(new Skim("invokefunction", null, "f"),
                Codec.skim("{\"type\":\"invokefunction\",\"invocation_id\":42,\"function_id\":\"f\"}"));
    }

    @Test
    void nestedFieldsOfTheSameNameAreNotTopLevel() {
        assertEquals(new Skim("invokefunction", null, null), Codec.skim("{\"data\":{\"type\":\"x\",\"function_id\":"
                + "\"g\",\"invocation_id\":\"" + ID + "\"},\"type\":\"invokefunction\""));
    }

    @Test
    void escapedFieldValuesAreDecoded() {
        assertEquals(new Skim("ping", null, "a\"b"),
                Codec.skim("{\"type\":\"p\\u0069ng\",\"function_id\":\"a\\\"b\"}"));
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "   ", "[]", "[{\"type\":\"ping\"}]", "\"type\"", "42", "garbage", "{", "{\"type\"",
            "{\"type\":", "{\"type\":\"invokef", "\uD800"})
    void aFrameWithNothingToReadYieldsNothing(String frame) {
        assertEquals(NOTHING, Codec.skim(frame));
    }
}
