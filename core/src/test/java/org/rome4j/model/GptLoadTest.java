package org.rome4j.model;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rome4j.Shared;
import org.rome4j.intervene.Interventions;
import org.rome4j.io.SafeTensors;

import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Checkpoint variants other tools write, and one-line errors for bad ones. */
class GptLoadTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static Path golden;
    static Map<String, SafeTensors.Tensor> weights = new TreeMap<>();
    static float[] referenceLogits;
    static long[] ids;

    @BeforeAll
    static void read() throws Exception {
        golden = Shared.tinyGpt2();
        try (SafeTensors st = SafeTensors.open(golden.resolve("model.safetensors"))) {
            for (var e : st.entries().values()) {
                weights.put(e.name(), new SafeTensors.Tensor(e.shape(), st.readFloatArray(e.name())));
            }
        }
        try (Gpt gpt = Gpt.load(golden); NDManager s = gpt.newScope()) {
            ids = gpt.tokenizer().ids("Apple was founded by");
            referenceLogits = logits(gpt);
        }
    }

    static float[] logits(Gpt gpt) {
        try (NDManager s = gpt.newScope()) {
            return gpt.forwardLast(s, Batch.of(ids), Interventions.NONE).logits().toFloatArray();
        }
    }

    static double maxAbs(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs((double) a[i] - b[i]));
        return m;
    }

    /** A model folder with golden config and tokenizer, and the given weights file(s). */
    static Path folder(Path dir) throws Exception {
        Files.createDirectories(dir);
        for (String f : List.of("config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")) {
            Files.copy(golden.resolve(f), dir.resolve(f));
        }
        return dir;
    }

    @Test
    void gpt2ModelNamesBuffersAndAnExplicitHeadLoadTheSame(@TempDir Path tmp) throws Exception {
        Map<String, SafeTensors.Tensor> other = new TreeMap<>();
        weights.forEach((k, v) -> other.put(k.substring("transformer.".length()), v));
        other.put("h.0.attn.bias", new SafeTensors.Tensor(new long[] {1, 1, 4, 4}, new float[16]));
        other.put("lm_head.weight", weights.get("transformer.wte.weight"));
        Path dir = folder(tmp.resolve("m"));
        SafeTensors.write(dir.resolve("model.safetensors"), other);
        try (Gpt gpt = Gpt.load(dir)) {
            assertTrue(maxAbs(referenceLogits, logits(gpt)) < 1e-5); // alignment of mapped data may change SIMD summation order
        }
    }

    @Test
    void shardedCheckpointLoads(@TempDir Path tmp) throws Exception {
        Path dir = folder(tmp.resolve("m"));
        Map<String, SafeTensors.Tensor> a = new TreeMap<>();
        Map<String, SafeTensors.Tensor> b = new TreeMap<>();
        ObjectNode index = JSON.createObjectNode();
        ObjectNode map = index.putObject("weight_map");
        weights.forEach((k, v) -> {
            boolean first = k.contains(".h.0.") || k.contains(".h.1.") || k.contains("wte");
            (first ? a : b).put(k, v);
            map.put(k, first ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors");
        });
        SafeTensors.write(dir.resolve("model-00001-of-00002.safetensors"), a);
        SafeTensors.write(dir.resolve("model-00002-of-00002.safetensors"), b);
        JSON.writeValue(dir.resolve("model.safetensors.index.json").toFile(), index);
        try (Gpt gpt = Gpt.load(dir)) {
            assertTrue(maxAbs(referenceLogits, logits(gpt)) < 1e-5); // alignment of mapped data may change SIMD summation order
        }
    }

    /** Writes weights as F16 or BF16 by hand (safetensors layout) and returns the widened values we expect back. */
    static Map<String, float[]> writeHalf(Path file, String dtype) throws Exception {
        ObjectNode header = JSON.createObjectNode();
        long off = 0;
        Map<String, float[]> widened = new LinkedHashMap<>();
        ByteBuffer data = ByteBuffer.allocate(weights.values().stream().mapToInt(t -> t.data().length * 2).sum())
                .order(ByteOrder.LITTLE_ENDIAN);
        for (var e : weights.entrySet()) {
            float[] src = e.getValue().data();
            float[] back = new float[src.length];
            for (int i = 0; i < src.length; i++) {
                short h;
                if (dtype.equals("BF16")) {
                    h = (short) (Float.floatToIntBits(src[i]) >>> 16); // truncation is a valid BF16 value
                    back[i] = Float.intBitsToFloat((h & 0xffff) << 16);
                } else {
                    h = toHalf(src[i]);
                    back[i] = SafeTensorsAccess.half(h);
                }
                data.putShort(h);
            }
            widened.put(e.getKey(), back);
            ObjectNode n = header.putObject(e.getKey());
            n.put("dtype", dtype);
            var sh = n.putArray("shape");
            for (long d : e.getValue().shape()) sh.add(d);
            n.putArray("data_offsets").add(off).add(off + src.length * 2L);
            off += src.length * 2L;
        }
        byte[] h = JSON.writeValueAsBytes(header);
        try (OutputStream os = Files.newOutputStream(file)) {
            os.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
            os.write(h);
            os.write(data.array());
        }
        return widened;
    }

    /** Float to IEEE half, round to nearest (values here are small and normal). */
    static short toHalf(float f) {
        int bits = Float.floatToIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        float a = Math.abs(f);
        if (a < 6.1e-5f) {
            return (short) (sign | Math.round(a / 0x1p-24f));
        }
        int exp = Math.getExponent(a);
        int mant = Math.round((a / (float) Math.pow(2, exp) - 1f) * 1024f);
        if (mant == 1024) {
            mant = 0;
            exp++;
        }
        return (short) (sign | ((exp + 15) << 10) | mant);
    }

    @Test
    void halfPrecisionCheckpointsAreWidenedExactly(@TempDir Path tmp) throws Exception {
        for (String dtype : List.of("F16", "BF16")) {
            Path dir = folder(tmp.resolve(dtype));
            Map<String, float[]> expect = writeHalf(dir.resolve("model.safetensors"), dtype);
            try (Gpt gpt = Gpt.load(dir)) {
                for (var e : expect.entrySet()) {
                    assertEquals(0.0, maxAbs(e.getValue(), gpt.parameters().get(e.getKey()).toFloatArray()), dtype + " " + e.getKey());
                }
                double err = maxAbs(referenceLogits, logits(gpt));
                assertTrue(err < (dtype.equals("F16") ? 0.05 : 0.5), dtype + " logits drift " + err);
            }
        }
    }

    static String loadError(Path dir) {
        return assertThrows(ModelLoadException.class, () -> Gpt.load(dir)).getMessage();
    }

    @Test
    void badCheckpointsFailWithOneLineNamingTheFix(@TempDir Path tmp) throws Exception {
        assertTrue(loadError(tmp.resolve("nope")).startsWith("model directory not found"));

        Path noConfig = Files.createDirectories(tmp.resolve("noconfig"));
        assertTrue(loadError(noConfig).contains("config.json missing"));

        Path falcon = folder(tmp.resolve("falcon"));
        ObjectNode cfg = (ObjectNode) JSON.readTree(falcon.resolve("config.json").toFile());
        cfg.put("model_type", "falcon");
        JSON.writeValue(falcon.resolve("config.json").toFile(), cfg);
        String unsupported = loadError(falcon);
        assertTrue(unsupported.contains("model_type \"falcon\" is not supported: supported model types are gpt2, gptj, "
                + "gpt_neox, llama, mistral, qwen2") && !unsupported.contains("\n"), unsupported);

        Path pickle = folder(tmp.resolve("pickle"));
        Files.write(pickle.resolve("pytorch_model.bin"), new byte[] {(byte) 0x80, 2});
        String msg = loadError(pickle);
        assertTrue(msg.contains("refusing pickle") && msg.contains("safetensors"), msg);

        Path truncated = folder(tmp.resolve("truncated"));
        byte[] full = Files.readAllBytes(golden.resolve("model.safetensors"));
        Files.write(truncated.resolve("model.safetensors"), java.util.Arrays.copyOf(full, 200));
        msg = loadError(truncated);
        assertTrue(msg.contains("not a safetensors file") && msg.contains("re-download"), msg);

        Path cut = folder(tmp.resolve("cut"));
        Files.write(cut.resolve("model.safetensors"), java.util.Arrays.copyOf(full, full.length - 1000));
        msg = loadError(cut);
        assertTrue(msg.contains("truncated file"), msg);

        Path wider = folder(tmp.resolve("wider"));
        Files.copy(golden.resolve("model.safetensors"), wider.resolve("model.safetensors"));
        cfg = (ObjectNode) JSON.readTree(wider.resolve("config.json").toFile());
        cfg.put("n_embd", 128);
        JSON.writeValue(wider.resolve("config.json").toFile(), cfg);
        msg = loadError(wider);
        assertTrue(msg.contains("transformer.wte.weight has shape [50257, 64] but config.json implies [50257, 128]"), msg);

        Path deeper = folder(tmp.resolve("deeper"));
        Files.copy(golden.resolve("model.safetensors"), deeper.resolve("model.safetensors"));
        cfg = (ObjectNode) JSON.readTree(deeper.resolve("config.json").toFile());
        cfg.put("n_layer", 5);
        JSON.writeValue(deeper.resolve("config.json").toFile(), cfg);
        msg = loadError(deeper);
        assertTrue(msg.contains("tensor transformer.h.4.ln_1.weight missing"), msg);

        Path noTok = folder(tmp.resolve("notok"));
        Files.delete(noTok.resolve("tokenizer.json"));
        Files.copy(golden.resolve("model.safetensors"), noTok.resolve("model.safetensors"));
        assertTrue(loadError(noTok).startsWith("tokenizer missing"));

        for (Path p : List.of(noConfig, falcon, pickle, truncated, wider, deeper, noTok)) {
            String m = loadError(p);
            assertEquals(1, m.lines().count(), "one line: " + m);
        }
    }
}
