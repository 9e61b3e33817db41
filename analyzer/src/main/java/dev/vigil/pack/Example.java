package dev.vigil.pack;

import java.util.Map;

/**
 * One example of a signature: an entry in its source's native format that must (or must not) match, with the
 * labels the match must produce.
 *
 * @param text        the entry as the source writes it (may be multi-line)
 * @param shouldMatch whether the signature must match it
 * @param expect      labels the match must carry (a subset check)
 * @param from        provenance: a corpus file, an issue URL or "synthetic: why"
 * @param line        line of the example in the signature file
 */
public record Example(String text, boolean shouldMatch, Map<String, String> expect, String from, int line) {
}
