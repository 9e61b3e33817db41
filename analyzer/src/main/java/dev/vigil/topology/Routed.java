package dev.vigil.topology;

import dev.vigil.engine.DeadLetter;

/** The parse-match step's output: a signal for the lifecycle, or a dead letter. */
record Routed(Signal signal, DeadLetter deadLetter) {
}
