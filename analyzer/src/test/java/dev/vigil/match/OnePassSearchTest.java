package dev.vigil.match;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.re2j.Matcher;
import com.google.re2j.OnePassSearch;
import com.google.re2j.Pattern;
import dev.vigil.pack.Example;
import dev.vigil.pack.Signature;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The one-pass search finds what re2j's two-pass {@link Matcher} finds: same match, same groups. */
class OnePassSearchTest {

    /** Group positions the way {@link Matcher} reports them after {@code find()}, or null when it does not match. */
    private static int[] viaMatcher(final Pattern p, final String text) {
        final Matcher m = p.matcher(text);
        if (!m.find()) {
            return null;
        }
        final int[] out = new int[2 * (m.groupCount() + 1)];
        for (int g = 0; g <= m.groupCount(); g++) {
            out[2 * g] = m.start(g);
            out[2 * g + 1] = m.end(g);
        }
        return out;
    }

    private static void same(final Pattern p, final String text) {
        final int[] expected = viaMatcher(p, text);
        assertArrayEquals(expected, OnePassSearch.findGroups(p, text), () -> p + " on " + text);
        assertEquals(expected != null, OnePassSearch.find(p, text), () -> p + " on " + text);
        final OnePassSearch.Plan plan = OnePassSearch.plan(p);
        assertArrayEquals(expected, plan.findGroups(text), () -> plan + " on " + text);
        assertEquals(expected != null, plan.find(text), () -> plan + " on " + text);
    }

    @Test
    void everySignatureRegexAgreesOnItsExamplesAndTheirVariants() {
        final Random random = new Random(7);
        int checked = 0;
        for (final Signature s : PackTest.pack().signatures()) {
            if (s.regex() == null) {
                continue;
            }
            for (final Example ex : s.examples()) {
                final String line = ex.text();
                final List<String> variants = new ArrayList<>(List.of(line, line + line, "x " + line));
                for (int i = 0; i < 4 && line.length() > 2; i++) {
                    final int cut = 1 + random.nextInt(line.length() - 1);
                    variants.add(line.substring(0, cut));
                    variants.add(line.substring(cut));
                }
                for (final String v : variants) {
                    same(s.regex(), v);
                    checked++;
                }
            }
        }
        assertTrue(checked > 1000, "checked " + checked);
    }

    @Test
    void theNginxUpstreamRegexesAreSearchedInTwoParts() {
        int split = 0;
        for (final Signature s : PackTest.pack().signatures()) {
            if (s.regex() != null && s.regex().pattern().contains(".*?upstream: \"")) {
                assertTrue(OnePassSearch.plan(s.regex()).isSplit(), s.id());
                split++;
            }
        }
        assertTrue(split >= 5, "split " + split);
        assertTrue(!OnePassSearch.plan(Pattern.compile("a.*b")).isSplit(), "a greedy gap is not split");
        assertTrue(!OnePassSearch.plan(Pattern.compile(".*?b")).isSplit(), "a leading gap is not split");
        assertTrue(!OnePassSearch.plan(Pattern.compile("a.*?b", Pattern.CASE_INSENSITIVE)).isSplit(), "flags");
    }

    @Test
    void aSplitSearchFallsBackWhereThePartsAloneWouldBeWrong() {
        // P's first choice (yz) leaves no Q after it; its second (y) does
        same(Pattern.compile("x(?:yz|y).*?z(\\d)"), "xyz1");
        same(Pattern.compile("x(?P<p>yz|y).*?z(?P<d>\\d)"), "..xyz1..");
        // the gap does not cross a newline: the match is the second "a"
        same(Pattern.compile("a.*?(b)"), "a\nb a b");
        same(Pattern.compile("(?s)a.*?(b)"), "a\nb a b");
        // P matches, Q nowhere after it
        same(Pattern.compile("a.*?(b)"), "b a c");
        // P nowhere
        same(Pattern.compile("a.*?(b)"), "bbb");
        // groups in P and in Q, Q empty, anchors and word boundaries at the split
        same(Pattern.compile("(x+)-.*?(y)(z)?"), "q xx-..y xy");
        same(Pattern.compile("a.*?(b?)"), "ab");
        same(Pattern.compile("^a.*?b$"), "a b\na b");
        same(Pattern.compile("\\ba.*?\\bb\\b"), "ab a bb b");
        same(Pattern.compile("a.*?"), "aaa");
        // flags inside the pattern survive the split
        same(Pattern.compile("(?i)ab.*?(c)"), "xAB..C");
        assertTrue(OnePassSearch.plan(Pattern.compile("(?i)ab.*?(c)")).isSplit());
    }

    @Test
    void splitSearchesAgreeWithTheWholePatternOnRandomText() {
        final String[] patterns = {"a(?:bc|b)?.*?c(\\w)", "(a|ab).*?(b|bc)", "^a.*?b$", "\\ba.*?b\\b",
            "a.*?(?:b|)c", "(?P<h>a+)b.*?(?P<t>c+)(d)?", "(?s)ab.*?c(a|b)", "a.*?b.*?(c)", "x?a.*?(b*)c",
            "ab\\b.*?(c)"};
        final Random random = new Random(11);
        for (final String regex : patterns) {
            final Pattern p = Pattern.compile(regex);
            assertTrue(OnePassSearch.plan(p).isSplit(), regex);
            fuzz(p, random);
        }
    }

    @Test
    void literalPrefixedSearchesAgreeWithTheWholePatternOnRandomText() {
        final String[] patterns = {"ab(c)?", "ab\\b", "ab\\B(c|)", "a(b+)c", "ab", "a", "ab$", "ab(?:c|cd)(d)?",
            "a\\s*(?P<x>[bc]+)", "ab.*?(c)", "ab(x)?.*?(c)", "ab\\nc", "ac|ab", "[ab]c"};
        final Random random = new Random(13);
        int skipping = 0;
        for (final String regex : patterns) {
            final Pattern p = Pattern.compile(regex);
            if (OnePassSearch.plan(p).skipsLiteral()) {
                skipping++;
            }
            fuzz(p, random);
        }
        // every pattern but the character class starts with a literal (re2j's parser makes ac|ab into a(?:c|b))
        assertEquals(patterns.length - 1, skipping);
        for (final Signature s : PackTest.pack().signatures()) {
            if (s.regex() != null && s.regex().pattern().startsWith("Request failed: ")) {
                assertTrue(OnePassSearch.plan(s.regex()).skipsLiteral(), s.id());
            }
        }
    }

    /** 3,000 random short texts over an alphabet of the patterns' letters, newline and space. */
    private static void fuzz(final Pattern p, final Random random) {
        final char[] alphabet = {'a', 'b', 'c', 'd', ' ', '\n', 'x'};
        for (int i = 0; i < 3000; i++) {
            final char[] text = new char[random.nextInt(14)];
            for (int k = 0; k < text.length; k++) {
                text[k] = alphabet[random.nextInt(alphabet.length)];
            }
            same(p, new String(text));
        }
    }

    @Test
    void groupsThatDoNotTakePartAndEndOfTextContext() {
        // the case re2j's Matcher keeps the character after the match for: (b$)? must not match before "c"
        final Pattern p = Pattern.compile("(a)(b$)?(b)?");
        same(p, "abc");
        assertArrayEquals(new int[] {0, 2, 0, 1, -1, -1, 1, 2}, OnePassSearch.findGroups(p, "abc"));
        same(p, "ab");
        same(Pattern.compile("x(?P<n>\\d+)?y|z"), "..z..x12y");
        same(Pattern.compile("(?i)upstream: \"(?P<u>[^\"]+)\""), "a UPSTREAM: \"http://b\" c");
        same(Pattern.compile("\\bword\\b"), "swordfish word");
        assertNull(OnePassSearch.findGroups(Pattern.compile("(q)"), "abc"));
        same(Pattern.compile("é(?P<x>.)"), "caféé!");
    }
}
