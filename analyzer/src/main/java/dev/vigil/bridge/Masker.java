package dev.vigil.bridge;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Replaces every known secret in a text with {@code ****} before it reaches a log line, an exception message or a
 * dead-letter header. Longer secrets are replaced first so that one secret containing another is masked whole.
 */
final class Masker {
    private static final int MIN_SECRET_LENGTH = 4;
    private final List<String> secrets;

    Masker(final Collection<String> secrets) {
        final List<String> s = new ArrayList<>();
        for (final String v : secrets) {
            if (v != null && v.length() >= MIN_SECRET_LENGTH && !s.contains(v)) {
                s.add(v);
            }
        }
        s.sort(Comparator.comparingInt(String::length).reversed());
        this.secrets = List.copyOf(s);
    }

    static Masker none() {
        return new Masker(List.of());
    }

    String mask(final String text) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (final String s : secrets) {
            if (out.contains(s)) {
                out = out.replace(s, "****");
            }
        }
        return out;
    }

    /** A URL as it may be printed: scheme, host and port only (paths and queries of webhooks carry tokens). */
    static String describe(final URI uri) {
        if (uri == null) {
            return "(none)";
        }
        final String host = uri.getHost() == null ? "?" : uri.getHost();
        return uri.getScheme() + "://" + host + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
            + (uri.getRawPath() == null || uri.getRawPath().isEmpty() || "/".equals(uri.getRawPath()) ? "" : "/…");
    }
}
