package org.rome4j.eval;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The original's generation entropy ({@code eval_utils_counterfact.n_gram_entropy}): per text, the
 * bigram and trigram entropies in bits weighted 2/3 and 4/3 and averaged; then the mean over texts.
 * Words are split with a regular expression close to NLTK's {@code word_tokenize} (words, contractions'
 * tails, and single punctuation marks).
 */
public final class NGramEntropy {
    private static final Pattern WORD = Pattern.compile("\\w+(?:[-.']\\w+)*|n't|'\\w+|[^\\w\\s]");

    private NGramEntropy() { }

    /** Mean over texts of {@link #of(String)}. */
    public static double mean(List<String> texts) {
        if (texts.isEmpty()) return Double.NaN;
        double s = 0;
        for (String t : texts) s += of(t);
        return s / texts.size();
    }

    /** One text's weighted n-gram entropy: mean(2/3·H2, 4/3·H3). */
    public static double of(String text) {
        List<String> toks = tokens(text);
        double h2 = entropy(toks, 2);
        double h3 = entropy(toks, 3);
        return (h2 * 2.0 / 3.0 + h3 * 4.0 / 3.0) / 2.0;
    }

    static List<String> tokens(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = WORD.matcher(text);
        while (m.find()) out.add(m.group());
        return out;
    }

    /** Entropy in bits of the n-gram frequency distribution (0 when there are none, as numpy's sum of an empty array). */
    static double entropy(List<String> toks, int n) {
        Map<List<String>, Integer> freq = new HashMap<>();
        for (int i = 0; i + n <= toks.size(); i++) freq.merge(toks.subList(i, i + n), 1, Integer::sum);
        double total = 0;
        for (int c : freq.values()) total += c;
        double h = 0;
        for (int c : freq.values()) {
            double p = c / total;
            h -= p * Math.log(p) / Math.log(2);
        }
        return h;
    }
}
