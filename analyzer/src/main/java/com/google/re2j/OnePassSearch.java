package com.google.re2j;

/**
 * Vigil's one-pass search over re2j's engine. {@link Matcher#find()} first searches with the overall match bounds
 * only, and the first {@link Matcher#group(String)} then runs the machine again over the match to place the
 * groups: two NFA passes over every matching line. The NFA tracks submatches as it goes (leftmost-first, as in Go's
 * {@code regexp}), so asking for every group up front gives the same groups in one pass; and a pattern without
 * groups can stop at its first match. The entry points below use re2j's own package-private {@code RE2.match}, and
 * {@link Plan} its parser ({@code Parser.parse}, {@code Regexp}, {@code RE2.compileImpl}), which is why this class
 * lives in re2j's package (the re2j jar is not sealed; a change of those signatures in a later re2j breaks the
 * build, not a run). Linear time is untouched: this is the same machine, and a plan searches the whole pattern at
 * most once more.
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
     * How {@code pattern} is searched. re2j's machine steps every character at about 40 ns, literal characters
     * too, and an unanchored search keeps starting new attempts until it has a match. Two shapes of pattern allow
     * less work, with the same result:
     * <ul>
     *   <li>{@code P.*?Q}: P, then Q from P's end, each from its own literal prefix, instead of stepping the gap
     *       (5–13 µs on a 230-character nginx error line with the whole pattern);</li>
     *   <li>a pattern (or P) that starts with a literal L: L is found with {@code indexOf} and the rest runs
     *       anchored right after it, instead of stepping L and trying a new start at every later character.</li>
     * </ul>
     */
    public static Plan plan(final Pattern pattern) {
        return new Plan(pattern);
    }

    /**
     * A pattern's search, in parts where its shape allows; either way it returns exactly what the whole pattern's
     * leftmost-first search returns.
     *
     * <p>Why a split at a lazy gap is exact: P's leftmost-first match is the first choice of the whole pattern for
     * its P part (choices in P come before choices of the gap and of Q, and no earlier start can match the whole
     * when P matches nowhere earlier). If Q then matches at or after P's end, with no newline in between when the
     * gap is {@code .}, the lazy gap takes the fewest characters, which is Q's leftmost match from there, with Q's
     * own first choice.
     *
     * <p>Why a leading literal is exact: every match starts where L occurs, so the first occurrence of L is the
     * leftmost possible start, and the anchored rest there gives the first choice at that start.
     *
     * <p>Otherwise (Q not after P's end, the rest not matching at L's first occurrence) the whole pattern may still
     * match by a later choice or a later start, so the whole pattern is searched instead: the parts only ever answer
     * when they found the match, or when nothing can match (no L, no P). The work stays linear in the text.
     */
    public static final class Plan {
        private final Pattern whole;
        /** Groups (with group 0) of the whole pattern. */
        private final int groups;
        /** The first part (P when split, else the whole pattern)'s leading literal, or null. */
        private final String literal;
        /**
         * With a literal: any one character (the literal's last), then the rest of the first part, its groups
         * numbered as in the whole pattern.
         */
        private final RE2 afterLiteral;
        /** P, searched unanchored when it has no leading literal; null when not split. */
        private final RE2 head;
        /** Groups (with group 0) the first part fills: P's when split. */
        private final int headGroups;
        /** Q, its groups numbered as in the whole; null when not split. */
        private final RE2 tail;
        /** Whether the gap is {@code (?s:.)*?}, which crosses newlines. */
        private final boolean gapTakesNewlines;

        private Plan(final Pattern whole) {
            this.whole = whole;
            this.groups = 1 + whole.re2().numberOfCapturingGroups();
            Regexp re = null;
            if (whole.flags() == 0) {
                try {
                    re = Parser.parse(whole.re2().expr, RE2.PERL);
                } catch (final PatternSyntaxException e) {
                    re = null; // cannot happen for a compiled pattern; search whole
                }
            }
            int gap = -1;
            if (re != null && re.op == Regexp.Op.CONCAT) {
                for (int k = 1; k < re.subs.length - 1 && gap < 0; k++) {
                    if (isLazyDotStar(re.subs[k])) {
                        gap = k;
                    }
                }
            }
            RE2 h = null;
            RE2 t = null;
            int headCaps = 0;
            if (gap > 0) {
                final Regexp p = part(re, 0, gap);
                final Regexp q = part(re, gap + 1, re.subs.length);
                headCaps = p.maxCap();
                // Q keeps the whole pattern's group numbers behind one empty group per group of P (P's groups come
                // from P's own search)
                h = compile(p.toString(), headCaps);
                t = compile("()".repeat(headCaps) + "(?:" + q + ")", groups - 1);
                if (t != null && !sameNames(t)) {
                    t = null;
                }
            }
            final boolean split = h != null && t != null;
            this.head = split ? h : null;
            this.tail = split ? t : null;
            this.gapTakesNewlines = split && re.subs[gap].subs[0].op == Regexp.Op.ANY_CHAR;
            this.headGroups = split ? 1 + headCaps : groups;
            // the first part (P, or the whole pattern when it is not split) is re.subs[0, end) of a concatenation
            final boolean concat = re != null && re.op == Regexp.Op.CONCAT;
            final int end = split ? gap : concat ? re.subs.length : 1;
            String lit = null;
            RE2 rest = null;
            final Regexp first = re == null ? null : concat ? re.subs[0] : re;
            if (first != null && first.op == Regexp.Op.LITERAL && (first.flags & RE2.FOLD_CASE) == 0
                && first.runes.length > 0) {
                lit = new String(first.runes, 0, first.runes.length);
                if (Character.isSurrogate(lit.charAt(lit.length() - 1))) {
                    lit = null; // the rest's view starts at L's last character: keep it a whole one
                } else {
                    final String after = concat && end > 1 ? part(re, 1, end).toString() : "";
                    rest = compile("(?s:.)(?:" + after + ")", headGroups - 1);
                    if (rest == null || !sameNames(rest)) {
                        lit = null;
                        rest = null;
                    }
                }
            }
            this.literal = lit;
            this.afterLiteral = rest;
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

        /**
         * A part printed back by re2j's printer, compiled; null when it does not parse back or does not have the
         * {@code groups} capturing groups it must have (then the pattern is searched whole).
         */
        private static RE2 compile(final String expr, final int groups) {
            try {
                final RE2 re2 = RE2.compileImpl(expr, RE2.PERL, false);
                return re2.numberOfCapturingGroups() == groups ? re2 : null;
            } catch (final PatternSyntaxException e) {
                return null;
            }
        }

        /** Whether the named groups of {@code part} have the numbers the whole pattern gives them. */
        private boolean sameNames(final RE2 part) {
            return part.namedGroups.entrySet().stream().allMatch(e -> e.getValue().equals(
                whole.re2().namedGroups.get(e.getKey())));
        }

        /** Whether the search runs in two parts around a lazy gap. */
        public boolean isSplit() {
            return tail != null;
        }

        /** Whether the search finds a leading literal with {@code indexOf} and runs the rest anchored after it. */
        public boolean skipsLiteral() {
            return literal != null;
        }

        /** Like {@link OnePassSearch#find}. */
        public boolean find(final CharSequence text) {
            final int[] g = search(text, 1);
            if (g == NOWHERE) {
                return false;
            }
            return g != null || OnePassSearch.find(whole, text);
        }

        /** Like {@link OnePassSearch#findGroups}. */
        public int[] findGroups(final CharSequence text) {
            final int[] g = search(text, groups);
            if (g == NOWHERE) {
                return null;
            }
            return g != null ? g : OnePassSearch.findGroups(whole, text);
        }

        /**
         * The match found in parts with {@code ngroup} groups, {@link #NOWHERE} when nothing can match, or null when
         * the whole pattern must decide.
         */
        private int[] search(final CharSequence text, final int ngroup) {
            if (tail == null) {
                return literal == null ? null : first(text, ngroup);
            }
            final int[] h = first(text, headGroups);
            if (h == null || h == NOWHERE) {
                return h;
            }
            final int end = h[1];
            final int[] g = new int[2 * ngroup];
            if (!tail.match(text, end, text.length(), RE2.UNANCHORED, g, ngroup)) {
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

        /** The first part's leftmost-first match with {@code ngroup} groups, {@link #NOWHERE}, or null (undecided). */
        private int[] first(final CharSequence text, final int ngroup) {
            final int n = text.length();
            if (literal == null) {
                final int[] g = new int[2 * ngroup];
                return head.match(text, 0, n, RE2.UNANCHORED, g, ngroup) ? g : NOWHERE;
            }
            final int at = text instanceof String ? ((String) text).indexOf(literal)
                : text.toString().indexOf(literal);
            if (at < 0) {
                return NOWHERE;
            }
            final int[] g = new int[2 * ngroup];
            // the rest, anchored: a view from L's last character, which "(?s:.)" takes, so that the rest sees the
            // character before it (for \b) as the whole pattern would
            final int from = at + literal.length() - 1;
            if (!afterLiteral.match(new Tail(text, from), 0, n - from, RE2.ANCHOR_START, g, ngroup)) {
                return null;
            }
            g[0] = at;
            g[1] += from;
            for (int k = 2; k < g.length; k += 2) {
                if (g[k] >= 0) {
                    g[k] += from;
                    g[k + 1] += from;
                }
            }
            return g;
        }

        /** Marks "nothing can match" (compared by identity). */
        private static final int[] NOWHERE = new int[0];

        @Override
        public String toString() {
            return whole + (isSplit() ? " (searched in two parts)" : "")
                + (literal != null ? " (from its literal prefix)" : "");
        }
    }

    /** The characters of a text from {@code from} on, without copying them. */
    private static final class Tail implements CharSequence {
        private final CharSequence text;
        private final int from;

        Tail(final CharSequence text, final int from) {
            this.text = text;
            this.from = from;
        }

        @Override
        public int length() {
            return text.length() - from;
        }

        @Override
        public char charAt(final int index) {
            return text.charAt(from + index);
        }

        @Override
        public CharSequence subSequence(final int start, final int end) {
            return text.subSequence(from + start, from + end);
        }

        @Override
        public String toString() {
            return text.subSequence(from, text.length()).toString();
        }
    }
}
