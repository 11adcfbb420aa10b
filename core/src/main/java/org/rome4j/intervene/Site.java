package org.rome4j.intervene;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A named place in the forward pass where an activation flows and can be recorded or patched.
 * One scheme for every architecture:
 *
 * <table>
 * <caption>Sites ({@code B} batch, {@code T} tokens, {@code D} width, {@code F} MLP width, {@code V} vocabulary)</caption>
 * <tr><th>name</th><th>shape</th><th>what</th></tr>
 * <tr><td>{@code embed}</td><td>[B,T,D]</td><td>token embeddings (before position embeddings; causal
 *     tracing adds its noise here, as the original does on {@code transformer.wte})</td></tr>
 * <tr><td>{@code pos_embed}</td><td>[B,T,D]</td><td>learned position embeddings (GPT-2 only; rotary families have none)</td></tr>
 * <tr><td>{@code layer.i.in}</td><td>[B,T,D]</td><td>residual stream entering block i</td></tr>
 * <tr><td>{@code layer.i.ln1.out}</td><td>[B,T,D]</td><td>input of attention after its norm</td></tr>
 * <tr><td>{@code layer.i.attn.q}</td><td>[B,H,T,hd]</td><td>queries per head, after rotary where the family has it</td></tr>
 * <tr><td>{@code layer.i.attn.k}</td><td>[B,KVH,T,hd]</td><td>keys per key/value head (after rotary, before the
 *     grouped-query repeat)</td></tr>
 * <tr><td>{@code layer.i.attn.v}</td><td>[B,KVH,T,hd]</td><td>values per key/value head</td></tr>
 * <tr><td>{@code layer.i.attn.pattern}</td><td>[B,H,T,T+past]</td><td>attention probabilities (softmax over keys)</td></tr>
 * <tr><td>{@code layer.i.attn.out}</td><td>[B,T,D]</td><td>attention output (after its projection, before the residual add)</td></tr>
 * <tr><td>{@code layer.i.ln2.out}</td><td>[B,T,D]</td><td>input of the MLP after its norm (absent in GPT-J, whose
 *     one norm feeds both branches)</td></tr>
 * <tr><td>{@code layer.i.mlp.pre}</td><td>[B,T,F]</td><td>MLP hidden layer before its activation (the gate
 *     projection in SwiGLU MLPs)</td></tr>
 * <tr><td>{@code layer.i.mlp.in}</td><td>[B,T,F]</td><td>input of the MLP output projection: the key ROME reads</td></tr>
 * <tr><td>{@code layer.i.mlp.out}</td><td>[B,T,D]</td><td>MLP output (before the residual add)</td></tr>
 * <tr><td>{@code layer.i.out}</td><td>[B,T,D]</td><td>residual stream after block i</td></tr>
 * <tr><td>{@code final_norm.out}</td><td>[B,T,D]</td><td>final layer norm output</td></tr>
 * <tr><td>{@code logits}</td><td>[B,T',V]</td><td>output logits (T' = T, or 1 for a last-token forward)</td></tr>
 * </table>
 *
 * <p>With a KV cache, {@code T} is the number of new tokens of the step.
 */
public final class Site {

    /** Which hook point of the model a site is (its name without the layer), as TransformerLens names hook points. */
    public enum Point {
        EMBED("embed"), POS_EMBED("pos_embed"), LAYER_IN("in"), LN1_OUT("ln1.out"), ATTN_Q("attn.q"), ATTN_K("attn.k"),
        ATTN_V("attn.v"), ATTN_PATTERN("attn.pattern"), ATTN_OUT("attn.out"),
        LN2_OUT("ln2.out"), MLP_PRE("mlp.pre"), MLP_IN("mlp.in"), MLP_OUT("mlp.out"), LAYER_OUT("out"),
        FINAL_NORM_OUT("final_norm.out"), LOGITS("logits");

        private final String suffix;

        Point(String suffix) {
            this.suffix = suffix;
        }

        /** Whether sites of this kind belong to a layer. */
        public boolean perLayer() {
            return this != EMBED && this != POS_EMBED && this != FINAL_NORM_OUT && this != LOGITS;
        }
    }

    private static final Pattern LAYER = Pattern.compile("layer\\.(\\d+)\\.(.+)");

    private final Point kind;
    private final int layer;
    private final String name;

    private Site(Point kind, int layer) {
        this.kind = kind;
        this.layer = layer;
        this.name = kind.perLayer() ? "layer." + layer + "." + kind.suffix : kind.suffix;
    }

    /** A site of a given kind; {@code layer} is ignored for global kinds. */
    public static Site of(Point kind, int layer) {
        if (kind.perLayer() && layer < 0) {
            throw new IllegalArgumentException("layer must be >= 0 for " + kind.suffix + ", got " + layer);
        }
        return new Site(kind, kind.perLayer() ? layer : -1);
    }

    /** {@code embed}: token embeddings. */
    public static Site embed() { return of(Point.EMBED, -1); }
    /** {@code pos_embed}: position embeddings. */
    public static Site posEmbed() { return of(Point.POS_EMBED, -1); }
    /** {@code layer.i.in}: residual stream entering block i. */
    public static Site layerIn(int i) { return of(Point.LAYER_IN, i); }
    /** {@code layer.i.ln1.out}. */
    public static Site ln1Out(int i) { return of(Point.LN1_OUT, i); }
    /** {@code layer.i.attn.q}: queries [B, H, T, hd] after rotary. */
    public static Site attnQ(int i) { return of(Point.ATTN_Q, i); }
    /** {@code layer.i.attn.k}: keys [B, KVH, T, hd] after rotary. */
    public static Site attnK(int i) { return of(Point.ATTN_K, i); }
    /** {@code layer.i.attn.v}: values [B, KVH, T, hd]. */
    public static Site attnV(int i) { return of(Point.ATTN_V, i); }
    /** {@code layer.i.attn.pattern}: attention probabilities [B, H, T, T + past]. */
    public static Site attnPattern(int i) { return of(Point.ATTN_PATTERN, i); }
    /** {@code layer.i.attn.out}: attention output before the residual add. */
    public static Site attnOut(int i) { return of(Point.ATTN_OUT, i); }
    /** {@code layer.i.ln2.out}. */
    public static Site ln2Out(int i) { return of(Point.LN2_OUT, i); }
    /** {@code layer.i.mlp.pre}: MLP hidden layer before its activation. */
    public static Site mlpPre(int i) { return of(Point.MLP_PRE, i); }
    /** {@code layer.i.mlp.in}: the key, input of the MLP output projection. */
    public static Site mlpIn(int i) { return of(Point.MLP_IN, i); }
    /** {@code layer.i.mlp.out}: MLP output before the residual add. */
    public static Site mlpOut(int i) { return of(Point.MLP_OUT, i); }
    /** {@code layer.i.out}: residual stream after block i. */
    public static Site layerOut(int i) { return of(Point.LAYER_OUT, i); }
    /** {@code final_norm.out}. */
    public static Site finalNormOut() { return of(Point.FINAL_NORM_OUT, -1); }
    /** {@code logits}. */
    public static Site logits() { return of(Point.LOGITS, -1); }

    /**
     * Parses a site name such as {@code layer.5.mlp.out}.
     *
     * @throws IllegalArgumentException naming the known sites
     */
    public static Site parse(String name) {
        String n = name.trim();
        for (Point k : Point.values()) {
            if (!k.perLayer() && k.suffix.equals(n)) {
                return of(k, -1);
            }
        }
        Matcher m = LAYER.matcher(n);
        if (m.matches()) {
            for (Point k : Point.values()) {
                if (k.perLayer() && k.suffix.equals(m.group(2))) {
                    return of(k, Integer.parseInt(m.group(1)));
                }
            }
        }
        throw new IllegalArgumentException("unknown site " + name + ": sites are " + String.join(", ", names()));
    }

    /** The site name patterns, for help and error messages. */
    public static List<String> names() {
        List<String> out = new ArrayList<>();
        for (Point k : Point.values()) {
            out.add(k.perLayer() ? "layer.{i}." + k.suffix : k.suffix);
        }
        return out;
    }

    /**
     * Checks that this site exists in a model with {@code nLayer} layers.
     *
     * @throws IllegalArgumentException e.g. "unknown site layer.12.mlp.out: layers are 0–11, try layer.11.mlp.out"
     */
    public Site checkLayers(int nLayer) {
        if (kind.perLayer() && layer >= nLayer) {
            throw new IllegalArgumentException("unknown site " + name + ": layers are 0–" + (nLayer - 1)
                    + ", try " + of(kind, nLayer - 1));
        }
        return this;
    }

    /** The kind of activation. */
    public Point point() { return kind; }

    /** The layer, or -1 for global sites. */
    public int layer() { return layer; }

    /** The stable name, e.g. {@code layer.5.mlp.out}. */
    public String name() { return name; }

    @Override
    public boolean equals(Object o) {
        return o instanceof Site s && s.kind == kind && s.layer == layer;
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, layer);
    }

    @Override
    public String toString() {
        return name;
    }
}
