package dev.vigil.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.alert.Alert;
import dev.vigil.pack.PatternPack;
import dev.vigil.parse.TestParsers;
import dev.vigil.rule.AlertSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Realistic scenarios from real traffic (the lnav shop access log, 1,000 real requests): spread over half an hour,
 * with a 5xx burst injected into minutes 10-13 it fires the 5xx ratio once and resolves once; with only a few
 * scattered 500s and the log's own 404s it raises nothing of warning or higher.
 */
class RuleScenarioTest {

    private static final Path PACK = Paths.get(System.getProperty("patterns.dir", "../patterns"));
    private static final Pattern TIME = Pattern.compile("\\[[^\\]]+\\]");
    private static final Pattern STATUS = Pattern.compile("\" (\\d{3}) ");
    private static final DateTimeFormatter NGINX = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z",
        Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final long T0 = Instant.parse("2024-05-01T10:00:00Z").toEpochMilli();

    @TempDir
    Path dir;

    /** Two passes over the real log, one request every 0.9 s; status replaced where {@code status} says. */
    private Path traffic(final java.util.function.IntFunction<String> status) throws Exception {
        final List<String> real = Files.readAllLines(PACK.resolve("testdata/baseline/nginx_shop_access.log"),
            StandardCharsets.UTF_8);
        final List<String> out = new ArrayList<>();
        for (int i = 0; i < 2 * real.size(); i++) {
            String line = real.get(i % real.size());
            final long t = T0 + i * 900L;
            line = TIME.matcher(line).replaceFirst(Matcher.quoteReplacement("[" + NGINX.format(Instant.ofEpochMilli(t))
                + "]"));
            final String s = status.apply(i);
            if (s != null) {
                line = STATUS.matcher(line).replaceFirst("\" " + s + " ");
            }
            out.add(line);
        }
        final Path f = dir.resolve("access.log");
        Files.write(f, out, StandardCharsets.UTF_8);
        return f;
    }

    private static List<Alert> replay(final Path file) throws Exception {
        final List<Alert> alerts = new ArrayList<>();
        new ReplayRunner(PatternPack.load(PACK), TestParsers.fixed(), AlertSettings.defaults("x"),
            ReplayOptions.defaults()).run(List.of(file), alerts::add, d -> { });
        return alerts;
    }

    @Test
    void shouldFireOnceAndResolveOnceForA5xxBurstInNormalTraffic() throws Exception {
        // minutes 10 to 13 (requests 667..866): every second request fails with 502
        final List<Alert> alerts = replay(traffic(i -> i >= 667 && i < 867 && i % 2 == 0 ? "502" : null));
        final List<Alert> ratio = alerts.stream().filter(a -> a.name().equals("nginx_5xx_ratio"))
            .collect(Collectors.toList());
        assertEquals(2, ratio.size(), "one firing and one resolved: " + ratio);
        assertEquals(Alert.Status.FIRING, ratio.get(0).status());
        assertEquals(Alert.Status.RESOLVED, ratio.get(1).status());
        assertEquals(ratio.get(0).id(), ratio.get(1).id());
        final long startsAt = ratio.get(0).startsAt() - T0;
        final long endsAt = ratio.get(1).endsAt() - T0;
        // the burst starts at 10m00s; it must be noticed within its first few minutes, and clear after it ends
        assertEquals(true, startsAt > 10 * 60_000 && startsAt < 13 * 60_000, "startsAt +" + startsAt / 1000 + "s");
        assertEquals(true, endsAt > 13 * 60_000 && endsAt < 25 * 60_000, "endsAt +" + endsAt / 1000 + "s");
        assertEquals(true, ratio.get(0).value() >= 0.1);
    }

    @Test
    void shouldStaySilentOnNormalTrafficWithAFewBenignErrors() throws Exception {
        // the real log's 404s, plus a stray 500 every 150 requests
        final List<Alert> alerts = replay(traffic(i -> i % 150 == 75 ? "500" : null));
        final List<Alert> loud = alerts.stream().filter(a -> !"info".equals(a.severity()))
            .collect(Collectors.toList());
        assertEquals(List.of(), loud);
    }
}
