package dev.vigil.bridge;

import io.micrometer.core.instrument.MeterRegistry;

/** Registers every bridge meter on a registry, for tests outside the bridge package. */
public final class BridgeMetersFixture {
    private BridgeMetersFixture() {
    }

    public static void register(final MeterRegistry registry) {
        final BridgeMeters m = new BridgeMeters(registry, TargetKind.SLACK);
        m.pendingGauge(() -> 0);
    }
}
