package dev.vigil.rule;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import dev.vigil.alert.Alert;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The state of one open alert episode: what fired, since when, and how often. Mutable; lives in an
 * {@link EpisodeStore} (a Kafka Streams state store in live mode, a map in replay). Serialised as JSON.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY,
    getterVisibility = JsonAutoDetect.Visibility.NONE, isGetterVisibility = JsonAutoDetect.Visibility.NONE)
public final class Episode {
    /** Alert id (fingerprint). */
    public String id;
    /** Signature or rule id. */
    public String name;
    /** Labels, sorted. */
    public TreeMap<String, String> labels = new TreeMap<>();
    /** Event time the episode started. */
    public long startsAt;
    /** Event time of the latest match. */
    public long lastSeen;
    /** Event time of the latest notification (firing or renotify). */
    public long lastNotified;
    /** Matches so far. */
    public long count;
    /** Quiet period after which the episode resolves. */
    public long resolveAfter;
    /** The first few evidence lines. */
    public List<Alert.Evidence> evidence = new ArrayList<>();

    /** Event time at which the episode resolves if nothing more happens. */
    public long deadline() {
        return lastSeen + resolveAfter;
    }
}
