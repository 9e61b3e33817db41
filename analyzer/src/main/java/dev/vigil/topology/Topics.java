package dev.vigil.topology;

/** Default topic names and the record headers Vigil writes. */
public final class Topics {
    /** Default input topic. */
    public static final String LOGS = "logs";
    /** Alerts ({@code vigil.alert/v1} JSON, key = alert id). */
    public static final String ALERTS = "vigil.alerts";
    /** Dead letters: original bytes, reason in headers. */
    public static final String DEAD_LETTER = "vigil.deadletter";

    /** Header with the bounded reason code of a dead letter. */
    public static final String HEADER_REASON = "vigil.reason";
    /** Header with human detail of a dead letter. */
    public static final String HEADER_DETAIL = "vigil.detail";
    /** Header with the source, when known. */
    public static final String HEADER_SOURCE = "vigil.source";
    /** Header with the input topic, partition and offset of a dead letter. */
    public static final String HEADER_ORIGIN = "vigil.origin";

    private Topics() {
    }
}
