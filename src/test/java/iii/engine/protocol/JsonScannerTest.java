package iii.engine.protocol;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonScannerTest {

    private static String text(Map<String, RawJson> members, String name) {
        return members.get(name).text();
    }

    private static Map<String, String> texts(Map<String, RawJson> members) {
        return members.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().text()));
    }

    private static FrameException refused(String frame) {
        return assertThrows(FrameException.class, () -> JsonScanner.members(frame));
    }

    @Test
    void membersKeepEachValueAsItsExactText() {
        var members = JsonScanner.members(
                " \t\r\n{ \"s\" : \"abc\" , \"n\":-0.5E+10,\"t\":true,\"f\":false,\"z\":null,\"o\":{ \"a\" : [ ] },"
                        + "\"a\":[1, 2.5e3, \"x\\u00e9\"]}\n ");
        assertEquals(Map.of("s", "\"abc\"", "n", "-0.5E+10", "t", "true", "f", "false", "z", "null",
                        "o", "{ \"a\" : [ ] }", "a", "[1, 2.5e3, \"x\\u00e9\"]"),
                texts(members));
    }

    @Test
    void anEmptyObjectHasNoMembers() {
        assertTrue(JsonScanner.members("{}").isEmpty());
        assertTrue(JsonScanner.members(" { \n } ").isEmpty());
    }

    @Test
    void theLastOfDuplicateNamesWins() {
        assertEquals("3", text(JsonScanner.members("{\"a\":1,\"a\":{\"a\":2},\"a\":3}"), "a"));
    }

    @Test
    void memberNamesAreDecoded() {
        var members = JsonScanner.members("{\"\\u0074ype\":1,\"a\\\"b\\\\c\\/\":2,\"\\ud83d\\ude00\":3}");
        assertEquals("1", text(members, "type"));
        assertEquals("2", text(members, "a\"b\\c/"));
        assertEquals("3", text(members, "\uD83D\uDE00"));
    }

    @Test
    void stringValueResolvesEveryEscape() {
        var json = RawJson.trusted("\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t \\u00e9\\u00E9 \\ud83d\\ude00 é😀 \\u0000\"");
        assertEquals("q\" b\\ s/ \b\f\n\r\t éé \uD83D\uDE00 é😀 \0", JsonScanner.stringValue(json));
    }

    @Test
    void stringValueWithoutEscapesIsTheTextBetweenTheQuotes() {
        assertEquals("orders::create", JsonScanner.stringValue(RawJson.trusted("\"orders::create\"")));
        assertEquals("", JsonScanner.stringValue(RawJson.trusted("\"\"")));
    }

    @Test
    void stringValueRefusesAValueThatIsNotAString() {
        assertThrows(IllegalArgumentException.class, () -> JsonScanner.stringValue(RawJson.trusted("42")));
        assertThrows(IllegalArgumentException.class, () -> JsonScanner.stringValue(RawJson.trusted("\"a\" \"b\"")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-0", "7", "-12", "1.5", "0.0001", "1e5", "1E+5", "1e-5", "-1.25E-300", "120",
            "12345678901234567890123456789"})
    void numbersOfTheJsonGrammarAreAccepted(String number) {
        assertEquals(number, text(JsonScanner.members("{\"n\":" + number + "}"), "n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"01", "-01", "00", "+1", "-", ".5", "1.", "1.e5", "1e", "1e+", "1e5.0", "- 1", "0x10",
            "NaN", "Infinity", "-Infinity", "1_000", "１"})
    void numbersOutsideTheJsonGrammarAreRefused(String number) {
        refused("{\"n\":" + number + "}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"tru", "True", "nul", "falsey", "truefalse", "undefined", "'a'", "[1,]", "[,1]", "[1 2]",
            "{\"a\":1,}", "{,}", "{\"a\"}", "{\"a\" 1}", "{a:1}", "{1:1}", "[", "{", "]", "\"a"})
    void malformedValuesAreRefused(String value) {
        refused("{\"v\":" + value + "}");
    }

    @Test
    void anErrorNamesTheOffsetAndWhatWasExpected() {
        assertEquals("invalid JSON at offset 13: expected ':'", refused("{\"type\":1,\"a\"1}").getMessage());
        assertEquals("invalid JSON at offset 7: expected ',' or '}'", refused("{\"a\":1 2}").getMessage());
        assertEquals("invalid JSON at offset 6: expected a value", refused("{\"a\": }").getMessage());
    }

    @Test
    void aTruncatedFrameIsReportedAsEndingEarly() {
        assertEquals("invalid JSON at offset 14: unexpected end of frame, expected ',' or '}'",
                refused("{\"type\":\"ping\"").getMessage());
        assertEquals("invalid JSON at offset 13: unexpected end of frame, expected '\"' to end the string",
                refused("{\"type\":\"ping").getMessage());
        assertEquals("invalid JSON at offset 9: unexpected end of frame, expected a hex digit",
                refused("{\"a\":\"\\u0").getMessage());
    }

    @Test
    void dataAfterTheObjectIsRefused() {
        assertEquals("invalid JSON at offset 16: unexpected data after the object",
                refused("{\"type\":\"ping\"} x").getMessage());
        refused("{}{}");
        refused("{}}");
        refused("{},");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "[{\"type\":\"ping\"}]", "\"x\"", "42", "null", "true", "x", "\u00a0{}", "\uFEFF{}"})
    void aFrameThatIsNotAnObjectIsRefused(String frame) {
        assertEquals("frame is not a JSON object", refused(frame).getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\n\t\r "})
    void anEmptyFrameIsRefused(String frame) {
        assertEquals("frame is empty", refused(frame).getMessage());
    }

    @Test
    void onlyTheFourJsonWhitespaceCharactersSeparateTokens() {
        JsonScanner.members(" \t\n\r{ \t\n\r\"a\" \t\n\r: \t\n\r1 \t\n\r} \t\n\r");
        refused("{\"a\":\u00a01}");
        refused("{\"a\":1\u2028}");
        refused("{\"a\":1}\u000b");
    }

    @Test
    void nestingUpTo512LevelsIsAccepted() {
        // the frame's object is level 1, so data may hold 511 levels
        var data = "[".repeat(511) + "]".repeat(511);
        assertEquals(data, text(JsonScanner.members("{\"data\":" + data + "}"), "data"));
    }

    @Test
    void nestingDeeperThan512LevelsIsRefused() {
        var data = "[".repeat(512) + "]".repeat(512);
        assertEquals("invalid JSON at offset 519: nesting deeper than 512 levels",
                refused("{\"data\":" + data + "}").getMessage());
        var objects = "{\"a\":".repeat(100_000);
        assertTrue(refused("{\"data\":" + objects).getMessage().contains("nesting deeper than 512 levels"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\u0000", "\u0001", "\n", "\r", "\t", "\u001f"})
    void aControlCharacterInsideAStringIsRefused(String control) {
        var message = refused("{\"a\":\"x" + control + "y\"}").getMessage();
        assertEquals(String.format("invalid JSON at offset 7: control character U+%04X in a string",
                (int) control.charAt(0)), message);
        refused("{\"a" + control + "\":1}");
    }

    @Test
    void delAndLineSeparatorsAreOrdinaryStringCharacters() {
        assertEquals("\"\u007f\u2028\u2029\"", text(JsonScanner.members("{\"a\":\"\u007f\u2028\u2029\"}"), "a"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\\x", "\\'", "\\U0041", "\\u12", "\\u12G4", "\\u", "\\ ", "\\0", "\\a", "\\v", "\\e"})
    void anInvalidEscapeIsRefused(String escape) {
        refused("{\"a\":\"" + escape + "\"}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\\ud800", "\\uDBFF", "\\udc00", "\\uDFFF", "\\ud800\\u0041", "\\ud800x", "\\ud800\\ud800",
            "\\ude00\\ud83d", "\\ud800\\n"})
    void anUnpairedSurrogateEscapeIsRefused(String escape) {
        assertTrue(refused("{\"a\":\"" + escape + "\"}").getMessage().endsWith("unpaired surrogate escape"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\uD800", "\uDC00", "\uD800x", "\uDE00\uD83D"})
    void anUnpairedRawSurrogateIsRefused(String raw) {
        assertTrue(refused("{\"a\":\"" + raw + "\"}").getMessage().endsWith("unpaired surrogate in a string"));
    }

    @Test
    void surrogatePairsRawOrEscapedAreAccepted() {
        var members = JsonScanner.members("{\"raw\":\"😀\",\"escaped\":\"\\uD83D\\uDE00\"}");
        assertEquals("😀", JsonScanner.stringValue(members.get("raw")));
        assertEquals("😀", JsonScanner.stringValue(members.get("escaped")));
    }

    @Test
    void findReturnsTheFirstOccurrenceOfEachNameAndStopsOnceAllAreFound() {
        var found = JsonScanner.find("{\"b\":2,\"a\":1,\"b\":3} not json", "a", "b", "c");
        assertEquals("1", found[0].text());
        assertEquals("2", found[1].text());
        assertEquals(null, found[2]);
        found = JsonScanner.find("{\"a\":1,\"b\":2,\"c\":[", "a", "b");
        assertEquals("1", found[0].text());
        assertEquals("2", found[1].text());
    }
}
