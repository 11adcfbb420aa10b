package org.rome4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.rome4j.intervene.Interventions;
import org.rome4j.intervene.Site;
import org.rome4j.io.SafeTensors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A decoder-only language model of any supported family (GPT-2, GPT-J, GPT-NeoX, the Llama family; see
 * {@link Architecture}) on DJL's PyTorch engine, computed exactly as HF transformers does,
 * with every activation reachable by a stable {@link Site} name.
 *
 * <pre>{@code
 * try (Gpt gpt = Models.load("tiny-facts"); NDManager scope = gpt.newScope()) {
 *     Batch batch = Batch.of(gpt.tokenizer().ids("The Eiffel Tower is located in"));
 *     Output out = gpt.forwardLast(scope, batch, Interventions.builder().record(Site.mlpIn(2)).build());
 *     NDArray logits = out.logits();          // [1, 1, V]
 *     NDArray keys = out.get(Site.mlpIn(2));  // [1, T, F]
 * }
 * }</pre>
 *
 * <p>Not thread-safe: one forward at a time per model.
 */
public final class Gpt implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final String name;
    private final GptConfig cfg;
    private final Architecture arch;
    /** The config.json this model was loaded from (written back by {@link #save}), or null. */
    private final JsonNode rawConfig;
    private final TextTokenizer tokenizer;
    private final Path tokenizerDir;
    private final Parameters params;
    private final List<Block> blocks;
    private final List<SafeTensors> files;

    private Gpt(String name, GptConfig cfg, JsonNode rawConfig, TextTokenizer tokenizer, Path tokenizerDir, Parameters params,
                List<SafeTensors> files) {
        this.name = name;
        this.cfg = cfg;
        this.arch = cfg.architecture();
        this.rawConfig = rawConfig;
        this.tokenizer = tokenizer;
        this.tokenizerDir = tokenizerDir;
        this.params = params;
        this.files = files;
        List<Block> bs = new ArrayList<>();
        for (int i = 0; i < cfg.nLayer(); i++) {
            bs.add(arch.block(cfg, i, params));
        }
        this.blocks = List.copyOf(bs);
    }

    /** Expected parameters of a config, with HF names and shapes. */
    public static List<ParamSpec> parameterSpecs(GptConfig cfg) {
        return cfg.architecture().parameters(cfg);
    }

    /**
     * Loads a model directory in HF layout: {@code config.json}, {@code model.safetensors} (or shards
     * listed in {@code model.safetensors.index.json}) and {@code tokenizer.json}. Weights are memory
     * mapped; F16 and BF16 are widened to F32.
     *
     * @throws ModelLoadException with one line naming the problem and the fix
     */
    public static Gpt load(Path dir) {
        return load(dir, WeightType.F32);
    }

    /**
     * {@link #load(Path)} keeping the weights in {@code type}: a file already in that type stays
     * memory-mapped; other files are converted as they load. Every layer computes in float32. On
     * {@link Devices#defaultDevice()} (the CPU unless {@code rome4j.device} / {@code ROME4J_DEVICE} say otherwise).
     */
    public static Gpt load(Path dir, WeightType type) {
        return load(dir, type, Devices.defaultDevice());
    }

    /**
     * {@link #load(Path, WeightType)} with the weights on {@code device} ({@link Devices}); every scope of
     * the model ({@link #newScope}) and so every array computed from it lives there too.
     *
     * @throws ModelLoadException when the loaded libtorch cannot use the device
     */
    public static Gpt load(Path dir, WeightType type, ai.djl.Device device) {
        Djl.init();
        Devices.check(device);
        if (!Files.isDirectory(dir)) {
            throw new ModelLoadException("model directory not found: " + dir
                    + "; pass a folder in HF layout (config.json, model.safetensors, tokenizer.json) or the name tiny-facts");
        }
        JsonNode raw = readJson(dir);
        GptConfig cfg = readConfig(dir, raw);
        Architecture arch = cfg.architecture();
        List<Path> weightFiles = weightFiles(dir);
        TextTokenizer tok = TextTokenizer.load(dir);
        NDManager manager = NDManager.newBaseManager(device);
        List<SafeTensors> opened = new ArrayList<>();
        try {
            Map<String, SafeTensors> where = new LinkedHashMap<>();
            Map<String, String> storedAs = new LinkedHashMap<>();
            for (Path f : weightFiles) {
                SafeTensors st = SafeTensors.open(f);
                opened.add(st);
                for (String n : st.entries().keySet()) {
                    String c = arch.canonical(n);
                    if (c.equals(n) || !storedAs.containsKey(c)) {
                        where.put(c, st);
                        storedAs.put(c, n);
                    }
                }
            }
            Parameters params = new Parameters(manager, type);
            for (ParamSpec spec : parameterSpecs(cfg)) {
                SafeTensors st = where.get(spec.name());
                String stored = storedAs.get(spec.name());
                if (st == null) {
                    throw new ModelLoadException("tensor " + spec.name() + " missing from " + weightFiles.get(0).getFileName()
                            + " (" + dir + "): the checkpoint does not match config.json (" + cfg.modelType() + ", " + cfg.nLayer()
                            + " layers, width " + cfg.nEmbd() + "); re-save model and config together");
                }
                long[] shape = st.entries().get(stored).shape();
                if (!java.util.Arrays.equals(shape, spec.shape())) {
                    throw new ModelLoadException("tensor " + spec.name() + " has shape " + java.util.Arrays.toString(shape)
                            + " but config.json implies " + java.util.Arrays.toString(spec.shape())
                            + " (" + dir + "): re-save model and config together");
                }
                NDArray w = HalfPrecision.read(st, stored, manager, type);
                params.put(spec.name(), w);
                refuseNonFinite(w, stored, weightFiles.get(0).getFileName().toString());
            }
            return new Gpt(dir.getFileName().toString(), cfg, raw, tok, dir, params, opened);
        } catch (IOException e) {
            close(opened);
            manager.close();
            tok.close();
            throw new ModelLoadException(e instanceof org.rome4j.io.CorruptFileException ? e.getMessage()
                    : e instanceof java.nio.file.FileSystemException ? "cannot read weights in " + dir + ": " + org.rome4j.io.Problems.oneLine(e)
                    : "cannot read weights in " + dir + ": " + e.getMessage() + "; the file is corrupt or truncated, download it again");
        } catch (RuntimeException e) {
            close(opened);
            manager.close();
            tok.close();
            throw e;
        }
    }

    /**
     * Refuses a tensor holding NaN or an infinity: a model built on it prints NaN logits for every prompt, and
     * traces and edits of it mean nothing. Checked as each tensor is read, so a corrupt checkpoint stops at once.
     */
    private static void refuseNonFinite(NDArray w, String name, String file) {
        try (NDArray nan = w.isNaN(); NDArray inf = w.isInfinite(); NDArray bad = nan.logicalOr(inf);
             NDArray count = bad.countNonzero()) {
            long n = count.toType(ai.djl.ndarray.types.DataType.INT64, false).getLong();
            if (n > 0) {
                throw new ModelLoadException("tensor " + name + " in " + file + " holds " + n + " NaN or infinite values of "
                        + w.size() + ": the checkpoint is corrupt; download or re-save it");
            }
        }
    }

    /**
     * A model from weights already in memory (training, tests). Takes ownership of the arrays, which
     * are attached to the model's manager.
     */
    public static Gpt create(String name, GptConfig cfg, Map<String, NDArray> weights, Path tokenizerDir) {
        Djl.init();
        TextTokenizer tok = TextTokenizer.load(tokenizerDir);
        NDManager manager = NDManager.newBaseManager();
        Parameters params = new Parameters(manager);
        for (ParamSpec spec : parameterSpecs(cfg)) {
            NDArray a = weights.get(spec.name());
            if (a == null || !a.getShape().equals(new Shape(spec.shape()))) {
                manager.close();
                tok.close();
                throw new IllegalArgumentException("weight " + spec + " is " + (a == null ? "missing" : "of shape " + a.getShape()));
            }
            a.attach(manager);
            params.put(spec.name(), a);
        }
        return new Gpt(name, cfg, null, tok, tokenizerDir, params, List.of());
    }

    /** Writes this model in HF layout ({@code config.json}, {@code model.safetensors}, tokenizer files). */
    public void save(Path dir) throws IOException {
        Files.createDirectories(dir);
        JSON.writeValue(dir.resolve("config.json").toFile(), rawConfig != null ? rawConfig : cfg.toJson());
        Map<String, SafeTensors.Tensor> out = new TreeMap<>();
        try (NDManager scope = newScope()) {
            for (String name : params.all().keySet()) {       // written as F32 (half weights widened exactly)
                NDArray w = params.f32(name, scope);
                out.put(name, new SafeTensors.Tensor(w.getShape().getShape(), w.toFloatArray()));
            }
        }
        SafeTensors.write(dir.resolve("model.safetensors"), out);
        for (String f : List.of("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.json", "merges.txt")) {
            Path src = tokenizerDir.resolve(f);
            if (Files.isRegularFile(src) && !src.toAbsolutePath().equals(dir.resolve(f).toAbsolutePath())) {
                Files.copy(src, dir.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static JsonNode readJson(Path dir) {
        Path file = dir.resolve("config.json");
        if (!Files.isRegularFile(file)) {
            throw new ModelLoadException("config.json missing in " + dir + ": save the model with save_pretrained(dir)");
        }
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new ModelLoadException("config.json in " + dir + " is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    private static GptConfig readConfig(Path dir, JsonNode n) {
        try {
            return GptConfig.fromJson(n);
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException(e.getMessage() + " (" + dir.resolve("config.json") + ")");
        }
    }

    /** A shard the index lists: a file inside the model's folder, never elsewhere on disk. */
    private static Path shard(Path dir, String name, Path index) {
        try {
            return org.rome4j.io.PathNames.inside(dir, name, "shard listed in " + index.getFileName());
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException(e.getMessage() + "; download the model again");
        }
    }

    private static List<Path> weightFiles(Path dir) {
        Path single = dir.resolve("model.safetensors");
        if (Files.isRegularFile(single)) {
            return List.of(single);
        }
        Path index = dir.resolve("model.safetensors.index.json");
        if (Files.isRegularFile(index)) {
            try {
                JsonNode map = JSON.readTree(index.toFile()).path("weight_map");
                List<Path> out = new ArrayList<>();
                map.elements().forEachRemaining(v -> {
                    Path p = shard(dir, v.asText(), index);
                    if (!out.contains(p)) out.add(p);
                });
                for (Path p : out) {
                    if (!Files.isRegularFile(p)) {
                        throw new ModelLoadException("shard " + p.getFileName() + " listed in " + index.getFileName()
                                + " is missing from " + dir + ": download every shard");
                    }
                }
                if (out.isEmpty()) {
                    throw new ModelLoadException(index + " has an empty weight_map: download it again");
                }
                return out;
            } catch (IOException e) {
                throw new ModelLoadException(index + " is not valid JSON: download it again");
            }
        }
        try (Stream<Path> s = Files.list(dir)) {
            List<String> pickles = s.map(p -> p.getFileName().toString())
                    .filter(f -> f.endsWith(".bin") || f.endsWith(".pt") || f.endsWith(".pth") || f.endsWith(".ckpt")).toList();
            if (!pickles.isEmpty()) {
                throw new ModelLoadException("refusing pickle checkpoint " + pickles.get(0) + " in " + dir
                        + " (unpickling can run code): convert it to safetensors with transformers' "
                        + "model.save_pretrained(dir, safe_serialization=True)");
            }
        } catch (IOException e) {
            throw new ModelLoadException("cannot list " + dir + ": " + e.getMessage());
        }
        throw new ModelLoadException("no weights in " + dir + ": expected model.safetensors or model.safetensors.index.json");
    }

    /** The same model under another display name (shares the weights; closing either closes both). */
    Gpt renamed(String newName) {
        return new Gpt(newName, cfg, rawConfig, tokenizer, tokenizerDir, params, files);
    }

    /** The device the weights live on; every scope of the model is on it too. */
    public ai.djl.Device device() {
        return params.manager().getDevice();
    }

    /** A new scope for forwards, on the model's {@link #device()}: close it (try-with-resources) to free every activation. */
    public NDManager newScope() {
        return params.manager().newSubManager();
    }

    /** The model's name (its folder name, or the embedded name). */
    public String name() { return name; }

    /**
     * The facts the model was trained to know, in known_1000's format, where its folder ships them as {@code facts.json}
     * (the embedded {@code tiny-biographies} does; {@code tiny-facts} was trained on known_1000 itself).
     */
    public java.util.Optional<Path> knownFacts() {
        return shipped("facts.json");
    }

    /**
     * A file the model's folder ships beside its weights ({@code facts.json}, {@code corpus.txt}, {@code counterfact.json}
     * for the embedded {@code tiny-biographies}), when it is there.
     */
    public java.util.Optional<Path> shipped(String fileName) {
        Path f = tokenizerDir == null ? null : tokenizerDir.resolve(fileName);
        return f != null && Files.isRegularFile(f) ? java.util.Optional.of(f) : java.util.Optional.empty();
    }

    /**
     * The text the model was trained on, one document per line, where its folder ships it as {@code corpus.txt}: the
     * corpus for ROME's key statistics C = E[kk^T], as Wikipedia is GPT-2's (the embedded {@code tiny-biographies} does).
     */
    public java.util.Optional<Path> trainingCorpus() {
        return shipped("corpus.txt");
    }

    /** The hyper-parameters. */
    public GptConfig config() { return cfg; }
    /** The family: weight names, final norm, head, ROME's module templates. */
    public Architecture architecture() { return arch; }
    /** The tokenizer. */
    public TextTokenizer tokenizer() { return tokenizer; }
    /** The weights by HF name. */
    public Parameters parameters() { return params; }
    /** The blocks, in order. */
    public List<Block> blocks() { return blocks; }
    /** Number of blocks. */
    public int nLayer() { return cfg.nLayer(); }

    /** Every site of this model, in forward order. */
    public List<Site> sites() {
        List<Site> out = new ArrayList<>(List.of(Site.embed()));
        if (arch.positionEmbedding() != null) out.add(Site.posEmbed());
        for (Block block : blocks) out.addAll(block.sites());
        out.add(Site.finalNormOut());
        out.add(Site.logits());
        return out;
    }

    /** Forward over a batch; logits at every position, [B, T, V]. */
    public Output forward(NDManager scope, Batch batch, Interventions iv) {
        return run(scope, batch.flatIds(), batch.flatPositions(), batch.rows(), batch.tokens(), masks(batch), null, iv, null);
    }

    /** Forward over a batch; logits only at each row's last real token, [B, 1, V] (saves the vocabulary matmul). */
    public Output forwardLast(NDManager scope, Batch batch, Interventions iv) {
        int[] last = new int[batch.rows()];
        for (int r = 0; r < last.length; r++) last[r] = batch.lastIndex(r);
        return run(scope, batch.flatIds(), batch.flatPositions(), batch.rows(), batch.tokens(), masks(batch), null, iv, last);
    }

    /**
     * One step with a KV cache: {@code ids} are the new tokens [B][T], {@code positions} their
     * position ids, {@code mask} their padding mask. Logits at the last new token, [B, 1, V]. Sites see
     * only the new tokens; {@link org.rome4j.intervene.HookContext#offset()} says where they start.
     */
    public Output step(NDManager scope, long[][] ids, long[][] positions, int[][] mask, KvCache cache, Interventions iv) {
        int b = ids.length;
        int t = ids[0].length;
        long[] flatIds = new long[b * t];
        long[] flatPos = new long[b * t];
        for (int r = 0; r < b; r++) {
            System.arraycopy(ids[r], 0, flatIds, r * t, t);
            System.arraycopy(positions[r], 0, flatPos, r * t, t);
        }
        int[] last = new int[b];
        java.util.Arrays.fill(last, t - 1);
        return run(scope, flatIds, flatPos, b, t, mask, cache, iv, last);
    }

    private static int[][] masks(Batch batch) {
        int[][] m = new int[batch.rows()][batch.tokens()];
        for (int r = 0; r < m.length; r++) {
            for (int i = 0; i < m[r].length; i++) m[r][i] = batch.mask(r, i);
        }
        return m;
    }

    private Output run(NDManager scope, long[] ids, long[] pos, int b, int t, int[][] stepMask, KvCache cache,
                       Interventions iv, int[] lastIdx) {
        int offset = cache == null ? 0 : cache.length();
        checkInput(ids, pos);
        NDArray idArr = scope.create(ids, new Shape(b, t));
        NDArray posArr = arch.positionEmbedding() == null ? null : scope.create(pos, new Shape(b, t));
        checkWindow(offset + t);
        NDArray mask = scope.create(additiveMask(b, t, offset, cache == null ? null : cache.mask(), stepMask),
                new Shape(b, 1, t, offset + t));
        Pass pass = new Pass(scope, iv, b, t, offset, mask, cache, true, pos);
        try {
            NDArray x = pass.visit(Site.embed(), embed(scope, idArr, params.get(arch.tokenEmbedding())));
            if (arch.positionEmbedding() != null) {
                x = x.add(pass.visit(Site.posEmbed(), embed(scope, posArr, params.get(arch.positionEmbedding()))));
            }
            return tail(scope, pass, x, 0, b, t, cache, stepMask, lastIdx);
        } catch (Pass.Stop stop) {
            return new Output(null, pass.recorded);
        }
    }

    /**
     * Forward that starts at block {@code layer} from a given residual stream, skipping the embeddings
     * and the blocks below. {@code residual} [B, T, D] is what enters block {@code layer} (the
     * {@code layer.{layer}.in} activation of an earlier run); with {@code layer == nLayer()} only the
     * final norm and the head run. Hooks at {@code layer.{layer}.in} and later sites run as usual;
     * hooks at earlier sites never fire. Causal tracing uses it to restart restored runs from the
     * cached corrupted activations, since every layer below the restored one is identical to the
     * corrupted run.
     *
     * @param scope    the run's manager (the residual may live in a parent manager)
     * @param layer    the first block to run, 0..nLayer()
     * @param residual [B, T, D] input of that block
     * @param batch    the batch the residual was computed from (for the attention mask and last tokens)
     * @param lastOnly logits only at each row's last real token ([B, 1, V]) instead of [B, T, V]
     */
    public Output forwardFrom(NDManager scope, int layer, NDArray residual, Batch batch, Interventions iv, boolean lastOnly) {
        return forwardFrom(scope, layer, residual, batch, iv, lastOnly, null);
    }

    /**
     * {@link #forwardFrom(NDManager, int, NDArray, Batch, Interventions, boolean)} after an unchanged
     * prefix: {@code prefix} holds the keys and values of the first {@code p = prefix.length()} tokens
     * for every block from {@code layer} on, and {@code residual} [B, T − p, D] covers only tokens
     * p..T−1 of {@code batch} (padded on either side). Only those tokens are computed; sites see them with
     * {@link org.rome4j.intervene.HookContext#offset()} = p. The prefix cache is read, never changed.
     * Causal tracing uses it because a restore at token t leaves every earlier token as in the
     * corrupted run (attention is causal).
     */
    public Output forwardFrom(NDManager scope, int layer, NDArray residual, Batch batch, Interventions iv, boolean lastOnly,
                              KvCache prefix) {
        if (layer < 0 || layer > cfg.nLayer()) {
            throw new IllegalArgumentException("start layer " + layer + " is outside 0–" + cfg.nLayer() + " for " + name);
        }
        int offset = prefix == null ? 0 : prefix.length();
        int b = batch.rows();
        int t = batch.tokens() - offset;
        Shape want = new Shape(b, t, cfg.nEmbd());
        if (t < 1 || !residual.getShape().equals(want)) {
            throw new IllegalArgumentException("residual has shape " + residual.getShape() + " but the batch after a prefix of "
                    + offset + " tokens needs " + want);
        }
        int[] last = null;
        if (lastOnly) {
            last = new int[b];
            for (int r = 0; r < b; r++) last[r] = batch.lastIndex(r) - offset;
        }
        int[][] stepMask = new int[b][t];
        for (int r = 0; r < b; r++) {
            for (int i = 0; i < t; i++) stepMask[r][i] = batch.mask(r, offset + i);
        }
        NDArray mask = scope.create(additiveMask(b, t, offset, prefix == null ? null : prefix.mask(), stepMask),
                new Shape(b, 1, t, offset + t));
        long[] pos = new long[b * t];
        for (int r = 0; r < b; r++) {
            for (int i = 0; i < t; i++) pos[r * t + i] = batch.position(r, offset + i);
        }
        checkWindow(offset + t);
        Pass pass = new Pass(scope, iv, b, t, offset, mask, prefix, false, pos);
        try {
            return tail(scope, pass, residual, layer, b, t, null, stepMask, last);
        } catch (Pass.Stop stop) {
            return new Output(null, pass.recorded);
        }
    }

    /** Blocks {@code from}..end, final norm and head. */
    private Output tail(NDManager scope, Pass pass, NDArray x, int from, int b, int t, KvCache cache, int[][] stepMask,
                        int[] lastIdx) {
        for (int i = from; i < blocks.size(); i++) {
            Block block = blocks.get(i);
            NDArray in = x;
            // the first block's input is the caller's (or the embedding's); later ones are the previous block's output
            x = pass.block(in, i > from, () -> params.perBlock(scope, () -> block.forward(in, pass)));
        }
        NDArray h = pass.visit(Site.finalNormOut(), arch.finalNorm(cfg, params, x));
        if (lastIdx != null) {
            long[] rowsAt = new long[b];
            for (int r = 0; r < b; r++) rowsAt[r] = (long) r * t + lastIdx[r];
            h = h.reshape(b * (long) t, cfg.nEmbd()).get(new NDIndex("{}", scope.create(rowsAt))).reshape(b, 1, cfg.nEmbd());
        }
        NDArray logits = pass.visit(Site.logits(), unembed(h));
        if (cache != null) {
            pass.commitCache();
            cache.extendMask(stepMask);
        }
        return new Output(logits, pass.recorded);
    }

    /** The final norm of a residual stream [.., D] (the logit lens applies it to every layer's output). */
    public NDArray finalNorm(NDArray x) {
        return arch.finalNorm(cfg, params, x);
    }

    /** Logits [.., V] of final-norm outputs [.., D]: {@code h @ head^T} (+ the head's bias where the family has one). */
    public NDArray unembed(NDArray h) {
        String bias = arch.headBias(cfg);
        NDManager s = h.getManager();
        if (params.type() == WeightType.F32) {
            return Layers.linear(h, params.f32(arch.head(cfg), s), bias == null ? null : params.f32(bias, s));
        }
        // half weights: widen the head HEAD_CHUNK vocabulary rows at a time, never the whole [V, D] matrix
        NDList parts = new NDList();
        NDArray head = params.get(arch.head(cfg));
        NDArray b = bias == null ? null : params.f32(bias, s);
        for (long r = 0; r < cfg.vocabSize(); r += HEAD_CHUNK) {
            String rows = r + ":" + Math.min(cfg.vocabSize(), r + HEAD_CHUNK);
            long from = r;
            parts.add(params.perBlock(s, () -> {
                try (NDArray slice = head.get(rows)) {
                    NDArray w = params.f32Of(slice, s);
                    return Layers.linear(h, w, b == null ? null : b.get(rows));
                }
            }));
        }
        return parts.size() == 1 ? parts.singletonOrThrow() : NDArrays.concat(parts, -1);
    }

    /** Vocabulary rows of a half-precision head widened at once (8192 × 4096 floats = 134 MB). */
    static final int HEAD_CHUNK = 8192;

    /** The stored weight of the MLP output projection at a layer (ROME's rewritten matrix), by HF name. */
    public String rewritableWeight(int layer) {
        return arch.moduleTemplates(cfg).get("rewrite_module_tmp").replace("{}", Integer.toString(layer)) + ".weight";
    }

    /** Refuses lengths the sliding window would cut (exact below it; no windowed kernel here). */
    private void checkWindow(int length) {
        if (cfg.slidingWindow() > 0 && length > cfg.slidingWindow()) {
            throw new IllegalArgumentException("sequence of " + length + " tokens is longer than " + name + "'s sliding window of "
                    + cfg.slidingWindow() + " tokens, which rome4j does not implement: use at most " + cfg.slidingWindow()
                    + " tokens");
        }
    }

    /** Rows of a table in its stored type, then widened: a half-precision table is never widened whole. */
    private NDArray embed(NDManager scope, NDArray ids, NDArray table) {
        NDArray rows = Embedding.embedding(ids, table, SparseFormat.DENSE).singletonOrThrow();
        NDArray out = HalfPrecision.widen(rows, params.type(), scope);
        if (out != rows) rows.close();
        return out;
    }

    private void checkInput(long[] ids, long[] pos) {
        for (long id : ids) {
            if (id < 0 || id >= cfg.vocabSize()) {
                throw new IllegalArgumentException("token id " + id + " is outside the vocabulary (0–" + (cfg.vocabSize() - 1)
                        + "): the tokenizer does not match the model");
            }
        }
        for (long p : pos) {
            if (p >= cfg.nPositions()) {
                throw new IllegalArgumentException("sequence too long: position " + p + " but " + name + " has a context of "
                        + cfg.nPositions() + " tokens; shorten the prompt or generate fewer tokens");
            }
        }
    }

    /** 0 where query i (at absolute position offset+i) may attend key j; the float minimum elsewhere. */
    private static float[] additiveMask(int b, int t, int offset, int[][] past, int[][] step) {
        int tk = offset + t;
        float[] m = new float[b * t * tk];
        float min = -Float.MAX_VALUE;
        for (int r = 0; r < b; r++) {
            for (int i = 0; i < t; i++) {
                int base = (r * t + i) * tk;
                for (int j = 0; j < tk; j++) {
                    int real = j < offset ? past[r][j] : step[r][j - offset];
                    boolean ok = j <= offset + i && real == 1;
                    m[base + j] = ok ? 0f : min;
                }
            }
        }
        return m;
    }

    private static void close(List<SafeTensors> files) {
        for (SafeTensors f : files) {
            try {
                f.close();
            } catch (IOException ignored) {
                // closing a read-only channel; nothing to recover
            }
        }
    }

    @Override
    public void close() {
        params.close();
        tokenizer.close();
        close(files);
    }

    @Override
    public String toString() {
        return "Gpt[" + name + ": " + cfg.modelType() + ", " + cfg.nLayer() + " layers, width " + cfg.nEmbd() + ", " + cfg.nHead() + " heads, vocab "
                + cfg.vocabSize() + "]";
    }
}
