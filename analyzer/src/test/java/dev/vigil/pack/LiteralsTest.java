package dev.vigil.pack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class LiteralsTest {

    @Test
    void shouldPickTheLongestTopLevelRun() {
        assertEquals("sorry, too many clients already",
            Literals.derive("\\[(?P<pid>\\d+)\\] FATAL:\\s+sorry, too many clients already"));
    }

    @Test
    void shouldUnescapeEscapedPunctuation() {
        assertEquals("connect() failed (111: connection refused) while connecting to upstream",
            Literals.derive("connect\\(\\) failed \\(111: Connection refused\\) while connecting to upstream"));
    }

    @Test
    void shouldDropCharactersMadeOptionalByAQuantifier() {
        // "s?" makes the s optional: "failures" must not be required, "failure" is
        assertEquals("login failure", Literals.derive("login failures?"));
        assertEquals("abcd", Literals.derive("abcdx*"));
        assertEquals("abcd", Literals.derive("abcdx{0,3}"));
    }

    @Test
    void shouldKeepACharacterRequiredOnceByPlus() {
        assertEquals("abcd", Literals.derive("xy+abcd"));
        assertEquals("xyz", Literals.derive("xyz+ab"));
    }

    @Test
    void shouldSkipGroupsAndClasses() {
        assertEquals(" while connecting", Literals.derive("(?:foo|bar) while connecting[0-9]+"));
        assertEquals("tail", Literals.derive("[a-z()|]+tail"));
    }

    @Test
    void shouldGiveNothingForTopLevelAlternation() {
        assertNull(Literals.derive("password mismatch|was not found"));
    }

    @Test
    void shouldGiveNothingWhenTooShort() {
        assertNull(Literals.derive("\\d+ab\\d+"));
        assertNull(Literals.derive(".*"));
    }

    @Test
    void shouldFoldCase() {
        assertEquals("out of memory", Literals.derive("(?i)Out of Memory"));
    }
}
