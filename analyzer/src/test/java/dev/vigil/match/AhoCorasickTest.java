package dev.vigil.match;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class AhoCorasickTest {

    private static boolean[] scan(final AhoCorasick ac, final int n, final String text) {
        final boolean[] hit = new boolean[n];
        ac.scan(text, hit);
        return hit;
    }

    @Test
    void shouldFindOverlappingLiteralsCaseInsensitively() {
        final AhoCorasick ac = new AhoCorasick(List.of("he", "she", "his", "hers"));
        assertArrayEquals(new boolean[] {true, true, false, true}, scan(ac, 4, "uSHErs"));
        assertArrayEquals(new boolean[] {false, false, true, false}, scan(ac, 4, "this"));
    }

    @Test
    void shouldFindLiteralsThatAreSuffixesOfOthers() {
        final AhoCorasick ac = new AhoCorasick(List.of("connection refused", "refused"));
        assertArrayEquals(new boolean[] {false, true}, scan(ac, 2, "request refused by peer"));
        assertArrayEquals(new boolean[] {true, true}, scan(ac, 2, "(111: Connection refused) while"));
    }

    @Test
    void shouldNeverMissBecauseOfNonAsciiText() {
        final AhoCorasick ac = new AhoCorasick(List.of("no space left"));
        assertArrayEquals(new boolean[] {true}, scan(ac, 1, "écriture: No space left on device ✓"));
        assertArrayEquals(new boolean[] {false}, scan(ac, 1, "no spaçe left"));
    }

    @Test
    void shouldCountNewHitsOnly() {
        final AhoCorasick ac = new AhoCorasick(List.of("abc"));
        final boolean[] hit = new boolean[1];
        assertEquals(1, ac.scan("abc abc abc", hit));
        assertEquals(0, ac.scan("abc", hit));
    }

    @Test
    void shouldFindExactlyTheLiteralsANaiveSearchFindsInRandomText() {
        final java.util.Random random = new java.util.Random(7);
        final String alphabet = "abAB c"; // few letters: overlaps, suffixes and repeats are the rule
        for (int round = 0; round < 500; round++) {
            final java.util.List<String> literals = new java.util.ArrayList<>();
            for (int n = 1 + random.nextInt(12); literals.size() < n; ) {
                final StringBuilder lit = new StringBuilder();
                for (int k = 1 + random.nextInt(4); k > 0; k--) {
                    lit.append(alphabet.charAt(random.nextInt(alphabet.length())));
                }
                literals.add(lit.toString().toLowerCase(java.util.Locale.ROOT));
            }
            final AhoCorasick ac = new AhoCorasick(literals);
            final boolean[] hit = new boolean[literals.size()];
            final StringBuilder text = new StringBuilder();
            for (int k = random.nextInt(40); k > 0; k--) {
                text.append(random.nextInt(20) == 0 ? 'é' : alphabet.charAt(random.nextInt(alphabet.length())));
            }
            final int found = ac.scan(text.toString(), hit);
            int want = 0;
            for (int p = 0; p < literals.size(); p++) {
                final boolean contains = text.toString().toLowerCase(java.util.Locale.ROOT).contains(literals.get(p));
                assertEquals(contains, hit[p], literals.get(p) + " in '" + text + "'");
                if (contains) {
                    want++;
                }
            }
            assertEquals(want, found, literals + " in '" + text + "'");
        }
    }
}
