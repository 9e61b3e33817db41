package dev.vigil.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.alert.Alert;
import dev.vigil.alert.AlertJson;
import dev.vigil.pack.PackException;
import dev.vigil.pack.PatternPack;
import dev.vigil.rule.AlertSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * mtail's habit: each {@code testdata/<source>/<case>.log} replays to exactly the alerts in
 * {@code <case>.golden.jsonl} (stable fields only); {@code -Dgolden.update=true} rewrites them for review. Every
 * {@code testdata/baseline/*.log} (benign real traffic) raises no alert of severity warning or higher, except the
 * entries of {@code known-fps.csv}.
 */
class GoldenReplayTest {

    private static final Path PACK = Paths.get(System.getProperty("patterns.dir", "../patterns"));
    private static final Path DATA = PACK.resolve("testdata");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<Alert> replay(final Path file) throws IOException, PackException {
        final List<Alert> out = new ArrayList<>();
        new ReplayRunner(PatternPack.load(PACK), dev.vigil.parse.TestParsers.fixed(), AlertSettings.defaults("https://rb/"),
            ReplayOptions.defaults()).run(List.of(file), out::add, d -> { });
        return out;
    }

    static String stable(final Alert a) {
        final ObjectNode n = JSON.createObjectNode();
        n.put("status", a.status().id());
        n.put("name", a.name());
        n.put("id", a.id());
        n.put("severity", a.severity());
        a.labels().forEach(n.putObject("labels")::put);
        if (a.labels().isEmpty()) {
            n.putObject("labels");
        }
        n.put("startsAt", AlertJson.iso(a.startsAt()));
        n.put("endsAt", a.endsAt() == null ? null : AlertJson.iso(a.endsAt()));
        n.put("count", a.count());
        return n.toString();
    }

    private static List<Path> logs(final Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".log")).sorted().collect(Collectors.toList());
        }
    }

    @TestFactory
    Stream<DynamicTest> shouldReplayEachCaseToItsGoldenAlerts() throws IOException {
        final List<Path> cases = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(DATA)) {
            for (final Path d : dirs.filter(Files::isDirectory).sorted().collect(Collectors.toList())) {
                if (!d.getFileName().toString().equals("baseline")) {
                    cases.addAll(logs(d));
                }
            }
        }
        assertFalse(cases.isEmpty());
        return cases.stream().map(f -> DynamicTest.dynamicTest(DATA.relativize(f).toString(), () -> {
            final String actual = replay(f).stream().map(GoldenReplayTest::stable)
                .collect(Collectors.joining("\n", "", "\n"));
            final Path golden = Paths.get(f.toString().replaceFirst("\\.log$", ".golden.jsonl"));
            if (Boolean.getBoolean("golden.update")) {
                Files.writeString(golden, actual, StandardCharsets.UTF_8);
            }
            assertTrue(Files.exists(golden), "missing " + golden + " (run with -Dgolden.update=true, then review)");
            assertEquals(Files.readString(golden, StandardCharsets.UTF_8), actual,
                "alerts changed for " + f.getFileName() + ": review, then rerun with -Dgolden.update=true");
        }));
    }

    @TestFactory
    Stream<DynamicTest> shouldRaiseNothingWarningOrAboveOnBenignTraffic() throws IOException {
        final Set<String> known = new HashSet<>();
        for (final String line : Files.readAllLines(DATA.resolve("baseline/known-fps.csv"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                final String[] parts = line.split(",", 3);
                known.add(parts[0] + "," + parts[1]);
            }
        }
        return logs(DATA.resolve("baseline")).stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(),
            () -> {
                final List<String> loud = replay(f).stream()
                    .filter(a -> !"info".equals(a.severity()))
                    .filter(a -> !known.contains(a.name() + "," + f.getFileName()))
                    .map(GoldenReplayTest::stable).collect(Collectors.toList());
                assertEquals(List.of(), loud, "benign traffic raised alerts (fix the signature, or list a known "
                    + "false positive in baseline/known-fps.csv with a reason)");
            }));
    }
}
