package iii.engine.access;

import iii.engine.protocol.RawJson;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Entries of {@code iii.rbac.expose-functions}: id globs and metadata conditions, as iii's FunctionFilter. */
class FunctionFilterTest {

    private static RawJson json(String text) {
        return RawJson.trusted(text);
    }

    private static boolean matches(String entry, String metadata) {
        return FunctionFilter.parse(entry).matches("any::id", metadata == null ? null : json(metadata));
    }

    @Test
    void listIsSplitAtCommasAndBlankEntriesAreSkipped() {
        assertEquals(List.of(new FunctionFilter.Pattern("a::*"), new FunctionFilter.Pattern("b"),
                        new FunctionFilter.Pattern("*::public")),
                FunctionFilter.parseAll(" a::* , ,b ,,\t*::public , "));
        assertEquals(List.of(), FunctionFilter.parseAll(null));
        assertEquals(List.of(), FunctionFilter.parseAll(""));
        assertEquals(List.of(), FunctionFilter.parseAll(" , ,"));
    }

    @Test
    void matchWrapperInEitherQuoteIsTheGlobItHolds() {
        assertEquals(new FunctionFilter.Pattern("x::*"), FunctionFilter.parse("match(\"x::*\")"));
        assertEquals(new FunctionFilter.Pattern("x"), FunctionFilter.parse("match('x')"));
        var filter = FunctionFilter.parse("match(\"test::ew::*\")");
        assertTrue(filter.matches("test::ew::echo", null));
        assertFalse(filter.matches("test::other::echo", null));
    }

    @Test
    void entryThatOnlyLooksLikeMatchIsAPlainGlob() {
        assertEquals(new FunctionFilter.Pattern("match(engine::*)"), FunctionFilter.parse("match(engine::*)"));
        assertEquals(new FunctionFilter.Pattern("match(\"x')"), FunctionFilter.parse("match(\"x')"));
        assertEquals(new FunctionFilter.Pattern("engine::*"), FunctionFilter.parse("engine::*"));
    }

    @Test
    void patternIgnoresMetadata() {
        var filter = FunctionFilter.parse("api::*");
        assertTrue(filter.matches("api::x", null));
        assertTrue(filter.matches("api::x", json("{\"public\":false}")));
        assertFalse(filter.matches("internal::x", json("{\"public\":true}")));
    }

    @Test
    void metadataBooleanMatchesOnlyThatBoolean() {
        assertTrue(matches("metadata:public=true", "{\"public\":true}"));
        assertTrue(matches("metadata:public=true", "{\"team\":\"x\",\"public\":true}"));
        assertFalse(matches("metadata:public=true", "{\"public\":false}"));
        assertFalse(matches("metadata:public=true", "{\"public\":\"true\"}"));
        assertTrue(FunctionFilter.parseAll(" metadata: public = false ").get(0).matches("f",
                json("{\"public\":false}")));
    }

    @Test
    void metadataConditionIgnoresTheFunctionId() {
        var filter = FunctionFilter.parse("metadata:public=true");
        assertTrue(filter.matches("anything::at::all", json("{\"public\":true}")));
        assertTrue(filter.matches("", json("{\"public\":true}")));
    }

    @Test
    void metadataQuotedStringMatchesThatString() {
        assertTrue(matches("metadata:tier=\"gold\"", "{\"tier\":\"gold\"}"));
        assertFalse(matches("metadata:tier=\"gold\"", "{\"tier\":\"golden\"}"));
        assertFalse(matches("metadata:tier=\"*\"", "{\"tier\":\"gold\"}"));
        assertTrue(matches("metadata:tier=\"*\"", "{\"tier\":\"*\"}"));
    }

    @Test
    void metadataNumberMatchesThatNumberNotItsText() {
        assertTrue(matches("metadata:level=42", "{\"level\":42}"));
        assertFalse(matches("metadata:level=42", "{\"level\":43}"));
        assertFalse(matches("metadata:level=42", "{\"level\":\"42\"}"));
    }

    @Test
    void metadataObjectValueMatchesAnEqualObject() {
        assertTrue(matches("metadata:owner={\"team\":\"a\"}", "{\"owner\":{\"team\":\"a\"}}"));
        assertFalse(matches("metadata:owner={\"team\":\"a\"}", "{\"owner\":{\"team\":\"b\"}}"));
    }

    @Test
    void metadataMatchIsAGlobOverAStringMember() {
        for (var entry : List.of("metadata:k=match(\"*pub*\")", "metadata:k=match('*pub*')",
                "metadata:k=\"match(\\\"*pub*\\\")\"")) {
            assertTrue(matches(entry, "{\"k\":\"mypublic\"}"), entry);
            assertTrue(matches(entry, "{\"k\":\"pub\"}"), entry);
            assertFalse(matches(entry, "{\"k\":\"private\"}"), entry);
            assertFalse(matches(entry, "{\"k\":42}"), entry);
            assertFalse(matches(entry, "{\"k\":[\"pub\"]}"), entry);
        }
    }

    @Test
    void valueThatIsNotJsonIsTakenAsAString() {
        assertTrue(matches("metadata:tier=gold", "{\"tier\":\"gold\"}"));
        assertFalse(matches("metadata:tier=gold", "{\"tier\":\"silver\"}"));
        assertTrue(matches("metadata:owner=team a", "{\"owner\":\"team a\"}"));
    }

    @Test
    void valueWithJsonFollowedByMoreTextIsTakenAsAStringWhole() {
        assertTrue(matches("metadata:version=1.2.3", "{\"version\":\"1.2.3\"}"));
        assertFalse(matches("metadata:version=1.2.3", "{\"version\":1.2}"));
        assertTrue(matches("metadata:build=42abc", "{\"build\":\"42abc\"}"));
        assertFalse(matches("metadata:build=42abc", "{\"build\":42}"));
        assertTrue(matches("metadata:flag=true false", "{\"flag\":\"true false\"}"));
        assertFalse(matches("metadata:flag=true false", "{\"flag\":true}"));
    }

    @Test
    void malformedMetadataEntryIsAClearError() {
        for (var entry : List.of("metadata:", "metadata:=true", "metadata:public", "metadata: =1")) {
            var error = assertThrows(IllegalArgumentException.class, () -> FunctionFilter.parse(entry), entry);
            assertTrue(error.getMessage().contains("'" + entry + "'"), error.getMessage());
            assertTrue(error.getMessage().contains("metadata:KEY=VALUE"), error.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> FunctionFilter.parseAll("api::*, metadata:public"));
    }

    @Test
    void metadataConditionNeedsAnObjectWithTheKey() {
        assertFalse(matches("metadata:public=true", null));
        assertFalse(matches("metadata:public=true", "null"));
        assertFalse(matches("metadata:public=true", "[true]"));
        assertFalse(matches("metadata:public=true", "\"public\""));
        assertFalse(matches("metadata:public=true", "true"));
        assertFalse(matches("metadata:public=true", "{}"));
        assertFalse(matches("metadata:public=true", "{\"other\":true}"));
        assertFalse(matches("metadata:public=null", "{}"));
        assertTrue(matches("metadata:public=null", "{\"public\":null}"));
        assertFalse(matches("metadata:k=match(\"*\")", "{}"));
    }
}
