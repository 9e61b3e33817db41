package dev.vigil.match;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.pack.Condition;
import dev.vigil.pack.PatternPack;
import dev.vigil.pack.Signature;
import dev.vigil.pack.TestPacks;
import dev.vigil.parse.Level;
import dev.vigil.parse.LogEvent;
import dev.vigil.parse.Source;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Signatures without a regex that key on {@code status == N} are looked up by the event's status instead of
 * tested one by one; whatever the value's type or range, the matches must be exactly those of testing every
 * signature's conditions.
 */
class SignatureMatcherTest {

    private static final List<Signature> SIGNATURES = List.of(
        TestPacks.signature("a_401", Source.NGINX, null, 0, "status == 401"),
        TestPacks.signature("b_502", Source.NGINX, null, 0, "status == 502"),
        TestPacks.signature("c_not_502", Source.NGINX, null, 0, "status != 502"),
        TestPacks.signature("d_502_api", Source.NGINX, null, 0, "path =~ ^/api", "status == 502"),
        TestPacks.signature("e_4xx", Source.NGINX, null, 0, "status =~ ^4"),
        TestPacks.signature("f_zero", Source.NGINX, null, 0, "status == 0"),
        TestPacks.signature("g_upstream", Source.NGINX, "upstream timed out", 0, "status == 504"),
        TestPacks.signature("h_big", Source.NGINX, null, 0, "status == 99999"));

    private static LogEvent event(final Object status, final String message) {
        final Map<String, Object> f = new HashMap<>();
        f.put("kind", "access");
        f.put("path", "/api/items");
        if (status != null) {
            f.put("status", status);
        }
        return new LogEvent(0, Source.NGINX, "web1", "nginx", Level.INFO, message, message, f);
    }

    /** What testing every signature's conditions (and regex) one by one says. */
    private static List<String> expected(final LogEvent e) {
        final List<String> out = new ArrayList<>();
        for (final Signature s : SIGNATURES) {
            boolean all = s.regex() == null || s.regex().matcher(e.message()).find();
            for (final Condition c : s.conditions()) {
                all &= c.test(e);
            }
            if (all) {
                out.add(s.id());
            }
        }
        return out;
    }

    @Test
    void shouldMatchWhatTestingEverySignatureMatchesWhateverTheStatusIs() {
        final SignatureMatcher matcher = new SignatureMatcher(PatternPack.of("test", SIGNATURES));
        final List<Object> statuses = new ArrayList<>(List.of(401L, 502L, 504L, 200L, 0L, -1L, 99999L, 70_000L,
            Long.MAX_VALUE, 502.0, 502.5, -0.0, Double.NaN, 401, "502", "401", "0502", "x", ""));
        statuses.add(null);
        for (final Object status : statuses) {
            for (final String message : List.of("GET /", "upstream timed out (110)")) {
                final LogEvent e = event(status, message);
                final List<String> got = matcher.matchAll(e).stream().map(m -> m.signature().id())
                    .collect(Collectors.toList());
                assertEquals(expected(e), got, "status " + status + " (" + (status == null ? "none"
                    : status.getClass().getSimpleName()) + "), message '" + message + "'");
            }
        }
    }

    @Test
    void shouldGiveAnEventWithOneStatusOnlyItsOwnKeyedSignature() {
        final SignatureMatcher matcher = new SignatureMatcher(PatternPack.of("test", SIGNATURES));
        assertEquals(List.of("b_502", "d_502_api"), matcher.matchAll(event(502L, "GET /")).stream()
            .map(m -> m.signature().id()).collect(Collectors.toList()));
        assertEquals(List.of("a_401", "c_not_502", "e_4xx"), matcher.matchAll(event(401L, "GET /")).stream()
            .map(m -> m.signature().id()).collect(Collectors.toList()));
    }
}
