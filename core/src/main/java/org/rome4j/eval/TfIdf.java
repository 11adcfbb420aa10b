package org.rome4j.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.rome4j.io.Npy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The original's reference score: cosine similarity of tf-idf vectors of the generated text and the
 * reference snippets, with the original's fitted vocabulary ({@code tfidf_vocab.json}) and idf
 * ({@code idf.npy}); scikit-learn's default {@code TfidfVectorizer} analysis (lower-case, tokens of two
 * or more word characters, raw counts × idf, L2-normalised).
 */
public final class TfIdf {
    private static final Pattern TOKEN = Pattern.compile("(?U)\\b\\w\\w+\\b");
    private final Map<String, Integer> vocab;
    private final double[] idf;

    /** A vectorizer from a vocabulary (term → column) and idf weights. */
    public TfIdf(Map<String, Integer> vocab, double[] idf) {
        this.vocab = Map.copyOf(vocab);
        this.idf = idf.clone();
    }

    /** Reads {@code tfidf_vocab.json} and {@code idf.npy}. */
    public static TfIdf read(Path vocabJson, Path idfNpy) throws IOException {
        JsonNode n = new ObjectMapper().readTree(vocabJson.toFile());
        Map<String, Integer> v = new HashMap<>();
        n.fields().forEachRemaining(e -> v.put(e.getKey(), e.getValue().asInt()));
        return new TfIdf(v, Npy.read(idfNpy).data());
    }

    Map<Integer, Double> vector(String text) {
        Map<Integer, Double> tf = new HashMap<>();
        Matcher m = TOKEN.matcher(text.toLowerCase(Locale.ROOT));
        while (m.find()) {
            Integer col = vocab.get(m.group());
            if (col != null) tf.merge(col, 1.0, Double::sum);
        }
        tf.replaceAll((c, x) -> x * idf[c]);
        double norm = Math.sqrt(tf.values().stream().mapToDouble(x -> x * x).sum());
        if (norm > 0) tf.replaceAll((c, x) -> x / norm);
        return tf;
    }

    /** Cosine similarity of the two texts' tf-idf vectors (NaN when either is empty, as numpy gives). */
    public double similarity(String a, String b) {
        Map<Integer, Double> va = vector(a);
        Map<Integer, Double> vb = vector(b);
        double dot = 0;
        for (Map.Entry<Integer, Double> e : va.entrySet()) dot += e.getValue() * vb.getOrDefault(e.getKey(), 0.0);
        double na = Math.sqrt(va.values().stream().mapToDouble(x -> x * x).sum());
        double nb = Math.sqrt(vb.values().stream().mapToDouble(x -> x * x).sum());
        return dot / na / nb;
    }

    /** The similarity of the joined generations to the joined references, as {@code tfidf_similarity}. */
    public double referenceScore(List<String> generated, List<String> references) {
        return similarity(String.join(" ", generated), String.join(" ", references));
    }
}
