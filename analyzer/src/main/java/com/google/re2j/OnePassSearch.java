package com.google.re2j;

/**
 * Vigil's one-pass search over re2j's engine. {@link Matcher#find()} first searches with the overall match bounds
 * only, and the first {@link Matcher#group(String)} then runs the machine again over the match to place the
 * groups: two NFA passes over every matching line. The NFA tracks submatches as it goes (leftmost-first, as in Go's
 * {@code regexp}), so asking for every group up front gives the same groups in one pass; and a pattern without
 * groups can stop at its first match. Both entry points below use re2j's own package-private {@code RE2.match},
 * which is why this class lives in re2j's package (the re2j jar is not sealed; a change of that method's signature
 * in a later re2j breaks the build, not a run). Linear time is untouched: this is the same machine.
 */
public final class OnePassSearch {

    private OnePassSearch() {
    }

    /** Whether {@code pattern} matches anywhere in {@code text} (stops at the first match). */
    public static boolean find(final Pattern pattern, final CharSequence text) {
        return pattern.re2().match(text, 0, text.length(), RE2.UNANCHORED, null, 0);
    }

    /**
     * The leftmost-first match of {@code pattern} in {@code text} with every group, as [start, end) pairs (group 0
     * first; -1 for a group that did not take part), or null when it does not match.
     */
    public static int[] findGroups(final Pattern pattern, final CharSequence text) {
        final RE2 re2 = pattern.re2();
        final int ngroup = 1 + re2.numberOfCapturingGroups();
        final int[] groups = new int[2 * ngroup];
        return re2.match(text, 0, text.length(), RE2.UNANCHORED, groups, ngroup) ? groups : null;
    }

    /**
     * How {@code pattern} is searched: whole, or in two parts around its first top-level lazy gap when it has the
     * form {@code P.*?Q}. The machine steps every character of a line with a thread for the gap and another trying
     * Q at each position (5–13 µs on a 230-character nginx error line); split, P is found from its literal prefix,
     * Q from its own literal prefix after P's end, and only P's and Q's characters are stepped.
     */
    public static Plan plan(final Pattern pattern) {
        return new Plan(pattern);
    }

    /**
     * A pattern's search, split at a lazy gap where it has one; either way it returns exactly what the whole
     * pattern's leftmost-first search returns.
     *
     * <p>Why the split is exact: P's leftmost-first match is the first choice of the whole pattern for its P part
     * (choices in P come before choices of the gap and of Q, and no earlier start can match the whole when P
     * matches nowhere earlier). If Q then matches at or after P's end, with no newline in between when the gap is
     * {@code .}, the lazy gap takes the fewest characters, which is Q's leftmost match from there, with Q's own
     * first choice. Otherwise the whole may still match by a later choice of P or a later start, so the whole
     * pattern is searched instead: the split only ever answers when it found the match.
     */
    public static final class Plan {
        private final Pattern whole;
        /** P and Q, compiled with the whole pattern's group numbers; null when the pattern is searched whole. */
        private final RE2 head;
        private final RE2 tail;
        /** Groups (with group 0) P's search fills, and the whole pattern's. */
        private final int headGroups;
        private final int groups;
        /** Whether the gap is {@code (?s:.)*?}, which crosses newlines. */
        private final boolean gapTakesNewlines;

        private Plan(final Pattern whole) {
            this.whole = whole;
            this.groups = 1 + whole.re2().numberOfCapturingGroups();
            Regexp re = null;
            int gap = -1;
            if (whole.flags() == 0) {
                try {
                    re = Parser.parse(whole.re2().expr, RE2.PERL);
                } catch (final PatternSyntaxException e) {
                    re = null; // cannot happen for a compiled pattern; search whole
                }
            }
            if (re != null && re.op == Regexp.Op.CONCAT) {
                for (int k = 1; k < re.subs.length - 1 && gap < 0; k++) {
                    if (isLazyDotStar(re.subs[k])) {
                        gap = k;
                    }
                }
            }
            if (gap < 0) {
                head = null;
                tail = null;
                headGroups = 0;
                gapTakesNewlines = false;
                return;
            }
            final Regexp p = part(re, 0, gap);
            final Regexp q = part(re, gap + 1, re.subs.length);
            // Q keeps the whole pattern's group numbers behind one empty group per group of P (P's groups come
            // from P's own search); both parts go back through re2j's printer and parser
            RE2 h = null;
            RE2 t = null;
            try {
                h = RE2.compileImpl(p.toString(), RE2.PERL, false);
                t = RE2.compileImpl("()".repeat(p.maxCap()) + "(?:" + q + ")", RE2.PERL, false);
            } catch (final PatternSyntaxException e) {
                h = null; // a part re2j's printer cannot print back: search whole
            }
            final boolean numbered = h != null && t != null && h.numberOfCapturingGroups() == p.maxCap()
                && t.numberOfCapturingGroups() == groups - 1
                && t.namedGroups.entrySet().stream().allMatch(e -> e.getValue().equals(
                    whole.re2().namedGroups.get(e.getKey())));
            this.head = numbered ? h : null;
            this.tail = numbered ? t : null;
            this.headGroups = 1 + p.maxCap();
            this.gapTakesNewlines = re.subs[gap].subs[0].op == Regexp.Op.ANY_CHAR;
        }

        private static boolean isLazyDotStar(final Regexp r) {
            return r.op == Regexp.Op.STAR && (r.flags & RE2.NON_GREEDY) != 0 && r.subs.length == 1
                && (r.subs[0].op == Regexp.Op.ANY_CHAR_NOT_NL || r.subs[0].op == Regexp.Op.ANY_CHAR);
        }

        /** The concatenation of {@code re.subs[from, to)}, which keeps the whole pattern's group numbers. */
        private static Regexp part(final Regexp re, final int from, final int to) {
            if (to - from == 1) {
                return re.subs[from];
            }
            final Regexp r = new Regexp(Regexp.Op.CONCAT);
            r.flags = re.flags;
            r.subs = java.util.Arrays.copyOfRange(re.subs, from, to);
            return r;
        }

        /** Whether the search runs in two parts. */
        public boolean isSplit() {
            return head != null;
        }

        /** Like {@link OnePassSearch#find}. */
        public boolean find(final CharSequence text) {
            if (head != null) {
                final int[] g = splitSearch(text, 1);
                if (g == NOWHERE) {
                    return false;
                }
                if (g != null) {
                    return true;
                }
            }
            return OnePassSearch.find(whole, text);
        }

        /** Like {@link OnePassSearch#findGroups}. */
        public int[] findGroups(final CharSequence text) {
            if (head != null) {
                final int[] g = splitSearch(text, groups);
                if (g == NOWHERE) {
                    return null;
                }
                if (g != null) {
                    return g;
                }
            }
            return OnePassSearch.findGroups(whole, text);
        }

        /**
         * The match found in two parts with {@code ngroup} groups, {@link #NOWHERE} when P matches nowhere (so the
         * whole cannot match), or null when the whole pattern must decide.
         */
        private int[] splitSearch(final CharSequence text, final int ngroup) {
            final int n = text.length();
            final int[] h = new int[2 * headGroups];
            if (!head.match(text, 0, n, RE2.UNANCHORED, h, headGroups)) {
                return NOWHERE;
            }
            final int end = h[1];
            final int[] g = new int[2 * ngroup];
            if (!tail.match(text, end, n, RE2.UNANCHORED, g, ngroup)) {
                return null;
            }
            if (!gapTakesNewlines) {
                for (int i = end; i < g[0]; i++) {
                    if (text.charAt(i) == '\n') {
                        return null;
                    }
                }
            }
            // P's groups come from P's search (Q's program never sets them), the match starts where P's does
            System.arraycopy(h, 2, g, 2, Math.min(2 * headGroups, 2 * ngroup) - 2);
            g[0] = h[0];
            return g;
        }

        /** Marks "P matches nowhere" (compared by identity). */
        private static final int[] NOWHERE = new int[0];

        @Override
        public String toString() {
            return whole + (head != null ? " (searched in two parts)" : "");
        }
    }
}
