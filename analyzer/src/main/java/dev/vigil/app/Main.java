package dev.vigil.app;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code vigil} command line: wires configuration and lifecycle; the engine lives elsewhere. */
@Command(name = "vigil", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    scope = CommandLine.ScopeType.INHERIT, // every subcommand takes --help and --version too
    description = "Log-stream anomaly analyzer: diagnosed alerts from nginx, PostgreSQL, Synapse and journald logs.",
    subcommands = {RunCommand.class, DemoCommand.class, ShipCommand.class, ReplayCommand.class, BridgeCommand.class,
        CheckCommand.class,
        BenchCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /** Runs the command line and exits with its code. */
    public static void main(final String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code (tests call this). */
    public static int execute(final String... args) {
        final CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            final PrintWriter err = line.getErr();
            if (ex instanceof UserError) {
                err.println("vigil: " + ex.getMessage());
                return ((UserError) ex).exitCode();
            }
            if (ex instanceof java.io.IOException || ex instanceof java.io.UncheckedIOException) {
                err.println("vigil: " + ex.getMessage());
                return 1;
            }
            err.println("vigil: internal error: " + ex + (System.getenv("VIGIL_DEBUG") == null
                ? " (set VIGIL_DEBUG=1 for the stack trace)" : ""));
            if (System.getenv("VIGIL_DEBUG") != null) {
                ex.printStackTrace(err);
            }
            return 70;
        });
        return cl.execute(args);
    }

    /** Vigil's version from the jar manifest, "dev" when run from classes. */
    static String version() {
        final String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** Version for --version. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"vigil " + version()};
        }
    }
}
