package dev.vigil.app;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** Parses the times users type for {@code --since}/{@code --until}. */
final class Times {
    private Times() {
    }

    /**
     * Epoch ms of {@code 2024-05-01T10:00:00Z}, {@code 2024-05-01T12:00:00+02:00}, {@code 2024-05-01 10:00}
     * (UTC), {@code 2024-05-01} (midnight UTC) or epoch milliseconds.
     */
    static long parse(final String text, final String flag) {
        final String s = text.trim();
        try {
            if (s.matches("\\d{10,16}")) {
                return Long.parseLong(s);
            }
            if (s.matches("\\d{4}-\\d{2}-\\d{2}")) {
                return LocalDate.parse(s).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
            }
            final String iso = s.replace(' ', 'T');
            if (iso.endsWith("Z")) {
                return Instant.parse(iso.length() == 17 ? iso.replace("Z", ":00Z") : iso).toEpochMilli();
            }
            if (iso.matches(".*[+-]\\d{2}:\\d{2}$")) {
                return OffsetDateTime.parse(iso).toInstant().toEpochMilli();
            }
            return LocalDateTime.parse(iso).toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (final DateTimeParseException e) {
            throw new UserError(flag + ": '" + text + "' is not a time (use e.g. 2024-05-01T10:00:00Z, "
                + "'2024-05-01 10:00' in UTC, or 2024-05-01)");
        }
    }
}
