package iii.engine.protocol;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@link RawJson#withMember} is how {@code _caller_worker_id} gets into a payload (PROTOCOL.md §2.11). */
class RawJsonTest {

    private static final String CALLER = "aaaaaaaa-0000-4000-8000-000000000001";

    private static RawJson withCaller(String payload) {
        var result = RawJson.trusted(payload).withMember("_caller_worker_id", CALLER);
        JsonScanner.members(result.text());
        result.toJsonValue();
        return result;
    }

    @Test
    void aMemberAddedToAnEmptyObjectIsItsOnlyMember() {
        assertEquals("{\"_caller_worker_id\":\"" + CALLER + "\"}", withCaller("{}").text());
    }

    @Test
    void aMemberAddedToAnEmptyObjectWithWhitespaceNeedsNoComma() {
        assertEquals("{ \"_caller_worker_id\":\"" + CALLER + "\"}", withCaller("{ }").text());
    }

    @Test
    void aMemberIsAppendedAfterTheExistingOnes() {
        assertEquals("{\"a\":1,\"_caller_worker_id\":\"" + CALLER + "\"}", withCaller("{\"a\":1}").text());
    }

    @Test
    void aMemberAlreadyPresentIsShadowedByTheAppendedOne() {
        var result = withCaller("{\"_caller_worker_id\":\"forged\",\"x\":{\"y\":\"}\"}}");
        assertEquals("{\"_caller_worker_id\":\"forged\",\"x\":{\"y\":\"}\"},\"_caller_worker_id\":\"" + CALLER + "\"}",
                result.text());
        assertEquals(CALLER, JsonScanner.stringValue(JsonScanner.members(result.text()).get("_caller_worker_id")));
    }

    @Test
    void aMemberCannotBeAddedToANonObject() {
        assertThrows(IllegalStateException.class, () -> RawJson.trusted("[1]").withMember("a", "b"));
    }

    @Test
    void jsonNullIsNullAndAnObjectIsAnObject() {
        assertEquals(true, RawJson.NULL.isNull());
        assertEquals(true, RawJson.EMPTY_OBJECT.isObject());
        assertEquals(false, RawJson.string("null").isNull());
    }
}
