package dev.vigil.match;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;

/**
 * An ASCII case-insensitive Aho-Corasick automaton compiled to a dense DFA over a reduced alphabet: every
 * character that occurs in some literal gets its own class, all others share class 0. Non-ASCII characters are
 * folded into one class, so the filter may let a line through that a literal does not quite contain — never the
 * reverse; the regex that follows decides. Not thread-safe (a scratch buffer is reused): one per matcher.
 */
final class AhoCorasick {

    private final byte[] classOf = new byte[128];
    private final int classes;
    /**
     * next[row + class] = the next state's row (state * classes), so the scan loop needs no multiplication and no
     * second array read per character; for a state that ends a literal, -(state + 1) instead, so the scan finds
     * its outputs by the state itself and multiplies back to the row, where it divided the row before.
     */
    private final int[] next;
    /** Pattern ids ending at each state (own and inherited through failure links), or null. */
    private final int[][] outputs;
    /** Scratch copy of the scanned text: indexing a char[] is much cheaper than String.charAt per char. */
    private char[] buffer = new char[512];

    AhoCorasick(final List<String> literals) {
        int nextClass = 1;
        for (final String lit : literals) {
            for (int i = 0; i < lit.length(); i++) {
                final int c = fold(lit.charAt(i));
                if (c < 128 && classOf[c] == 0) {
                    if (nextClass > 126) {
                        throw new IllegalStateException("too many distinct literal characters");
                    }
                    classOf[c] = (byte) nextClass++;
                }
            }
        }
        classes = nextClass + 1;
        final int otherClass = nextClass;
        // trie
        final List<int[]> gotoRows = new ArrayList<>();
        final List<List<Integer>> outs = new ArrayList<>();
        gotoRows.add(newRow(classes));
        outs.add(new ArrayList<>());
        for (int p = 0; p < literals.size(); p++) {
            final String lit = literals.get(p);
            int state = 0;
            for (int i = 0; i < lit.length(); i++) {
                final int cls = classFor(lit.charAt(i), otherClass);
                int to = gotoRows.get(state)[cls];
                if (to < 0) {
                    to = gotoRows.size();
                    gotoRows.add(newRow(classes));
                    outs.add(new ArrayList<>());
                    gotoRows.get(state)[cls] = to;
                }
                state = to;
            }
            outs.get(state).add(p);
        }
        // failure links by BFS, turning the trie into a DFA
        final int n = gotoRows.size();
        final int[] fail = new int[n];
        next = new int[n * classes];
        final Queue<Integer> queue = new ArrayDeque<>();
        for (int c = 0; c < classes; c++) {
            final int to = gotoRows.get(0)[c];
            if (to < 0) {
                next[c] = 0;
            } else {
                next[c] = to;
                fail[to] = 0;
                queue.add(to);
            }
        }
        while (!queue.isEmpty()) {
            final int s = queue.poll();
            outs.get(s).addAll(outs.get(fail[s]));
            for (int c = 0; c < classes; c++) {
                final int to = gotoRows.get(s)[c];
                if (to < 0) {
                    next[s * classes + c] = next[fail[s] * classes + c];
                } else {
                    next[s * classes + c] = to;
                    fail[to] = next[fail[s] * classes + c];
                    queue.add(to);
                }
            }
        }
        outputs = new int[n][];
        for (int s = 0; s < n; s++) {
            final List<Integer> o = outs.get(s);
            outputs[s] = o.isEmpty() ? null : o.stream().distinct().mapToInt(Integer::intValue).toArray();
        }
        // pre-multiply, and mark accepting states by the sign (state 0, the root, never accepts)
        for (int i = 0; i < next.length; i++) {
            final int to = next[i];
            next[i] = outputs[to] == null ? to * classes : -(to + 1);
        }
    }

    private static int[] newRow(final int classes) {
        final int[] row = new int[classes];
        Arrays.fill(row, -1);
        return row;
    }

    private static int fold(final char c) {
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    }

    private int classFor(final char ch, final int otherClass) {
        final int c = fold(ch);
        return c < 128 ? classOf[c] : otherClass;
    }

    /**
     * Scans {@code text} and sets {@code hit[p] = true} for every literal p that occurs in it.
     *
     * @return the number of distinct literals newly marked
     */
    int scan(final String text, final boolean[] hit) {
        final int otherClass = classes - 1;
        int found = 0;
        final int len = text.length();
        if (buffer.length < len) {
            buffer = new char[Math.max(len, buffer.length * 2)];
        }
        final char[] chars = buffer;
        text.getChars(0, len, chars, 0);
        final byte[] cls = classOf;
        final int[] dfa = next;
        final int width = classes;
        int row = 0;
        for (int i = 0; i < len; i++) {
            final char ch = chars[i];
            final int c = ch >= 'A' && ch <= 'Z' ? ch + 32 : ch;
            row = dfa[row + (c < 128 ? cls[c] : otherClass)];
            if (row < 0) {
                final int state = -row - 1;
                row = state * width;
                for (final int p : outputs[state]) {
                    if (!hit[p]) {
                        hit[p] = true;
                        found++;
                    }
                }
            }
        }
        return found;
    }
}
