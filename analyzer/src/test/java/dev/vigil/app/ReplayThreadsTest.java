package dev.vigil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ReplayThreadsTest {

    @Test
    void shouldReadSmallInputsOnOneThreadOnSmallMachines() {
        assertEquals(1, ReplayCommand.defaultThreads(2, 160L << 20), "1M lines on 2 cores: the JIT wants a core");
        assertEquals(2, ReplayCommand.defaultThreads(2, 1L << 30), "a day of logs: both cores read");
        assertEquals(1, ReplayCommand.defaultThreads(1, 1L << 30));
        assertEquals(8, ReplayCommand.defaultThreads(8, 1L << 20), "cores to spare for the compiler");
    }
}
