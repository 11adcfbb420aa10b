package org.rome4j.rome;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import org.rome4j.intervene.Interventions;
import org.rome4j.intervene.Site;
import org.rome4j.model.Batch;
import org.rome4j.model.Gpt;
import org.rome4j.model.TextTokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * What MEMIT reads from the model for a batch of requests ({@code compute_ks.py} and the {@code cur_zs} of
 * {@code memit_main.py}): the key (the edited module's input) at the subject's last token of every
 * (request, template) text, averaged per template group, and the block output at the subject's last token of
 * each bare prompt. Texts go through the model in right-padded chunks, as the original's one batch.
 */
final class LayerReads {
    /** Rows per forward: the original sends the whole batch at once; chunks keep memory flat for 1,000 requests. */
    static final int CHUNK = 64;

    private LayerReads() { }

    /**
     * The keys [n][F] at {@code layer}: for request j, {@code mean over groups g of (mean over templates t in g of
     * k(t.format(prompt_j), subject_j))}, so each group weighs the same (MEMIT's rule: the bare prompt's group
     * {@code ["{}"]} gets half the weight when there are two groups).
     *
     * @param perTemplate if not null, receives every key before averaging, request-major (row j·T + t)
     */
    static float[][] keys(Gpt gpt, FactToken ft, List<Request> requests, List<List<String>> groups, int layer, List<float[]> perTemplate) {
        List<String> flat = new ArrayList<>();
        for (List<String> g : groups) flat.addAll(g);
        List<String> texts = new ArrayList<>();
        List<String> subjects = new ArrayList<>();
        for (Request r : requests) {
            for (String t : flat) {
                texts.add(Request.fill(t, r.prompt()));
                subjects.add(r.subject());
            }
        }
        float[][] rows = read(gpt, ft, texts, subjects, Site.mlpIn(layer));
        if (perTemplate != null) perTemplate.addAll(List.of(rows));
        int f = rows.length == 0 ? 0 : rows[0].length;
        float[][] out = new float[requests.size()][f];
        int nT = flat.size();
        for (int j = 0; j < requests.size(); j++) {
            int start = 0;
            float[] acc = new float[f];
            for (List<String> g : groups) {
                float[] mean = new float[f];
                for (int t = start; t < start + g.size(); t++) {
                    float[] k = rows[j * nT + t];
                    for (int i = 0; i < f; i++) mean[i] += k[i];
                }
                for (int i = 0; i < f; i++) acc[i] += mean[i] / g.size();
                start += g.size();
            }
            for (int i = 0; i < f; i++) out[j][i] = acc[i] / groups.size();
        }
        return out;
    }

    /** The block output [n][D] of {@code layer} at the subject's last token of each request's bare prompt. */
    static float[][] blockOutputs(Gpt gpt, FactToken ft, List<Request> requests, int layer) {
        List<String> texts = new ArrayList<>();
        List<String> subjects = new ArrayList<>();
        for (Request r : requests) {
            texts.add(r.prompt());
            subjects.add(r.subject());
        }
        return read(gpt, ft, texts, subjects, Site.layerOut(layer));
    }

    /** The value at {@code site} at the fact token of each template filled with its subject. */
    static float[][] read(Gpt gpt, FactToken ft, List<String> templates, List<String> subjects, Site site) {
        TextTokenizer tok = gpt.tokenizer();
        float[][] out = new float[templates.size()][];
        for (int from = 0; from < templates.size(); from += CHUNK) {
            int to = Math.min(templates.size(), from + CHUNK);
            List<long[]> seqs = new ArrayList<>();
            int[] idx = new int[to - from];
            for (int i = from; i < to; i++) {
                String t = templates.get(i);
                idx[i - from] = ft.index(tok, t, subjects.get(i));
                long[] ids = tok.ids(Request.fill(t, subjects.get(i)));
                Keys.checkIndex(idx[i - from], ids, t);
                seqs.add(ids);
            }
            try (NDManager scope = gpt.newScope()) {
                Batch b = Batch.right(seqs, tok.padId());
                NDArray x = gpt.forward(scope, b, Interventions.builder().record(site).stopAfter(site).build()).get(site);
                int t = b.tokens();
                int w = (int) x.getShape().get(2);
                long[] flat = new long[idx.length];
                for (int r = 0; r < idx.length; r++) flat[r] = (long) r * t + idx[r];
                float[] picked = x.reshape((long) idx.length * t, w).get(new NDIndex("{}", scope.create(flat))).toFloatArray();
                for (int r = 0; r < idx.length; r++) out[from + r] = java.util.Arrays.copyOfRange(picked, r * w, (r + 1) * w);
            }
        }
        return out;
    }
}
