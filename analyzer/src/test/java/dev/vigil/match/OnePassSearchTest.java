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
