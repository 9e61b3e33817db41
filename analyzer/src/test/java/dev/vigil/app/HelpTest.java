package dev.vigil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every subcommand answers --help with its usage, and picocli renders every description without warnings. */
class HelpTest {

    @ParameterizedTest
    @ValueSource(strings = {"run", "demo", "ship", "replay", "bridge", "check", "bench"})
    void shouldPrintUsageForHelpOnEverySubcommand(final String command) {
        final PrintStream out = System.out;
        final PrintStream err = System.err;
        final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        final int code;
        try {
            System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
            code = Main.execute(command, "--help");
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        final String usage = stdout.toString(StandardCharsets.UTF_8);
        final String errors = stderr.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, errors);
        assertTrue(usage.startsWith("Usage: vigil " + command), usage);
        assertTrue(usage.contains("--help"), usage);
        // picocli prints "[picocli WARN] Could not format …" for a description with a stray %
        assertFalse(errors.contains("picocli"), errors);
    }
}
