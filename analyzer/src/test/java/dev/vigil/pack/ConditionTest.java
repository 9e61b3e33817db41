package dev.vigil.pack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.parse.Level;
import dev.vigil.parse.LogEvent;
import dev.vigil.parse.Source;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConditionTest {

    private static LogEvent access(final String path, final int status) {
        final Map<String, Object> f = new HashMap<>();
        f.put("kind", "access");
        f.put("path", path);
        f.put("status", (long) status); // as the parsers store it
        return new LogEvent(0, Source.NGINX, "web1", "nginx", Level.INFO, "GET " + path, "GET " + path, f);
    }

    @Test
    void shouldCompareNumbersAndRegexes() {
        assertTrue(Condition.parse("status >= 500").test(access("/", 502)));
        assertFalse(Condition.parse("status >= 500").test(access("/", 404)));
        assertTrue(Condition.parse("status =~ ^40[13]$").test(access("/", 401)));
        assertFalse(Condition.parse("status =~ ^40[13]$").test(access("/", 402)));
        assertTrue(Condition.parse("path !~ /(?:sync|events)$").test(access("/api/x", 200)));
        assertFalse(Condition.parse("path !~ /(?:sync|events)$").test(access("/_matrix/client/v3/sync", 200)));
        assertFalse(Condition.parse("missing =~ x").test(access("/", 200)), "a missing field matches nothing");
        assertTrue(Condition.parse("missing !~ x").test(access("/", 200)));
    }

    @Test
    void shouldTestNumbersAgainstRegexesAsText() {
        final Condition ws = Condition.parse("status =~ ^(?:400|426)$");
        for (int round = 0; round < 2; round++) {
            for (long status = 0; status < 2000; status++) {
                assertEquals(status == 400 || status == 426, ws.test(access("/", (int) status)), "status " + status);
            }
        }
        final Condition notWs = Condition.parse("status !~ ^(?:400|426)$");
        assertFalse(notWs.test(access("/", 426)));
        assertTrue(notWs.test(access("/", 200)));
    }

    @Test
    void shouldGiveTheRegexsVerdictWhateverItRemembers() {
        final Condition api = Condition.parse("path =~ ^/(?:api|graphql|v[0-9]+)(?:/|$)");
        final Condition notApi = Condition.parse("path !~ ^/(?:api|graphql|v[0-9]+)(?:/|$)");
        // many more distinct values than the memo has slots: every verdict must still be the regex's own
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 5 * Condition.Memo.SLOTS; i++) {
                final String path = i % 3 == 0 ? "/api/items/" + i : i % 3 == 1 ? "/v" + i + "/x" : "/static/" + i;
                final boolean want = i % 3 != 2;
                assertEquals(want, api.test(access(path, 200)), path);
                assertEquals(!want, notApi.test(access(path, 200)), path);
            }
        }
        final String longPath = "/api/" + "a".repeat(Condition.Memo.MAX_LENGTH);
        assertTrue(api.test(access(longPath, 200)), "long values bypass the memo");
    }
}
