package org.rome4j.cli;

import ai.djl.engine.Engine;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.rome4j.model.Djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A command asked for CUDA by ROME4J_DEVICE / -Drome4j.device on a CPU-only libtorch: one line, exit 2. */
class DeviceCliTest {
    @Test
    void cudaIsRefusedInOneLineByEveryModelCommand() {
        Djl.init();
        Assumptions.assumeTrue(Engine.getEngine("PyTorch").getGpuCount() == 0, "a GPU is visible");
        String saved = System.getProperty("rome4j.device");
        System.setProperty("rome4j.device", "cuda");
        try {
            CliRun r = CliRun.of("logits", "--prompt", "Megan Rapinoe plays the sport of");
            assertEquals(2, r.status());
            String err = r.err().strip();
            assertTrue(err.startsWith("rome4j logits: --device cuda:0: no CUDA device visible to the loaded libtorch 2.5.1 ("), err);
            assertTrue(err.endsWith("mvn -Pcuda package and run that build") && !err.contains("\n"), err);
        } finally {
            if (saved == null) System.clearProperty("rome4j.device"); else System.setProperty("rome4j.device", saved);
        }
    }
}
