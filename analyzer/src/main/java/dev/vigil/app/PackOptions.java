package dev.vigil.app;

import dev.vigil.pack.PackException;
import dev.vigil.pack.PatternPack;
import dev.vigil.rule.AlertSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import picocli.CommandLine.Option;

/** Options every command that loads the pattern pack shares. */
final class PackOptions {

    @Option(names = "--patterns", paramLabel = "DIR",
        description = "Pattern pack directory (default: $VIGIL_PATTERNS, ./patterns, or the pack next to Vigil).")
    Path patterns;

    @Option(names = "--runbook-base-url", paramLabel = "URL",
        description = "Base URL of the runbooks in alerts (default: $VIGIL_RUNBOOK_BASE_URL, or file:// URLs of "
            + "the local pack's runbooks).")
    String runbookBaseUrl;

    /** The pack directory after defaults. */
    Path packDir() {
        if (patterns != null) {
            return patterns;
        }
        final String env = System.getenv("VIGIL_PATTERNS");
        if (env != null && !env.isBlank()) {
            return Paths.get(env);
        }
        final Path local = Paths.get("patterns");
        if (Files.isDirectory(local.resolve("signatures"))) {
            return local;
        }
        final String home = System.getProperty("vigil.home");
        if (home != null) {
            return Paths.get(home, "patterns");
        }
        return local;
    }

    /** Loads the pack, turning every problem into a user-facing error. */
    PatternPack load() {
        final Path dir = packDir();
        try {
            return PatternPack.load(dir);
        } catch (final PackException e) {
            throw new UserError("the pattern pack in " + dir + " is invalid:\n  " + String.join("\n  ",
                e.problems()), 1);
        }
    }

    /** Alert settings with the runbook base resolved. */
    AlertSettings alertSettings() {
        String base = runbookBaseUrl;
        if (base == null) {
            base = System.getenv("VIGIL_RUNBOOK_BASE_URL");
        }
        if (base == null || base.isBlank()) {
            base = packDir().toAbsolutePath().normalize().resolve("runbooks").toUri().toString();
        }
        return AlertSettings.defaults(base);
    }
}
