package org.rome4j.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.LibUtils;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The device a model lives on, as a user types it: {@code cpu}, {@code cuda} (the first GPU) or
 * {@code cuda:N}. A model's weights and every array computed from it (activations, noise, patches, the
 * v* optimisation, statistics, undo copies) are created in scopes under the model's manager, so they
 * follow its device.
 */
public final class Devices {
    private static final Pattern CUDA = Pattern.compile("(?:cuda|gpu)(?::(\\d{1,3}))?");

    private Devices() { }

    /**
     * Parses {@code cpu}, {@code cuda}, {@code cuda:N} (also {@code gpu}, {@code gpu:N}).
     *
     * @throws IllegalArgumentException naming the accepted forms
     */
    public static Device parse(String spec) {
        String s = spec == null ? "" : spec.trim().toLowerCase(Locale.ROOT);
        if (s.equals("cpu")) return Device.cpu();
        Matcher m = CUDA.matcher(s);
        if (m.matches()) return Device.gpu(m.group(1) == null ? 0 : Integer.parseInt(m.group(1)));
        throw new IllegalArgumentException("unknown device \"" + spec + "\": use cpu, cuda or cuda:N");
    }

    /**
     * The device models load on when none is named: the system property {@code rome4j.device}, else the
     * environment variable {@code ROME4J_DEVICE}, else the CPU (so a test run or a kernel can be moved to a
     * GPU as a whole: {@code mvn test -Drome4j.device=cuda}).
     */
    public static Device defaultDevice() {
        String p = System.getProperty("rome4j.device");
        if (p == null || p.isBlank()) p = System.getenv("ROME4J_DEVICE");
        return p == null || p.isBlank() ? Device.cpu() : parse(p);
    }

    /** The name a user types for a device: {@code cpu} or {@code cuda:N}. */
    public static String name(Device d) {
        return d.isGpu() ? "cuda:" + d.getDeviceId() : "cpu";
    }

    /**
     * Checks that the loaded libtorch can use {@code d}.
     *
     * @throws ModelLoadException in one line: which libtorch is loaded and how to get one with CUDA
     */
    public static Device check(Device d) {
        if (!d.isGpu()) return d;
        Djl.init();
        Engine engine = Engine.getEngine("PyTorch");
        int gpus = engine.getGpuCount();
        if (d.getDeviceId() < gpus) return d;
        String lib = libtorch();
        boolean cudaBuild = lib.contains("cu1");
        throw new ModelLoadException("--device " + name(d) + ": " + (gpus == 0 ? "no CUDA device" : "only " + gpus + " CUDA device(s)")
                + " visible to the loaded libtorch " + engine.getVersion() + " (" + lib + ")"
                + (cudaBuild ? ": check the NVIDIA driver (nvidia-smi) and CUDA_VISIBLE_DEVICES"
                : ", a CPU-only build: on a machine with an NVIDIA GPU build with mvn -Pcuda package and run that build"));
    }

    /** The folder of the loaded libtorch (its name carries the flavour, e.g. {@code 2.5.1-cpu-linux-x86_64}). */
    static String libtorch() {
        try {
            return LibUtils.getLibtorchPath();
        } catch (RuntimeException | LinkageError e) {
            return "path unknown";
        }
    }
}
