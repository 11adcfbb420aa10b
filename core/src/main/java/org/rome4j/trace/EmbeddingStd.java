package org.rome4j.trace;

import ai.djl.ndarray.NDManager;
import org.rome4j.intervene.Interventions;
import org.rome4j.intervene.Site;
import org.rome4j.model.Batch;
import org.rome4j.model.Gpt;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The noise level of {@code s<k>}: the standard deviation of the token embeddings ({@code embed} site,
 * no position embeddings) of subject tokens, as the original's {@code collect_embedding_std}: each
 * subject encoded alone (no leading space), all its tokens' embeddings gathered, and the unbiased
 * std taken over every element. Computed once per (model, subject list) and cached in memory.
 */
public final class EmbeddingStd {
    private static final Map<Gpt, Map<List<String>, Double>> CACHE = new WeakHashMap<>();
    private static final int CHUNK = 128;
    private static List<String> known;

    private EmbeddingStd() { }

    /** The std over the subjects of known_1000 (bundled list, 1209 subjects), cached per model. */
    public static double knownSubjects(Gpt gpt) {
        return of(gpt, knownSubjectList());
    }

    /** The subjects of known_1000, in file order. */
    public static synchronized List<String> knownSubjectList() {
        if (known == null) {
            try (InputStream in = EmbeddingStd.class.getResourceAsStream("/rome4j/data/known_1000_subjects.txt")) {
                if (in == null) {
                    throw new IllegalStateException("known_1000 subjects missing from the classpath "
                            + "(/rome4j/data/known_1000_subjects.txt): rebuild rome4j, or pass an explicit noise scale");
                }
                List<String> out = new ArrayList<>();
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                for (String line; (line = r.readLine()) != null; ) {
                    if (!line.isEmpty()) out.add(line);
                }
                known = List.copyOf(out);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read the bundled known_1000 subjects: " + e.getMessage(), e);
            }
        }
        return known;
    }

    /**
     * The std of the subjects' token embeddings, cached per model and subject list.
     *
     * @throws IllegalArgumentException if fewer than two embedding values result
     */
    public static double of(Gpt gpt, List<String> subjects) {
        List<String> key = List.copyOf(subjects);
        synchronized (CACHE) {
            Double hit = CACHE.computeIfAbsent(gpt, g -> new HashMap<>()).get(key);
            if (hit != null) return hit;
        }
        double v = compute(gpt, key);
        synchronized (CACHE) {
            CACHE.computeIfAbsent(gpt, g -> new HashMap<>()).put(key, v);
        }
        return v;
    }

    private static double compute(Gpt gpt, List<String> subjects) {
        // two passes over the float32 values in double precision: mean, then the sum of squared deviations
        List<float[]> values = new ArrayList<>();
        int d = gpt.config().nEmbd();
        for (int from = 0; from < subjects.size(); from += CHUNK) {
            List<long[]> seqs = new ArrayList<>();
            for (String s : subjects.subList(from, Math.min(subjects.size(), from + CHUNK))) {
                long[] ids = gpt.tokenizer().pieces(s);        // the subject's own tokens, no BOS
                if (ids.length > 0) seqs.add(ids);
            }
            if (seqs.isEmpty()) continue;
            Batch batch = Batch.right(seqs, gpt.tokenizer().padId());
            try (NDManager scope = gpt.newScope()) {
                Interventions iv = Interventions.builder().record(Site.embed()).stopAfter(Site.embed()).build();
                float[] e = gpt.forward(scope, batch, iv).get(Site.embed()).toFloatArray();   // [B, T, D]
                int t = batch.tokens();
                for (int r = 0; r < batch.rows(); r++) {
                    for (int i = 0; i < batch.length(r); i++) {
                        float[] row = new float[d];
                        System.arraycopy(e, (r * t + i) * d, row, 0, d);
                        values.add(row);
                    }
                }
            }
        }
        long n = (long) values.size() * d;
        if (n < 2) {
            throw new IllegalArgumentException("embedding std needs at least one subject with tokens; got " + subjects.size()
                    + " subjects");
        }
        double sum = 0;
        for (float[] row : values) for (float x : row) sum += x;
        double mean = sum / n;
        double ss = 0;
        for (float[] row : values) for (float x : row) ss += (x - mean) * (x - mean);
        return Math.sqrt(ss / (n - 1));
    }
}
