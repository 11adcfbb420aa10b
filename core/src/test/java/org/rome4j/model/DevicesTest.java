package org.rome4j.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.rome4j.intervene.Interventions;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --device: parsing, the one-line refusal of CUDA by a CPU libtorch, and models whose scopes follow their device. */
class DevicesTest {

    @Test
    void parsesWhatAUserTypes() {
        assertEquals(Device.cpu(), Devices.parse("cpu"));
        assertEquals(Device.gpu(0), Devices.parse("cuda"));
        assertEquals(Device.gpu(1), Devices.parse("CUDA:1"));
        assertEquals(Device.gpu(2), Devices.parse("gpu:2"));
        assertEquals("cuda:3", Devices.name(Device.gpu(3)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Devices.parse("tpu"));
        assertEquals("unknown device \"tpu\": use cpu, cuda or cuda:N", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Devices.parse("cuda:-1"));
    }

    @Test
    void theDefaultDeviceIsTheCpuUnlessAPropertyNamesOne() {
        String saved = System.getProperty("rome4j.device");
        try {
            System.clearProperty("rome4j.device");
            Assumptions.assumeTrue(System.getenv("ROME4J_DEVICE") == null, "ROME4J_DEVICE is set in this environment");
            assertEquals(Device.cpu(), Devices.defaultDevice());
            System.setProperty("rome4j.device", "cuda:1");
            assertEquals(Device.gpu(1), Devices.defaultDevice());
        } finally {
            if (saved == null) System.clearProperty("rome4j.device"); else System.setProperty("rome4j.device", saved);
        }
    }

    @Test
    void cudaOnACpuOnlyLibtorchFailsInOneLineNamingTheBuild() {
        Djl.init();
        Assumptions.assumeTrue(Engine.getEngine("PyTorch").getGpuCount() == 0, "a GPU is visible: this checks the CPU-only refusal");
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> Models.load("tiny-facts", WeightType.F32, Device.gpu(0)));
        String m = e.getMessage();
        assertTrue(m.startsWith("--device cuda:0: no CUDA device visible to the loaded libtorch 2.5.1 ("), m);
        assertTrue(m.contains("cpu"), "names the CPU flavour of the loaded library: " + m);
        assertTrue(m.endsWith("a CPU-only build: on a machine with an NVIDIA GPU build with mvn -Pcuda package and run that build"), m);
        assertFalse(m.contains("\n"));
    }

    @Test
    void aModelOnTheCpuKeepsEveryScopeThereAndComputesAsBefore() {
        try (Gpt a = Models.load("tiny-facts", WeightType.F32, Devices.parse("cpu")); Gpt b = Models.load("tiny-facts");
             NDManager sa = a.newScope(); NDManager sb = b.newScope()) {
            assertEquals(Device.cpu(), a.device());
            assertEquals(Device.cpu(), sa.getDevice());
            Batch batch = Batch.of(a.tokenizer().ids("Megan Rapinoe plays the sport of"));
            NDArray la = a.forwardLast(sa, batch, Interventions.NONE).logits();
            NDArray lb = b.forwardLast(sb, batch, Interventions.NONE).logits();
            assertEquals(Device.cpu(), la.getDevice());
            assertArrayEquals(lb.toFloatArray(), la.toFloatArray(), 0f);
        }
    }
}
