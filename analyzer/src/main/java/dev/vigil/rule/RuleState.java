package dev.vigil.rule;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import dev.vigil.alert.Alert;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** The state of one rule for one group: its hop buckets and its episode. Serialised as JSON in the state store. */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY,
    getterVisibility = JsonAutoDetect.Visibility.NONE, isGetterVisibility = JsonAutoDetect.Visibility.NONE)
public final class RuleState {
    /** Alert id. */
    public String id;
    /** Rule id. */
    public String rule;
    /** Group labels. */
    public TreeMap<String, String> labels = new TreeMap<>();
    /** Hop start → aggregate. */
    public TreeMap<Long, Aggregate> buckets = new TreeMap<>();
    /** Event time of the latest input. */
    public long lastSeen = Long.MIN_VALUE;
    /** Whether an episode is firing. */
    public boolean firing;
    /** Episode start. */
    public long startsAt;
    /** Since when the fire condition holds (for {@code for}), or null. */
    public Long pendingSince;
    /** Since when the clear condition holds while firing, or null. */
    public Long clearSince;
    /** Latest evaluated value. */
    public double value = Double.NaN;
    /** Window of the latest evaluation. */
    public long windowStart;
    /** End of that window. */
    public long windowEnd;
    /** Events in that window. */
    public long windowCount;
    /** Evidence lines of the episode. */
    public List<Alert.Evidence> evidence = new ArrayList<>();
    /**
     * Whether the latest evaluation left nothing that the passing of time alone could change before the window
     * moves: no new input since, no {@code for} or resolve timer running. Not stored: a restored state is evaluated.
     */
    @com.fasterxml.jackson.annotation.JsonIgnore
    transient boolean settled;
}
