package dev.vigil.pack;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.vigil.parse.Level;
import dev.vigil.parse.LogEvent;
import dev.vigil.parse.Scan;

/**
 * One field condition of a signature's {@code when} list: {@code <field> <op> <value>}. Numbers compare
 * numerically, {@code level} by severity order, {@code =~}/{@code !~} are re2j searches. Besides parsed fields,
 * {@code message} (the text the regex sees) and {@code host} can be tested — {@code message !~ inotify} excludes
 * a benign sibling of a matching line. A missing field makes every operator false except {@code !=} and
 * {@code !~}.
 */
public final class Condition {

    /** Comparison operators. */
    enum Op {
        EQ("=="), NE("!="), GE(">="), GT(">"), LE("<="), LT("<"), MATCH("=~"), NOT_MATCH("!~");

        final String symbol;

        Op(final String symbol) {
            this.symbol = symbol;
        }
    }

    private final String field;
    /** Where the value comes from: one of the FROM_ constants. */
    private final int source;
    private static final int FROM_FIELDS = 0;
    private static final int FROM_LEVEL = 1;
    private static final int FROM_MESSAGE = 2;
    private static final int FROM_HOST = 3;
    private final Op op;
    private final String value;
    private final Double number;
    private final Level level;
    private final Pattern pattern;
    /** A literal every match of {@code pattern} contains (lower case), to skip the regex on most values. */
    private final String literal;
    /** Recent results of {@code pattern}, shared by every condition with the same regex; null for other ops. */
    private final Memo memo;
    private final String text;

    private Condition(final String field, final Op op, final String value, final String text) {
        this.field = field.intern(); // events' field maps find the parsers' constant names by identity first
        this.source = "level".equals(field) ? FROM_LEVEL : "message".equals(field) ? FROM_MESSAGE
            : "host".equals(field) ? FROM_HOST : FROM_FIELDS;
        this.op = op;
        this.value = value;
        this.text = text;
        Double n = null;
        try {
            n = Double.valueOf(value);
        } catch (final NumberFormatException e) {
            n = null;
        }
        this.number = n;
        this.level = "level".equals(field) ? levelOrNull(value) : null;
        this.pattern = op == Op.MATCH || op == Op.NOT_MATCH ? Pattern.compile(value) : null;
        this.literal = pattern == null ? null : Literals.derive(value);
        this.memo = pattern == null ? null : MEMOS.computeIfAbsent(value, k -> new Memo());
    }

    /** Memos by regex, so that rules testing the same field with the same regex share their results. */
    private static final java.util.concurrent.ConcurrentHashMap<String, Memo> MEMOS =
        new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * A small direct-mapped cache of a regex's verdicts on short values, and a table of its verdicts on small
     * whole numbers. Field values repeat a great deal (a site has a few hundred paths, a few statuses), and a
     * lookup costs a hash and an equals where the regex costs an automaton run. Bounded (attacker-chosen values
     * only evict each other) and safe to share between threads: each slot holds one immutable entry, replaced
     * whole, and a number's verdict is one byte.
     */
    static final class Memo {
        static final int SLOTS = 1024;
        /** Values longer than this are not remembered (messages, long URLs: rarely seen twice). */
        static final int MAX_LENGTH = 160;
        /** Whole numbers below this have their verdicts remembered by value. */
        static final int SMALL_NUMBERS = 1024;
        private final Entry[] slots = new Entry[SLOTS];
        /** Verdicts on small whole numbers (statuses, ports): 0 unknown, 1 found, 2 not found. */
        private final byte[] numbers = new byte[SMALL_NUMBERS];

        private record Entry(String value, boolean found) {
        }

        /** The remembered verdict on {@code v}: 1 found, 0 not found, -1 unknown. */
        int get(final String v) {
            final Entry e = slots[v.hashCode() & (SLOTS - 1)];
            return e == null || !e.value.equals(v) ? -1 : e.found ? 1 : 0;
        }

        void put(final String v, final boolean found) {
            slots[v.hashCode() & (SLOTS - 1)] = new Entry(v, found);
        }
    }

    private static Level levelOrNull(final String word) {
        for (final Level l : Level.values()) {
            if (l.id().equalsIgnoreCase(word)) {
                return l;
            }
        }
        return null;
    }

    /**
     * Parses {@code "status >= 500"}, {@code "path =~ ^/api/"}, {@code "level >= error"}.
     *
     * @throws IllegalArgumentException with a user-facing message
     */
    public static Condition parse(final String text) {
        final String s = text == null ? "" : text.trim();
        int i = 0;
        while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
            i++;
        }
        final String field = s.substring(0, i);
        if (field.isEmpty()) {
            throw new IllegalArgumentException("condition '" + s + "' must start with a field name");
        }
        final String rest = s.substring(i).trim();
        Op found = null;
        for (final Op op : new Op[] {Op.EQ, Op.NE, Op.GE, Op.LE, Op.MATCH, Op.NOT_MATCH, Op.GT, Op.LT}) {
            if (rest.startsWith(op.symbol)) {
                found = op;
                break;
            }
        }
        if (found == null) {
            throw new IllegalArgumentException("condition '" + s + "' needs an operator: == != >= > <= < =~ !~");
        }
        String value = rest.substring(found.symbol.length()).trim();
        if (value.length() >= 2 && (value.startsWith("'") && value.endsWith("'")
            || value.startsWith("\"") && value.endsWith("\""))) {
            value = value.substring(1, value.length() - 1);
        }
        if (value.isEmpty()) {
            throw new IllegalArgumentException("condition '" + s + "' has no value");
        }
        final boolean ordered = found == Op.GE || found == Op.GT || found == Op.LE || found == Op.LT;
        if ("level".equals(field) && levelOrNull(value) == null && found != Op.MATCH && found != Op.NOT_MATCH) {
            throw new IllegalArgumentException("condition '" + s + "': unknown level '" + value + "'");
        }
        if (ordered && !"level".equals(field)) {
            try {
                Double.parseDouble(value);
            } catch (final NumberFormatException e) {
                throw new IllegalArgumentException("condition '" + s + "': " + found.symbol + " needs a number");
            }
        }
        try {
            return new Condition(field, found, value, s);
        } catch (final PatternSyntaxException e) {
            throw new IllegalArgumentException("condition '" + s + "': bad regex: " + e.getDescription());
        }
    }

    /** The value this condition requires {@code field} to equal, or null when it is not {@code field == value}. */
    public String requiredValue(final String fieldName) {
        return op == Op.EQ && field.equals(fieldName) ? value : null;
    }

    /** The value this condition requires {@code field} to differ from, or null when it is not {@code field != value}. */
    public String excludedValue(final String fieldName) {
        return op == Op.NE && field.equals(fieldName) ? value : null;
    }

    /** The field this condition reads. */
    public String field() {
        return field;
    }

    /** Whether the event satisfies the condition. */
    public boolean test(final LogEvent e) {
        if (level != null) {
            return compare(e.level().compareTo(level));
        }
        final Object v;
        switch (source) {
            case FROM_LEVEL: v = e.level().id(); break;
            case FROM_MESSAGE: v = e.message(); break;
            case FROM_HOST: v = e.host(); break;
            default: v = e.fields().get(field); break;
        }
        if (v == null) {
            return op == Op.NE || op == Op.NOT_MATCH;
        }
        switch (op) {
            case MATCH:
                return find(v);
            case NOT_MATCH:
                return !find(v);
            default:
                break;
        }
        if (number != null) {
            final double d;
            if (v instanceof Number) {
                d = ((Number) v).doubleValue();
            } else {
                try {
                    d = Double.parseDouble(v.toString());
                } catch (final NumberFormatException ex) {
                    return op == Op.NE;
                }
            }
            return compare(Double.compare(d, number));
        }
        return compare(v.toString().compareTo(value));
    }

    /** The regex's verdict on a field value; small whole numbers (statuses, ports) are remembered by value. */
    private boolean find(final Object v) {
        if (v instanceof Long) {
            final long n = (Long) v;
            if (n >= 0 && n < Memo.SMALL_NUMBERS) {
                final byte known = memo.numbers[(int) n];
                if (known != 0) {
                    return known == 1;
                }
                final boolean found = find(Long.toString(n));
                memo.numbers[(int) n] = found ? (byte) 1 : (byte) 2; // idempotent: a race writes the same value
                return found;
            }
        }
        return find(v.toString());
    }

    private boolean find(final String s) {
        if (literal != null && !Scan.containsIgnoreCase(s, literal)) {
            return false;
        }
        if (s.length() > Memo.MAX_LENGTH) {
            return com.google.re2j.OnePassSearch.find(pattern, s);
        }
        final int known = memo.get(s);
        if (known >= 0) {
            return known == 1;
        }
        final boolean found = com.google.re2j.OnePassSearch.find(pattern, s);
        memo.put(s, found);
        return found;
    }

    private boolean compare(final int c) {
        switch (op) {
            case EQ: return c == 0;
            case NE: return c != 0;
            case GE: return c >= 0;
            case GT: return c > 0;
            case LE: return c <= 0;
            case LT: return c < 0;
            default: return false;
        }
    }

    @Override
    public String toString() {
        return text;
    }
}
