package dev.vigil.app;

import dev.vigil.match.PackVerifier;
import dev.vigil.pack.PatternPack;
import dev.vigil.parse.Parsers;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code vigil check}: validate the pattern pack and run every example (and rule test). */
@Command(name = "check", description = {"Validate the pattern pack strictly and run every signature's examples "
    + "and every rule's tests.",
    "Exit code 0 when everything passes, 1 otherwise."})
final class CheckCommand implements Callable<Integer> {

    @Mixin
    PackOptions pack = new PackOptions();

    @Override
    public Integer call() {
        final PatternPack p = pack.load();
        final List<PackVerifier.Outcome> outcomes = new java.util.ArrayList<>(PackVerifier.verify(p,
            Parsers.defaults()));
        outcomes.addAll(dev.vigil.replay.RuleTester.verify(p, Parsers.defaults()));
        long failed = 0;
        for (final PackVerifier.Outcome o : outcomes) {
            if (!o.passed()) {
                failed++;
                System.out.println("FAIL " + o);
            }
        }
        System.out.printf(java.util.Locale.ROOT, "pattern pack %s (%s): %d signatures, %d rules; %d examples and "
                + "rule tests: %d passed, %d failed%n", p.version(), pack.packDir(), p.signatures().size(),
            p.rules().size(), outcomes.size(), outcomes.size() - failed, failed);
        return failed == 0 ? 0 : 1;
    }
}
