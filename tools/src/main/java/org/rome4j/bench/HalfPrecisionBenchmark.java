package org.rome4j.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import ai.djl.ndarray.NDManager;
import org.rome4j.intervene.Interventions;
import org.rome4j.model.Batch;
import org.rome4j.model.Djl;
import org.rome4j.model.Gpt;
import org.rome4j.model.GptConfig;
import org.rome4j.model.ParamSpec;
import org.rome4j.model.WeightType;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Memory and speed of a GPT-J-6B-shaped checkpoint (28 layers, width 4096, 16 heads, rotary 64,
 * vocabulary 50400) written in BF16 with random weights (about 12 GB), loaded with {@code --dtype bf16}
 * in a fresh JVM: peak RSS against the file size, the time of one forward of a 10-token prompt and of
 * one causal-trace cell (the original's cell: one forward of 11 rows).
 *
 * <pre>java -cp kernel-ext/target/rome4j.jar:tools/target/rome4j-tools.jar org.rome4j.bench.HalfPrecisionBenchmark DIR [LAYERS] [TOKENIZER_DIR|HUB_ID]</pre>
 * (tokenizer: the embedded model's unless given; the vocabulary keeps GPT-J's 50400 rows either way)
 */
public final class HalfPrecisionBenchmark {
    private static final String PROMPT = "The Space Needle is located in the city of";

    private HalfPrecisionBenchmark() { }

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("--child")) {
            child(Path.of(args[1]));
            return;
        }
        Path dir = Path.of(args.length > 0 ? args[0] : "/tmp/rome4j-gptj-bf16");
        int layers = args.length > 1 ? Integer.parseInt(args[1]) : 28;
        Path tok = BenchInputs.tokenizer(args.length > 2 ? args[2] : null);
        if (!Files.isRegularFile(dir.resolve("model.safetensors"))) {
            long t0 = System.nanoTime();
            write(dir, layers, tok);
            System.out.printf("wrote %s in %.0f s%n", dir, (System.nanoTime() - t0) / 1e9);
        }
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx4g",
                "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), HalfPrecisionBenchmark.class.getName(),
                "--child", dir.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            r.lines().forEach(l -> System.out.println("  " + l));
        }
        System.out.println("child exit status " + p.waitFor());
    }

    static void child(Path dir) throws Exception {
        Djl.init();
        long file = Files.size(dir.resolve("model.safetensors"));
        long t0 = System.nanoTime();
        try (Gpt gpt = Gpt.load(dir, WeightType.BF16)) {
            System.out.printf("loaded %s with --dtype bf16 in %.1f s; file %.2f GB%n", gpt, (System.nanoTime() - t0) / 1e9, file / 1e9);
            long[] ids = gpt.tokenizer().ids(PROMPT);
            for (int run = 0; run < 2; run++) {
                long t = System.nanoTime();
                try (NDManager scope = gpt.newScope()) {
                    gpt.forwardLast(scope, Batch.of(ids), Interventions.NONE).logits().toFloatArray();
                }
                System.out.printf("forward of %d tokens (run %d): %.1f s%n", ids.length, run + 1, (System.nanoTime() - t) / 1e9);
            }
            List<long[]> rows = new ArrayList<>(Collections.nCopies(11, ids));
            long t = System.nanoTime();
            try (NDManager scope = gpt.newScope()) {
                gpt.forwardLast(scope, Batch.right(rows, 0), Interventions.NONE).logits().toFloatArray();
            }
            System.out.printf("one causal-trace cell (11 rows x %d tokens): %.1f s%n", ids.length, (System.nanoTime() - t) / 1e9);
        }
        long hwm = 0;
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) hwm = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
        System.out.printf("peak RSS %.2f GB = %.2f x the file (target <= 1.3)%n", hwm / 1e9, (double) hwm / file);
    }

    /** A random GPT-J-shaped BF16 checkpoint: weights uniform in ±0.035 (std 0.02), norm weights 1, biases 0. */
    static void write(Path dir, int layers, Path tok) throws Exception {
        Files.createDirectories(dir);
        ObjectNode cfg = new ObjectMapper().createObjectNode().put("model_type", "gptj").put("n_layer", layers)
                .put("n_embd", 4096).put("n_head", 16).put("rotary_dim", 64).put("n_positions", 2048).put("vocab_size", 50400)
                .put("layer_norm_epsilon", 1e-5).put("activation_function", "gelu_new").put("tie_word_embeddings", false)
                .put("torch_dtype", "bfloat16");
        cfg.putNull("n_inner");
        new ObjectMapper().writeValue(dir.resolve("config.json").toFile(), cfg);
        for (String f : List.of("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")) {
            if (Files.isRegularFile(tok.resolve(f))) Files.copy(tok.resolve(f), dir.resolve(f));
        }
        GptConfig c = GptConfig.fromJson(cfg);
        List<ParamSpec> specs = c.architecture().parameters(c);
        ObjectNode header = new ObjectMapper().createObjectNode();
        header.putObject("__metadata__").put("format", "pt");
        long off = 0;
        for (ParamSpec s : specs) {
            ObjectNode e = header.putObject(s.name()).put("dtype", "BF16");
            var sh = e.putArray("shape");
            long n = 1;
            for (long d : s.shape()) {
                sh.add(d);
                n *= d;
            }
            e.putArray("data_offsets").add(off).add(off + 2 * n);
            off += 2 * n;
        }
        byte[] h = new ObjectMapper().writeValueAsBytes(header);
        int pad = (8 - h.length % 8) % 8;
        try (FileChannel out = FileChannel.open(dir.resolve("model.safetensors"), StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ByteBuffer head = ByteBuffer.allocate(8 + h.length + pad).order(ByteOrder.LITTLE_ENDIAN);
            head.putLong(h.length + pad).put(h);
            for (int i = 0; i < pad; i++) head.put((byte) ' ');
            head.flip();
            out.write(head);
            ByteBuffer buf = ByteBuffer.allocateDirect(1 << 24).order(ByteOrder.LITTLE_ENDIAN);
            long state = 0x9E3779B97F4A7C15L;
            for (ParamSpec s : specs) {
                long n = 1;
                for (long d : s.shape()) n *= d;
                boolean norm = s.name().contains("ln_") && s.name().endsWith("weight");
                boolean bias = s.name().endsWith("bias");
                for (long i = 0; i < n; i++) {
                    float v;
                    if (norm) {
                        v = 1f;
                    } else if (bias) {
                        v = 0f;
                    } else {
                        state ^= state << 13;
                        state ^= state >>> 7;
                        state ^= state << 17;
                        v = (float) (((state >>> 40) / (double) (1L << 24) - 0.5) * 0.0693);
                    }
                    buf.putShort((short) (Float.floatToRawIntBits(v) >>> 16));
                    if (!buf.hasRemaining()) {
                        buf.flip();
                        while (buf.hasRemaining()) out.write(buf);
                        buf.clear();
                    }
                }
            }
            buf.flip();
            while (buf.hasRemaining()) out.write(buf);
        }
    }
}
