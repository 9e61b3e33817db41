package dev.vigil.match;

import dev.vigil.pack.Signature;
import dev.vigil.parse.LogEvent;
import java.util.SortedMap;

/**
 * A signature matched an event.
 *
 * @param signature the signature
 * @param labels    alert labels (host, named groups, label fields), sorted, cleaned and capped
 * @param event     the event it matched
 * @param captures  named groups whose name starts with {@code _}, without the underscore: values rules can group
 *                  by (a client address) that must not become alert labels
 */
public record Match(Signature signature, SortedMap<String, String> labels, LogEvent event,
                    java.util.Map<String, String> captures) {
}
