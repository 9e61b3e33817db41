package dev.vigil.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SlackTextTest {

    @Test
    void shouldEscapeTheThreeControlCharacters() {
        assertEquals("a &amp; b &lt;!channel&gt; &lt;https://evil|x&gt;",
            SlackText.escape("a & b <!channel> <https://evil|x>", 1000));
    }

    @Test
    void shouldNotDoubleEscapeButEscapeEntitiesLiterally() {
        // "&amp;" in a log line must show as "&amp;", so its & is escaped again
        assertEquals("&amp;amp;", SlackText.escape("&amp;", 100));
    }

    @Test
    void shouldReplaceEveryBacktick() {
        final String s = SlackText.escape("```rm -rf``` and `x`", 100);
        assertFalse(s.contains("`"), s);
        assertEquals("ˋˋˋrm -rfˋˋˋ and ˋxˋ", s);
    }

    @Test
    void shouldBreakPlainBroadcastMentions() {
        final String s = SlackText.escape("@channel @Here @everyone @alice", 100);
        assertEquals("@\u2060channel @\u2060Here @\u2060everyone @alice", s);
    }

    @Test
    void shouldStripTerminalEscapesWholeAndControlCharacters() {
        assertEquals("red plain \uFFFDbell", SlackText.escape("\u001b[31mred\u001b[0m plain \u0007bell", 100));
        assertEquals("title", SlackText.escape("\u001b]0;evil title\u0007title", 100));
    }

    @Test
    void shouldCapWithoutCuttingAnEntity() {
        final String s = SlackText.escape("<<<<<<<<<<", 10);
        assertTrue(s.length() <= 10, s);
        assertEquals("&lt;&lt;…", s);
    }

    @Test
    void shouldCapAHugeLineCheaply() {
        final String s = SlackText.escape("<".repeat(100_000), 3000);
        assertTrue(s.length() <= 3000);
        assertTrue(s.endsWith("…"));
    }

    @Test
    void shouldNotSplitASurrogatePairWhenCapping() {
        final String s = SlackText.escape("ab\uD83D\uDD25\uD83D\uDD25", 4);
        assertEquals("ab…", s);
    }

    @Test
    void shouldKeepNewlinesOnlyInMultilineText() {
        assertEquals("a\nb", SlackText.escapeMultiline("a\nb", 100));
        assertEquals("a\uFFFDb", SlackText.escape("a\nb", 100));
    }

    @Test
    void shouldUseLookalikesInPlainText() {
        assertEquals("‹!channel› ＆ ˋ", SlackText.plain("<!channel> & `", 100));
        assertEquals(150, SlackText.plain("x".repeat(500), 150).length());
    }
}
