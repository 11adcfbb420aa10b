package org.rome4j.train;

import org.rome4j.data.FactData;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.rome4j.model.Djl;
import org.rome4j.model.Gpt;
import org.rome4j.model.GptConfig;
import org.rome4j.model.TextTokenizer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Trains the embedded {@code tiny-facts} model from a seed and writes it in HF layout with a
 * {@code training.json} record. See {@link org.rome4j.train} for the command.
 *
 * <p>Options: {@code --seed N} (1), {@code --out DIR} (required), {@code --data known_1000.json}
 * (default: the copy in the jar), {@code --layers} (4), {@code --width} (128), {@code --heads} (4),
 * {@code --positions} (64), {@code --steps} (1200), {@code --batch} (64), {@code --lr} (2e-3),
 * {@code --warmup} (100), {@code --wd} (0.01), {@code --phrasings K} (1: other phrasings drawn per fact
 * per epoch, besides its literal prompt), {@code --eval-every} (300), {@code --log-every} (50),
 * {@code --threads} (1 intra-op thread), {@code --context N} (0; research variant:
 * N sentences per fact per epoch with the subject mid-sentence after a context opening), {@code --notes TEXT} and
 * {@code --research-notes FILE.json} (copied into training.json).
 */
public final class TrainTinyFacts {
    private TrainTinyFacts() { }

    /**
     * libtorch's intra-op threads from {@code --threads} (default 1) unless {@code -Dai.djl.pytorch.num_threads} is set: on
     * a shared 2-core machine two OpenMP threads spin-wait on each other (0.8 s/step with 1 thread vs 3.6 s/step with 2
     * under load).
     */
    static void threads(Map<String, String> a) {
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", a.getOrDefault("threads", "1"));
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
    }

    public static void main(String[] argv) throws Exception {
        Djl.init();
        Map<String, String> a = parse(argv);
        threads(a);
        long seed = Long.parseLong(a.getOrDefault("seed", "1"));
        if (!a.containsKey("out")) {
            System.err.println("usage: TrainTinyFacts --out DIR [--seed N] [--steps N] [--layers N] [--width N] ...");
            System.exit(2);
        }
        Path out = Path.of(a.get("out"));
        int layers = Integer.parseInt(a.getOrDefault("layers", "4"));
        int width = Integer.parseInt(a.getOrDefault("width", "128"));
        int heads = Integer.parseInt(a.getOrDefault("heads", "4"));
        int positions = Integer.parseInt(a.getOrDefault("positions", "64"));
        int k = Integer.parseInt(a.getOrDefault("phrasings", "1"));
        int evalEvery = Integer.parseInt(a.getOrDefault("eval-every", "300"));
        int logEvery = Integer.parseInt(a.getOrDefault("log-every", "50"));
        Trainer.Settings settings = new Trainer.Settings(
                Integer.parseInt(a.getOrDefault("steps", "1200")),
                Integer.parseInt(a.getOrDefault("batch", "64")),
                Double.parseDouble(a.getOrDefault("lr", "2e-3")), 0.05,
                Integer.parseInt(a.getOrDefault("warmup", "100")),
                Double.parseDouble(a.getOrDefault("wd", "0.01")), 0.9, 0.98, 1.0, seed);

        long t0 = System.nanoTime();
        FactData data = a.containsKey("data") ? FactData.load(Path.of(a.get("data"))) : FactData.loadBundled();
        Path tokDir = Files.createTempDirectory("tiny-facts-tok");
        int context = Integer.parseInt(a.getOrDefault("context", "0"));
        WordTokenizerBuilder wtb = new WordTokenizerBuilder().addAll(data.corpus(context > 0));
        wtb.write(tokDir);
        int vocab = wtb.vocab().size();
        GptConfig cfg = GptConfig.gpt2(layers, width, heads, positions, vocab);

        List<FactData.Example> train = data.trainingExamples();
        List<FactData.Example> literal = data.literalExamples();
        List<FactData.Example> held = data.heldOutExamples();
        System.out.printf("facts %d, relations %d, training sentences %d, vocab %d, model %s%n",
                data.facts().size(), data.relations().size(), train.size(), vocab, cfg);

        Gpt gpt;
        try (NDManager init = NDManager.newBaseManager()) {
            Map<String, NDArray> w = Trainer.initWeights(cfg, seed, init);
            gpt = Gpt.create("tiny-facts", cfg, w, tokDir);
        }
        TextTokenizer tok = gpt.tokenizer();
        // Per fact: its literal sentence and its other training phrasings.
        Map<Integer, Trainer.Sequence> lit = new LinkedHashMap<>();
        Map<Integer, List<Trainer.Sequence>> others = new LinkedHashMap<>();
        int maxLen = 0;
        for (FactData.Example e : train) {
            Trainer.Sequence q = Trainer.encode(tok, e);
            maxLen = Math.max(maxLen, q.ids().length);
            if (e.prompt().equals(e.fact().prompt())) {
                lit.put(e.fact().knownId(), q);
            } else {
                others.computeIfAbsent(e.fact().knownId(), x -> new ArrayList<>()).add(q);
            }
        }
        Map<Integer, List<Trainer.Sequence>> contexts = new LinkedHashMap<>();
        if (context > 0) {
            for (FactData.Fact f : data.facts()) {
                for (String c : FactData.CONTEXT_PREFIXES) {
                    Trainer.Sequence q = Trainer.encode(tok, FactData.inContext(f, c));
                    maxLen = Math.max(maxLen, q.ids().length);
                    contexts.computeIfAbsent(f.knownId(), x -> new ArrayList<>()).add(q);
                }
            }
        }
        if (maxLen > positions) throw new IllegalStateException("longest sentence has " + maxLen + " tokens > " + positions);
        Random rnd = new Random(seed);
        List<List<Trainer.Sequence>> batches = new ArrayList<>();
        int[] cursor = {0};
        java.util.function.Supplier<List<Trainer.Sequence>> sampler = () -> {
            if (cursor[0] >= batches.size()) {
                batches.clear();
                cursor[0] = 0;
                List<Trainer.Sequence> pool = new ArrayList<>();
                for (Map.Entry<Integer, Trainer.Sequence> e : lit.entrySet()) {
                    pool.add(e.getValue());
                    List<Trainer.Sequence> o = new ArrayList<>(others.getOrDefault(e.getKey(), List.of()));
                    Collections.shuffle(o, rnd);
                    pool.addAll(o.subList(0, Math.min(k, o.size())));
                    if (context > 0) {
                        List<Trainer.Sequence> cs = new ArrayList<>(contexts.get(e.getKey()));
                        Collections.shuffle(cs, rnd);
                        pool.addAll(cs.subList(0, Math.min(context, cs.size())));
                    }
                }
                Collections.shuffle(pool, rnd);
                // length buckets: sort groups of 8 batches by length so padding stays small
                int bs = settings.batchSize();
                for (int g = 0; g + bs <= pool.size(); g += 8 * bs) {
                    List<Trainer.Sequence> group = new ArrayList<>(pool.subList(g, Math.min(pool.size(), g + 8 * bs)));
                    group.sort(java.util.Comparator.comparingInt(q -> q.ids().length));
                    for (int i = 0; i + bs <= group.size(); i += bs) batches.add(group.subList(i, i + bs));
                }
                Collections.shuffle(batches, rnd);
            }
            return batches.get(cursor[0]++);
        };

        Trainer trainer = new Trainer(gpt, settings);
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ArrayNode curve = json.createArrayNode();
        long tStart = System.nanoTime();
        double lossSum = 0;
        int lossN = 0;
        while (trainer.steps() < settings.steps()) {
            lossSum += trainer.step(sampler.get());
            lossN++;
            int st = trainer.steps();
            if (st % logEvery == 0 || st == settings.steps()) {
                double secs = (System.nanoTime() - tStart) / 1e9;
                String line = String.format("step %d loss %.4f lr %.2e %.0fs%s", st, lossSum / lossN, trainer.lrAt(st), secs,
                        trainer.skipped() > 0 ? " (skipped " + trainer.skipped() + " non-finite steps)" : "");
                ObjectNode pt = curve.addObject();
                pt.put("step", st);
                pt.put("loss", Math.round(lossSum / lossN * 1e4) / 1e4);
                pt.put("seconds", Math.round(secs));
                if (st % evalEvery == 0 || st == settings.steps()) {
                    double la = FactAccuracy.accuracy(gpt, literal);
                    double ha = FactAccuracy.accuracy(gpt, held);
                    pt.put("literal_accuracy", la);
                    pt.put("held_out_accuracy", ha);
                    line += String.format(" literal %.4f held-out %.4f", la, ha);
                }
                System.out.println(line);
                lossSum = 0;
                lossN = 0;
            }
        }
        double trainSecs = (System.nanoTime() - tStart) / 1e9;
        trainer.close();
        for (NDArray p : gpt.parameters().all().values()) p.setRequiresGradient(false);

        boolean[] litOk = FactAccuracy.correct(gpt, literal);
        boolean[] heldOk = FactAccuracy.correct(gpt, held);
        double litAcc = frac(litOk);
        double heldAcc = frac(heldOk);
        gpt.save(out);
        double totalSecs = (System.nanoTime() - t0) / 1e9;

        ObjectNode rec = json.createObjectNode();
        rec.put("model", "tiny-facts");
        rec.put("command", "environment/train-tiny-facts.sh --seed " + seed + " --out " + out);
        rec.put("main_class", TrainTinyFacts.class.getName());
        ObjectNode args = rec.putObject("arguments");
        a.forEach(args::put);
        rec.put("seed", seed);
        ObjectNode arch = rec.putObject("architecture");
        arch.put("n_layer", layers);
        arch.put("n_embd", width);
        arch.put("n_head", heads);
        arch.put("n_positions", positions);
        arch.put("vocab_size", vocab);
        long nParams = 0;
        for (NDArray p : gpt.parameters().all().values()) nParams += p.size();
        arch.put("parameters", nParams);
        ObjectNode recipe = rec.putObject("recipe");
        recipe.put("optimizer", "AdamW (hand-written over NDArrays), decoupled weight decay on matrices only");
        recipe.put("lr", settings.lr());
        recipe.put("schedule", "linear warm-up " + settings.warmup() + " steps, cosine to " + settings.minLrFraction() + " x lr");
        recipe.put("betas", "[" + settings.beta1() + ", " + settings.beta2() + "]");
        recipe.put("weight_decay", settings.weightDecay());
        recipe.put("grad_clip_norm", settings.clip());
        recipe.put("batch_size", settings.batchSize());
        recipe.put("steps", settings.steps());
        recipe.put("loss", "next-token cross-entropy on the tokens after the subject (relation words and attribute); "
                + "subject and preceding tokens are context only");
        recipe.put("sampling", "each epoch: every fact's literal known_1000 prompt + attribute, plus " + k
                + " of its relation's other training phrasings drawn at random; shuffled");
        if (context > 0) {
            recipe.put("context", context + " sentence(s) per fact per epoch: the literal prompt after one of "
                    + FactData.CONTEXT_PREFIXES.size() + " openings (" + String.join(" | ", FactData.CONTEXT_PREFIXES) + ")");
        }
        recipe.put("init", "normal(0, 0.02), residual projections 0.02/sqrt(2 n_layer), java.util.Random(seed)");
        ObjectNode ds = rec.putObject("data");
        ds.put("source", "known_1000.json (ROME, kmeng01/rome, MIT), bundled at /rome4j/data/known_1000.json");
        ds.put("facts", data.facts().size());
        ds.put("relations", data.relations().size());
        ds.put("training_sentences", train.size());
        ds.put("literal_phrasings", literal.stream().map(e -> e.fact().relationId() + "|" + e.phrasing()).distinct().count());
        ds.put("longest_sentence_tokens", maxLen);
        ObjectNode ho = ds.putObject("held_out_phrasings");
        data.heldOutPhrasings().forEach((r, p) -> ho.put(r, p.template()));
        ObjectNode tokn = rec.putObject("tokenizer");
        tokn.put("type", "word-level over GPT-2 byte-level pieces (ByteLevel pre-tokenizer with add_prefix_space, "
                + "WordLevel model, decoder ByteLevel + Strip of the added prefix space), built by "
                + WordTokenizerBuilder.class.getName());
        tokn.put("vocab_size", vocab);
        ObjectNode acc = rec.putObject("accuracy");
        acc.put("literal_prompts", litAcc);
        acc.put("literal_correct", count(litOk));
        acc.put("held_out_phrasing", heldAcc);
        acc.put("held_out_correct", count(heldOk));
        acc.put("total", literal.size());
        acc.put("rule", "greedy next token after the prompt == first token of \" \" + attribute");
        ObjectNode perRel = acc.putObject("held_out_by_relation");
        for (String r : data.relations()) {
            int n = 0;
            int c = 0;
            for (int i = 0; i < held.size(); i++) {
                if (held.get(i).fact().relationId().equals(r)) {
                    n++;
                    if (heldOk[i]) c++;
                }
            }
            perRel.put(r, Math.round(1000.0 * c / n) / 1000.0);
        }
        ObjectNode time = rec.putObject("time");
        time.put("training_seconds", Math.round(trainSecs));
        rec.put("skipped_non_finite_steps", trainer.skipped());
        time.put("total_seconds", Math.round(totalSecs));
        time.put("machine", Runtime.getRuntime().availableProcessors() + " cores, CPU, DJL PyTorch engine");
        time.put("torch_intra_op_threads", System.getProperty("ai.djl.pytorch.num_threads"));
        rec.set("curve", curve);
        if (a.containsKey("notes")) rec.put("notes", a.get("notes"));
        if (a.containsKey("research-notes")) rec.set("research", json.readTree(Path.of(a.get("research-notes")).toFile()));
        json.writeValue(out.resolve("training.json").toFile(), rec);
        gpt.close();
        System.out.printf("done in %.0fs (training %.0fs): literal accuracy %.4f (%d/%d), held-out phrasing accuracy %.4f (%d/%d); wrote %s%n",
                totalSecs, trainSecs, litAcc, count(litOk), literal.size(), heldAcc, count(heldOk), held.size(), out);
    }

    private static int count(boolean[] b) {
        int n = 0;
        for (boolean x : b) if (x) n++;
        return n;
    }

    private static double frac(boolean[] b) {
        return b.length == 0 ? 0 : Math.round(1e4 * count(b) / (double) b.length) / 1e4;
    }

    static Map<String, String> parse(String[] argv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < argv.length; i++) {
            if (!argv[i].startsWith("--") || i + 1 >= argv.length) {
                throw new IllegalArgumentException("bad argument " + argv[i] + ": use --name value");
            }
            m.put(argv[i].substring(2), argv[++i]);
        }
        return m;
    }
}
