package dev.vigil.ingest;

import dev.vigil.parse.Source;

/**
 * A decoded Kafka record or file line: the log text plus whatever the shipper's envelope told us about it.
 *
 * @param text       the log text (UTF-8 decoded, invalid bytes replaced); may contain '\n' when a shipper
 *                   already folded a multi-line entry
 * @param kind       which envelope it came in
 * @param time       the envelope's timestamp in epoch ms, or {@link dev.vigil.parse.LogEvent#NO_TIME}
 * @param host       host name from the envelope, or null
 * @param unit       systemd unit ({@code _SYSTEMD_UNIT}), or null
 * @param identifier syslog identifier ({@code SYSLOG_IDENTIFIER}), or null
 * @param file       file path the shipper read, or null
 * @param pid        process id, or null
 * @param priority   syslog priority 0-7, or null
 * @param sourceHint source named explicitly by the envelope or a mapping, or null
 * @param truncated  true when the text was cut at the maximum line length
 */
public record Envelope(String text, Kind kind, long time, String host, String unit, String identifier,
                       String file, Integer pid, Integer priority, Source sourceHint, boolean truncated) {

    /** Envelope formats the decoder recognises. */
    public enum Kind { RAW, VECTOR, FLUENTBIT, FILEBEAT, JSON, JOURNALD }

    /** A raw line with no envelope information. */
    public static Envelope raw(final String text) {
        return new Envelope(text, Kind.RAW, dev.vigil.parse.LogEvent.NO_TIME, null, null, null, null, null, null,
            null, false);
    }

    /** Same envelope with another text (after folding continuation lines). */
    public Envelope withText(final String newText) {
        return new Envelope(newText, kind, time, host, unit, identifier, file, pid, priority, sourceHint, truncated);
    }

    /** Same envelope with a source hint. */
    public Envelope withSourceHint(final Source hint) {
        return new Envelope(text, kind, time, host, unit, identifier, file, pid, priority, hint, truncated);
    }
}
