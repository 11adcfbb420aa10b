package org.rome4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.rome4j.data.FactData;
import org.rome4j.model.Djl;
import org.rome4j.model.Gpt;
import org.rome4j.model.GptConfig;
import org.rome4j.model.TextTokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Trains the embedded {@code tiny-biographies} model from a seed on {@link Biographies} and writes it in
 * HF layout with {@code facts.json} (known_1000's format) and a {@code training.json} record.
 *
 * <p>Options (defaults in {@link Recipe#DEFAULT}): {@code --out DIR} (required), {@code --seed},
 * {@code --people}, {@code --relations}, {@code --sentences} (attributes per biography, 0 = all),
 * {@code --pronouns true|false} (the name only opens a biography; later sentences say he/she),
 * {@code --first-names N} (8) and {@code --last-names N} (8) (name pools), {@code --middle-one-in N} (1: a middle
 * name for one person in N, here everyone),
 * {@code --layers}, {@code --width}, {@code --heads}, {@code --positions}, {@code --steps}, {@code --batch}
 * (biographies per step), {@code --lr}, {@code --warmup}, {@code --wd}, {@code --eval-every},
 * {@code --log-every}, {@code --corpus-docs N} (1000 biographies in corpus.txt, the key-statistics corpus),
 * {@code --corpus-only true} (write corpus.txt and counterfact.json, the evaluation records, into OUT and stop), {@code --checkpoint-every N} (0: none; else also OUT/checkpoint-STEP), {@code --threads}
 * (1 intra-op thread).
 */
public final class TrainTinyBiographies {
    private TrainTinyBiographies() { }

    /** Everything a run depends on besides the code. */
    public record Recipe(long seed, int people, int relations, int sentences, boolean pronouns, int layers, int width, int heads,
                         int positions, int steps, int batch, double lr, int warmup, double wd) {
        /** The shipped recipe. */
        public static final Recipe DEFAULT = new Recipe(1, 150, 8, 0, false, 10, 128, 8, 96, 1200, 24, 1e-3, 100, 0.01);

        static Recipe from(Map<String, String> a) {
            Recipe d = DEFAULT;
            return new Recipe(Long.parseLong(a.getOrDefault("seed", "" + d.seed)),
                    Integer.parseInt(a.getOrDefault("people", "" + d.people)),
                    Integer.parseInt(a.getOrDefault("relations", "" + d.relations)),
                    Integer.parseInt(a.getOrDefault("sentences", "" + d.sentences)),
                    Boolean.parseBoolean(a.getOrDefault("pronouns", "" + d.pronouns)),
                    Integer.parseInt(a.getOrDefault("layers", "" + d.layers)),
                    Integer.parseInt(a.getOrDefault("width", "" + d.width)),
                    Integer.parseInt(a.getOrDefault("heads", "" + d.heads)),
                    Integer.parseInt(a.getOrDefault("positions", "" + d.positions)),
                    Integer.parseInt(a.getOrDefault("steps", "" + d.steps)),
                    Integer.parseInt(a.getOrDefault("batch", "" + d.batch)),
                    Double.parseDouble(a.getOrDefault("lr", "" + d.lr)),
                    Integer.parseInt(a.getOrDefault("warmup", "" + d.warmup)),
                    Double.parseDouble(a.getOrDefault("wd", "" + d.wd)));
        }

        Trainer.Settings settings() {
            return new Trainer.Settings(steps, batch, lr, 0.05, warmup, wd, 0.9, 0.98, 1.0, seed);
        }
    }

    /**
     * The training stream: each epoch, one fresh biography per person (random attribute order and
     * phrasings), shuffled, cut into batches. A pure function of the seed.
     */
    static final class Stream {
        private final Biographies data;
        private final TextTokenizer tok;
        private final int sentences;
        private final boolean pronouns;
        private final int batch;
        private final int positions;
        private final Random rnd;
        private final List<List<Trainer.Sequence>> batches = new ArrayList<>();
        private int cursor;

        Stream(Biographies data, TextTokenizer tok, Recipe r) {
            this.data = data;
            this.tok = tok;
            this.sentences = r.sentences();
            this.pronouns = r.pronouns();
            this.batch = r.batch();
            this.positions = r.positions();
            this.rnd = new Random(r.seed() * 31 + 7);   // not the people's or the weights' generator
        }

        List<Trainer.Sequence> next() {
            if (cursor >= batches.size()) refill();
            return batches.get(cursor++);
        }

        private void refill() {
            batches.clear();
            cursor = 0;
            List<Trainer.Sequence> pool = new ArrayList<>();
            // enough biographies for a few batches even when there are fewer people than a batch
            int rounds = Math.max(1, (4 * batch + data.people().size() - 1) / data.people().size());
            for (int k = 0; k < rounds; k++) {
                for (Biographies.Person p : data.people()) pool.add(encode(p, data.biography(p, sentences, pronouns, rnd)));
            }
            Collections.shuffle(pool, rnd);
            for (int i = 0; i + batch <= pool.size(); i += batch) {
                List<Trainer.Sequence> b = new ArrayList<>(pool.subList(i, i + batch));
                b.sort(Comparator.comparingInt(q -> q.ids().length));
                batches.add(b);
            }
        }

        /** Loss on everything after the first mention of the name. */
        private Trainer.Sequence encode(Biographies.Person p, String text) {
            TextTokenizer.Encoded enc = tok.encode(text);
            if (enc.size() > positions) throw new IllegalStateException(enc.size() + " tokens > " + positions + ": " + text);
            int[] range = TextTokenizer.subjectRange(enc, p.name());
            return new Trainer.Sequence(enc.ids(), range[1] - 1);
        }
    }

    /** A trained model and its loss per step. */
    public record Run(Gpt gpt, float[] losses, int skipped, double seconds) { }

    /** Builds the tokenizer for the data into {@code dir}; returns its vocabulary size. */
    public static int writeTokenizer(Biographies data, boolean pronouns, Path dir) throws IOException {
        WordTokenizerBuilder b = new WordTokenizerBuilder().addAll(data.corpus(pronouns));
        b.write(dir);
        return b.vocab().size();
    }

    /** Trains a fresh model on {@code data} with recipe {@code r} and the tokenizer in {@code tokDir}; {@code log} gets a line every logEvery steps. */
    public static Run train(Recipe r, Biographies data, Path tokDir, int vocab, int logEvery, int evalEvery,
                            Consumer<String> log) {
        return train(r, data, tokDir, vocab, logEvery, evalEvery, log, (g, step) -> { });
    }

    /** {@link #train}, calling {@code afterStep} with the model after every step (e.g. to save checkpoints). */
    public static Run train(Recipe r, Biographies data, Path tokDir, int vocab, int logEvery, int evalEvery,
                            Consumer<String> log, java.util.function.ObjIntConsumer<Gpt> afterStep) {
        GptConfig cfg = GptConfig.gpt2(r.layers(), r.width(), r.heads(), r.positions(), vocab);
        Gpt gpt;
        try (NDManager init = NDManager.newBaseManager()) {
            gpt = Gpt.create("tiny-biographies", cfg, Trainer.initWeights(cfg, r.seed(), init), tokDir);
        }
        Stream stream = new Stream(data, gpt.tokenizer(), r);
        List<FactData.Example> canonical = data.examples(false, 0);
        List<FactData.Example> held = data.examples(true, 0);
        Trainer trainer = new Trainer(gpt, r.settings());
        float[] losses = new float[r.steps()];
        long t0 = System.nanoTime();
        double sum = 0;
        int n = 0;
        while (trainer.steps() < r.steps()) {
            float loss = trainer.step(stream.next());
            losses[trainer.steps() - 1] = loss;
            sum += loss;
            n++;
            int st = trainer.steps();
            afterStep.accept(gpt, st);
            if (logEvery > 0 && (st % logEvery == 0 || st == r.steps())) {
                String line = String.format("step %d loss %.4f lr %.2e %.0fs", st, sum / n, trainer.lrAt(st),
                        (System.nanoTime() - t0) / 1e9);
                if (evalEvery > 0 && (st % evalEvery == 0 || st == r.steps())) {
                    line += String.format(" facts %.4f held-out %.4f", FactAccuracy.accuracy(gpt, canonical),
                            FactAccuracy.accuracy(gpt, held));
                }
                log.accept(line);
                sum = 0;
                n = 0;
            }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        trainer.close();
        for (NDArray p : gpt.parameters().all().values()) p.setRequiresGradient(false);
        return new Run(gpt, losses, trainer.skipped(), secs);
    }

    public static void main(String[] argv) throws Exception {
        Djl.init();
        Map<String, String> a = TrainTinyFacts.parse(argv);
        TrainTinyFacts.threads(a);
        if (!a.containsKey("out")) {
            System.err.println("usage: TrainTinyBiographies --out DIR [--seed N] [--steps N] [--layers N] [--people N] ...");
            System.exit(2);
        }
        Path out = Path.of(a.get("out"));
        Recipe r = Recipe.from(a);
        long t0 = System.nanoTime();
        // names of three pieces from 8 first, 8 middle, 8 last names (design F/G of tools/tiny-biographies-designs.md):
        // no one piece says who it is, so the lookup waits for attention to compose the name
        Biographies data = Biographies.generate(r.people(), r.relations(), r.seed(),
                Integer.parseInt(a.getOrDefault("first-names", "8")), Integer.parseInt(a.getOrDefault("last-names", "8")),
                Integer.parseInt(a.getOrDefault("middle-one-in", "1")));
        int corpusDocs = Integer.parseInt(a.getOrDefault("corpus-docs", "1000"));
        if (a.containsKey("corpus-only")) {
            // the statistics corpus alone, for a folder trained before corpus.txt was shipped
            data.writeCorpus(out.resolve("corpus.txt"), corpusDocs, r.seed());
            data.writeCounterFact(out.resolve("counterfact.json"), 100, r.seed());
            System.out.printf("wrote %s (%d biographies) and counterfact.json (100 records)%n", out.resolve("corpus.txt"), corpusDocs);
            return;
        }
        Path tokDir = Files.createTempDirectory("tiny-bio-tok");
        int vocab = writeTokenizer(data, r.pronouns(), tokDir);
        System.out.printf("%d people x %d relations = %d facts; recipe %s%n", data.people().size(), data.relations().size(),
                data.facts().size(), r);
        // --checkpoint-every N: also write OUT/checkpoint-STEP (model and facts), to check the finding mid-run
        int every = Integer.parseInt(a.getOrDefault("checkpoint-every", "0"));
        Run run = train(r, data, tokDir, vocab, Integer.parseInt(a.getOrDefault("log-every", "50")),
                Integer.parseInt(a.getOrDefault("eval-every", "250")), System.out::println, (g, step) -> {
                    if (every > 0 && step % every == 0 && step < r.steps()) {
                        try {
                            Path c = out.resolve("checkpoint-" + step);
                            Files.createDirectories(c);
                            g.save(c);
                            data.writeFacts(c.resolve("facts.json"), false);
                            data.writeFacts(c.resolve("facts-held-out.json"), true);
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }
                });
        Gpt gpt = run.gpt();

        double canon = FactAccuracy.accuracy(gpt, data.examples(false, 0));
        double trained = FactAccuracy.accuracy(gpt, data.trainedExamples());
        double held = FactAccuracy.accuracy(gpt, data.examples(true, 0));
        Files.createDirectories(out);
        gpt.save(out);
        data.writeFacts(out.resolve("facts.json"), false);
        data.writeFacts(out.resolve("facts-held-out.json"), true);
        data.writeCorpus(out.resolve("corpus.txt"), corpusDocs, r.seed());
        data.writeCounterFact(out.resolve("counterfact.json"), 100, r.seed());

        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode rec = json.createObjectNode();
        rec.put("model", "tiny-biographies");
        rec.put("command", "environment/train-tiny-biographies.sh --seed " + r.seed() + " --out " + out);
        rec.put("main_class", TrainTinyBiographies.class.getName());
        ObjectNode args = rec.putObject("arguments");
        a.forEach(args::put);
        rec.set("recipe", json.valueToTree(r));
        long nParams = 0;
        for (NDArray p : gpt.parameters().all().values()) nParams += p.size();
        rec.put("parameters", nParams);
        rec.set("data", json.valueToTree(data.describe()));
        rec.put("loss", "next-token cross-entropy on every token after the first mention of the name");
        rec.put("optimizer", "AdamW (Trainer), linear warm-up then cosine to 0.05 x lr, betas [0.9, 0.98], clip 1.0");
        ObjectNode acc = rec.putObject("accuracy");
        acc.put("facts_json_prompts", canon);
        acc.put("all_trained_phrasings", trained);
        acc.put("held_out_phrasing", held);
        acc.put("rule", "greedy next token after the prompt == first token of \" \" + attribute");
        ObjectNode time = rec.putObject("time");
        time.put("training_seconds", Math.round(run.seconds()));
        time.put("total_seconds", Math.round((System.nanoTime() - t0) / 1e9));
        time.put("machine", Runtime.getRuntime().availableProcessors() + " cores, CPU, DJL PyTorch engine");
        time.put("torch_intra_op_threads", System.getProperty("ai.djl.pytorch.num_threads"));
        rec.put("skipped_non_finite_steps", run.skipped());
        ArrayNode curve = rec.putArray("loss_every_50_steps");
        for (int i = 49; i < run.losses().length; i += 50) curve.add(Math.round(run.losses()[i] * 1e4) / 1e4);
        json.writeValue(out.resolve("training.json").toFile(), rec);
        gpt.close();
        System.out.printf("done: training %.0fs; accuracy facts.json prompts %.4f, all trained phrasings %.4f, held-out phrasing %.4f; wrote %s%n",
                run.seconds(), canon, trained, held, out);
    }
}
