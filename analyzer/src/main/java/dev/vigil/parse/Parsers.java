package dev.vigil.parse;

import java.time.Clock;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The parser of each {@link Source}, configured once: PostgreSQL log_line_prefix values, the zone of times
 * printed without one (nginx error log, Synapse, syslog) and the clock that supplies the year of syslog
 * short-form lines. Immutable and thread-safe.
 */
public final class Parsers {
    private final Map<Source, Parser> bySource;

    private Parsers(final List<String> postgresPrefixes, final ZoneId localZone, final Clock clock) {
        final ZoneId zone = localZone == null ? ZoneOffset.UTC : localZone;
        bySource = new EnumMap<>(Source.class);
        bySource.put(Source.NGINX, new NginxParser(zone));
        bySource.put(Source.POSTGRES, new PostgresParser(postgresPrefixes, zone, clock));
        bySource.put(Source.SYNAPSE, new SynapseParser(zone));
        bySource.put(Source.JOURNALD, new JournaldParser(zone, clock));
    }

    /** Default PostgreSQL prefixes ({@link PostgresParser#DEFAULT_PREFIXES}), UTC, system clock. */
    public static Parsers defaults() {
        return of(PostgresParser.DEFAULT_PREFIXES, ZoneOffset.UTC);
    }

    /** Given PostgreSQL prefixes (null or empty: the defaults) and local zone, system clock. */
    public static Parsers of(final List<String> postgresPrefixes, final ZoneId localZone) {
        return of(postgresPrefixes, localZone, Clock.systemUTC());
    }

    /** Fully specified; tests and replays of old files inject the clock. */
    public static Parsers of(final List<String> postgresPrefixes, final ZoneId localZone, final Clock clock) {
        return new Parsers(postgresPrefixes, localZone, clock);
    }

    /** The parser for a source; never null for a non-null source. */
    public Parser get(final Source source) {
        final Parser p = bySource.get(source);
        if (p == null) {
            throw new IllegalArgumentException("no parser for " + source);
        }
        return p;
    }
}
