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
}
