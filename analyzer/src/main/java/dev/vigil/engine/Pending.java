package dev.vigil.engine;

import dev.vigil.ingest.Envelope;
import dev.vigil.parse.Source;

/**
 * An entry being assembled from several lines.
 *
 * @param envelope  the envelope of its first line, with the text so far
 * @param source    the source it is being parsed as
 * @param lines     how many lines it has
 * @param fallbackTime time to use when the entry carries none
 */
public record Pending(Envelope envelope, Source source, int lines, long fallbackTime) {
}
