package dev.vigil.engine;

/**
 * A record Vigil could not use, kept with its original bytes.
 *
 * @param original the bytes as received (for a folded entry: the entry text)
 * @param reason   bounded reason code (metrics label, {@code vigil.reason} header)
 * @param detail   human detail (capped)
 * @param source   source id when known, else null
 */
public record DeadLetter(byte[] original, String reason, String detail, String source) {
}
