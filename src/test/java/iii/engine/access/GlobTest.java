package iii.engine.access;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** iii's wildcard patterns (its {@code rbac_config.rs} tests), and agreement with a regular expression. */
class GlobTest {

    @Test
    void patternWithoutStarMatchesOnlyItself() {
        assertTrue(Glob.matches("hello::world", "hello::world"));
        assertFalse(Glob.matches("hello::world", "hello::worl"));
        assertFalse(Glob.matches("hello::world", "hello::worldx"));
        assertFalse(Glob.matches("hello::world", "xhello::world"));
        assertFalse(Glob.matches("hello::world", ""));
    }

    @Test
    void trailingStarMatchesEveryIdWithThePrefix() {
        assertTrue(Glob.matches("engine::*", "engine::foo"));
        assertTrue(Glob.matches("engine::*", "engine::bar::baz"));
        assertTrue(Glob.matches("engine::*", "engine::"));
        assertFalse(Glob.matches("engine::*", "other::foo"));
        assertFalse(Glob.matches("engine::*", "engine:"));
        assertFalse(Glob.matches("engine::*", "my::engine::foo"));
    }

    @Test
    void leadingStarMatchesEveryIdWithTheSuffix() {
        assertTrue(Glob.matches("*::public", "api::public"));
        assertTrue(Glob.matches("*::public", "x::y::public"));
        assertTrue(Glob.matches("*::public", "::public"));
        assertFalse(Glob.matches("*::public", "api::private"));
        assertFalse(Glob.matches("*::public", "api::public::x"));
    }

    @Test
    void starsOnBothSidesMatchEveryIdContainingThePart() {
        assertTrue(Glob.matches("*public*", "public"));
        assertTrue(Glob.matches("*public*", "mypublicfn"));
        assertTrue(Glob.matches("*public*", "public_api"));
        assertFalse(Glob.matches("*public*", "private"));
        assertFalse(Glob.matches("*public*", "publi"));
    }

    @Test
    void loneStarMatchesEverythingIncludingTheEmptyId() {
        assertTrue(Glob.matches("*", "anything"));
        assertTrue(Glob.matches("*", "a::b::c"));
        assertTrue(Glob.matches("*", ""));
    }

    @Test
    void starInTheMiddleMatchesAnyRunBetween() {
        assertTrue(Glob.matches("api::*::read", "api::users::read"));
        assertTrue(Glob.matches("api::*::read", "api::orders::read"));
        assertTrue(Glob.matches("api::*::read", "api::a::b::read"));
        assertTrue(Glob.matches("api::*::read", "api::::read"));
        assertFalse(Glob.matches("api::*::read", "api::users::write"));
        assertFalse(Glob.matches("api::*::read", "api::read"));
    }

    @Test
    void repeatedStarsActAsOne() {
        assertTrue(Glob.matches("**", ""));
        assertTrue(Glob.matches("a**b", "ab"));
        assertTrue(Glob.matches("a**b", "axyb"));
        assertTrue(Glob.matches("***::x", "y::x"));
        assertFalse(Glob.matches("a**b", "ba"));
    }

    @Test
    void partsMayNotOverlap() {
        assertFalse(Glob.matches("a*a", "a"));
        assertTrue(Glob.matches("a*a", "aa"));
        assertTrue(Glob.matches("a*a", "aba"));
        assertFalse(Glob.matches("ab*ba", "aba"));
        assertTrue(Glob.matches("ab*ba", "abba"));
        assertFalse(Glob.matches("a*b*a", "ab"));
        assertFalse(Glob.matches("*aa*aa*", "aaa"));
        assertTrue(Glob.matches("*aa*aa*", "aaaa"));
        assertFalse(Glob.matches("x*ab*ab", "xab"));
    }

    @Test
    void regularExpressionCharactersAreLiteral() {
        assertTrue(Glob.matches("a.b*", "a.b::c"));
        assertFalse(Glob.matches("a.b*", "axb::c"));
        assertTrue(Glob.matches("(x)+[y]*", "(x)+[y]z"));
        assertFalse(Glob.matches("x+", "xx"));
    }

    @Test
    void anyMatchesWhenOnePatternDoes() {
        assertTrue(Glob.any(List.of("a::*", "b::*"), "b::x"));
        assertFalse(Glob.any(List.of("a::*", "b::*"), "c::x"));
        assertFalse(Glob.any(List.of(), "c::x"));
    }

    @Test
    void randomPatternsAgreeWithTheirRegularExpression() {
        var random = new Random(20261201);
        var disagreements = new ArrayList<String>();
        int matched = 0;
        int tried = 20_000;
        for (int i = 0; i < tried; i++) {
            var pattern = word(random, "ab:*", 6);
            var value = random.nextInt(3) == 0 ? instance(random, pattern) : word(random, "ab:", 8);
            boolean glob = Glob.matches(pattern, value);
            if (glob != regex(pattern).matcher(value).matches()) {
                disagreements.add("'" + pattern + "' vs '" + value + "': glob says " + glob);
            }
            matched += glob ? 1 : 0;
        }
        if (!disagreements.isEmpty()) {
            fail(disagreements.size() + " disagreements, e.g.\n"
                    + String.join("\n", disagreements.subList(0, Math.min(10, disagreements.size()))));
        }
        assertTrue(matched > tried / 10 && matched < tried * 9 / 10, "both verdicts should occur, matched " + matched);
    }

    /** {@code *} as {@code .*}, every other character literal. */
    private static Pattern regex(String glob) {
        return Pattern.compile(glob.chars().mapToObj(c -> c == '*' ? ".*" : Pattern.quote(String.valueOf((char) c)))
                .collect(Collectors.joining()), Pattern.DOTALL);
    }

    private static String word(Random random, String alphabet, int maxLength) {
        var word = new StringBuilder();
        for (int n = random.nextInt(maxLength + 1); n > 0; n--) {
            word.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return word.toString();
    }

    /** A value the pattern matches: each star replaced by a short random run. */
    private static String instance(Random random, String pattern) {
        var value = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            value.append(c == '*' ? word(random, "ab:", 3) : String.valueOf(c));
        }
        return value.toString();
    }
}
