package org.rome4j.bench;

import ai.djl.Device;
import org.rome4j.model.Devices;
import org.rome4j.model.Djl;
import org.rome4j.model.Gpt;
import org.rome4j.model.RandomCheckpoint;
import org.rome4j.model.GptConfig;
import org.rome4j.model.WeightType;
import org.rome4j.rome.ContextTemplates;
import org.rome4j.rome.Edit;
import org.rome4j.rome.Request;
import org.rome4j.rome.Rome;
import org.rome4j.rome.RomeHparams;
import org.rome4j.trace.CausalTrace;
import org.rome4j.trace.Kind;
import org.rome4j.trace.Noise;
import org.rome4j.trace.TraceResult;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Benchmark (not a test) for a device, at paper scale: loads a checkpoint on {@code --device}, then times
 * the full 3-kind causal-trace grid (every token × every layer, 10 noise samples, fixed noise 0.5) and one
 * ROME edit with fixed C (identity), 20 v* steps, at the preset's layer. Writes the checkpoint first when
 * the folder has none: {@code gpt2-xl} (48 layers, width 1600, F32, 6.2 GB) or {@code gptj-bf16} (28 layers,
 * width 4096, BF16, 12 GB), with the tokenizer of {@code TOKENIZER} (a folder, a downloaded hub id such as
 * {@code gpt2}, or {@code -}: the embedded model's; the vocabulary keeps its full size either way). Templates:
 * a JSON file, {@code fixed} ({@link BenchInputs#TEMPLATES}) or none (generated). Peak GPU memory is read outside
 * (environment/gpu-check.sh samples nvidia-smi).
 *
 * <pre>java -Xmx24g -cp kernel-ext/target/rome4j.jar:tools/target/rome4j-tools.jar org.rome4j.bench.DeviceBenchmark gpt2-xl|gptj-bf16|gpt2-small DIR TOKENIZER|- [DEVICE] [TEMPLATES.json|fixed] [DTYPE]</pre>
 */
public final class DeviceBenchmark {
    private static final String PROMPT = "The Space Needle is located in the city of";
    private static final String SUBJECT = "The Space Needle";

    private DeviceBenchmark() { }

    /** Times the full 3-kind grid after a warm-up trace. */
    static void grid(Gpt gpt, String shape, Device device) {
        CausalTrace.Builder b = CausalTrace.builder(gpt).setPrompt(PROMPT).setSubject(SUBJECT).optSamples(10).optNoise(Noise.fixed(0.5));
        b.optTokenRange(CausalTrace.TokenRange.LAST_SUBJECT).build().run();      // warm-up: kernels, allocator
        long g0 = System.nanoTime();
        List<TraceResult> grid = b.optTokenRange(CausalTrace.TokenRange.ALL).build().run(List.of(Kind.RESID, Kind.MLP, Kind.ATTN));
        double gridS = (System.nanoTime() - g0) / 1e9;
        int tokens = grid.get(0).scores().length;
        System.out.printf("%s on %s: full 3-kind grid (%d tokens x %d layers x 3 kinds, 10 samples) %.2f s; answer %s%n", shape,
                Devices.name(device), tokens, gpt.nLayer(), gridS, grid.get(0).answer());
    }

    /** gpt2-medium's values at layer 5 of the small shape, the loss read after its last layer. */
    static RomeHparams smallHparams(Gpt gpt) throws java.io.IOException {
        var n = (com.fasterxml.jackson.databind.node.ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(RomeHparams.class.getResourceAsStream("/rome4j/hparams/ROME/gpt2-medium.json"));
        n.put("v_loss_layer", gpt.nLayer() - 1);
        n.putArray("layers").add(5);
        return RomeHparams.parse(n, "gpt2-medium.json (layer 5 of gpt2-small)");
    }

    /** Entry point. */
    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: DeviceBenchmark gpt2-xl|gptj-bf16|gpt2-small DIR TOKENIZER|- [cpu|cuda[:N]] [TEMPLATES.json|fixed] [f32|bf16]");
            System.exit(2);
        }
        Djl.init();
        String shape = args[0];
        Path dir = Path.of(args[1]);
        Path tok = BenchInputs.tokenizer(args[2].equals("-") ? null : args[2]);
        Device device = Devices.parse(args.length > 3 ? args[3] : "cuda");
        List<String> templates = args.length <= 4 || args[4].isEmpty() ? null
                : args[4].equals("fixed") ? BenchInputs.TEMPLATES : ContextTemplates.read(Path.of(args[4]));
        boolean gptj = shape.equals("gptj-bf16");
        boolean small = shape.equals("gpt2-small");     // a smoke test of this benchmark on a CPU
        if (!Files.isRegularFile(dir.resolve("model.safetensors"))) {
            long t0 = System.nanoTime();
            if (gptj) HalfPrecisionBenchmark.write(dir, 28, tok);
            else RandomCheckpoint.write(dir, small ? RandomCheckpoint.gpt2Small() : GptConfig.gpt2(48, 1600, 25, 1024, 50257), 0, tok);
            System.out.printf("%s: wrote %s in %.0f s%n", shape, dir, (System.nanoTime() - t0) / 1e9);
        }
        long t0 = System.nanoTime();
        // a BF16 file is kept BF16 unless a 6th argument says f32 (widened once at load: twice the memory, no widening per use)
        WeightType type = args.length > 5 ? WeightType.parse(args[5]) : gptj ? WeightType.BF16 : WeightType.F32;
        try (Gpt gpt = Gpt.load(dir, type, device)) {
            shape = shape + " (" + type.name().toLowerCase(java.util.Locale.ROOT) + ")";
            System.out.printf("%s on %s: loaded in %.1f s%n", shape, Devices.name(gpt.device()), (System.nanoTime() - t0) / 1e9);
            if (Boolean.parseBoolean(System.getProperty("rome4j.bench.grid", "true"))) grid(gpt, shape, device);
            RomeHparams hp = small ? smallHparams(gpt) : RomeHparams.preset(gptj ? "EleutherAI_gpt-j-6B" : "gpt2-xl");
            int layer = hp.layers().get(0);
            int f = gpt.config().nInner();
            float[] id = new float[Math.multiplyExact(f, f)];
            for (int i = 0; i < f; i++) id[i * f + i] = 1f;
            Rome.Builder rb = Rome.builder(gpt).setHparams(hp).optMeasure(false).optInverse(layer, id);
            if (templates != null) rb.optTemplates(templates);
            Rome rome = rb.build();
            Request req = Request.of("{} plays the sport of", "Michael Jordan", "football");
            rome.undo(rome.apply(req).id());       // warm-up, and the generated templates are fixed from here on
            long e0 = System.nanoTime();
            Edit e = rome.apply(req);
            double editS = (System.nanoTime() - e0) / 1e9;
            rome.undo();
            System.out.printf("%s on %s: one edit at layer %d (%d v* steps, fixed C) %.2f s%n", shape, Devices.name(device), layer,
                    e.updates().get(0).iterations(), editS);
        }
    }
}
