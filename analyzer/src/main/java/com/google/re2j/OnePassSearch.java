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
}
