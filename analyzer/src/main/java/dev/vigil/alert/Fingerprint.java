package dev.vigil.alert;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.SortedMap;

/** The stable alert id: the first 16 hex digits of SHA-256 over the name and the sorted labels. */
public final class Fingerprint {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** One digest per thread: looking the algorithm up costs more than hashing a few labels. */
    private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
    });

    private Fingerprint() {
    }

    /** Fingerprint of {@code name} and {@code labels}; equal inputs give equal ids on every machine. */
    public static String of(final String name, final SortedMap<String, String> labels) {
        final MessageDigest md = DIGEST.get();
        md.reset();
        md.update(name.getBytes(StandardCharsets.UTF_8));
        for (final Map.Entry<String, String> e : labels.entrySet()) {
            md.update((byte) 0);
            md.update(e.getKey().getBytes(StandardCharsets.UTF_8));
            md.update((byte) '=');
            md.update(e.getValue().getBytes(StandardCharsets.UTF_8));
        }
        final byte[] d = md.digest();
        final char[] out = new char[16];
        for (int i = 0; i < 8; i++) {
            out[2 * i] = HEX[(d[i] >> 4) & 0xf];
            out[2 * i + 1] = HEX[d[i] & 0xf];
        }
        return new String(out);
    }
}
