package dev.vigil.match;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.pack.PackException;
import dev.vigil.pack.PatternPack;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** The real pack: it loads strictly, and every example of every signature passes — what `vigil check` runs. */
class PackTest {

    static Path packDir() {
        return Paths.get(System.getProperty("patterns.dir", "../patterns"));
    }

    static PatternPack pack() {
        try {
            return PatternPack.load(packDir());
        } catch (final PackException e) {
            throw new AssertionError("pattern pack invalid:\n" + e.getMessage());
        }
    }

    @Test
    void shouldLoadThePackStrictly() {
        assertTrue(pack().signatures().size() >= 40, "the pack covers the single-line symptoms");
    }

    @TestFactory
    Stream<DynamicTest> shouldPassEveryRuleTest() {
        return dev.vigil.replay.RuleTester.verify(pack(), dev.vigil.parse.TestParsers.fixed()).stream()
            .map(o -> DynamicTest.dynamicTest(o.signature() + " @" + o.line(),
                () -> assertNull(o.problem(), o.toString())));
    }

    @TestFactory
    Stream<DynamicTest> shouldPassEveryExample() {
        return PackVerifier.verify(pack(), dev.vigil.parse.TestParsers.fixed()).stream()
            .map(o -> DynamicTest.dynamicTest(o.signature() + " @" + o.line(),
                () -> assertNull(o.problem(), o.toString())));
    }
}
