package org.rome4j.trace;

import org.rome4j.intervene.Site;

import java.util.Locale;

/**
 * What a causal trace restores at (token, layer): the residual stream after the block, or the MLP or
 * attention output of every layer in a window around it.
 */
public enum Kind {
    /** The residual stream after block l ({@code layer.l.out}); the original's {@code kind=None}. */
    RESID("resid", "state", "Purples"),
    /** MLP outputs ({@code layer.L.mlp.out}) in a window of layers around l. */
    MLP("mlp", "MLP", "Greens"),
    /** Attention outputs ({@code layer.L.attn.out}) in a window of layers around l. */
    ATTN("attn", "Attn", "Reds");

    private final String id;
    private final String label;
    private final String colors;

    Kind(String id, String label, String colors) {
        this.id = id;
        this.label = label;
        this.colors = colors;
    }

    /** {@code resid}, {@code mlp} or {@code attn}. */
    public String id() { return id; }

    /** The name the paper's figures use: state, MLP, Attn. */
    public String label() { return label; }

    /** The ColorBrewer scale of the paper's figures: Purples, Greens, Reds. */
    public String colorScale() { return colors; }

    /** The site this kind restores at layer l. */
    public Site site(int layer) {
        return switch (this) {
            case RESID -> Site.layerOut(layer);
            case MLP -> Site.mlpOut(layer);
            case ATTN -> Site.attnOut(layer);
        };
    }

    /**
     * Parses {@code resid} (also {@code state}, {@code hidden}, {@code none}), {@code mlp} or {@code attn}.
     *
     * @throws IllegalArgumentException naming the choices
     */
    public static Kind parse(String s) {
        String k = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
        return switch (k) {
            case "resid", "state", "hidden", "none", "" -> RESID;
            case "mlp" -> MLP;
            case "attn", "attention" -> ATTN;
            default -> throw new IllegalArgumentException("unknown trace kind \"" + s + "\": use resid, mlp or attn");
        };
    }

    /**
     * The layers [from, to) restored for center layer {@code l}: the original code's
     * {@code range(max(0, l - w // 2), min(n, l - (-w // 2)))}, i.e. [l − ⌊w/2⌋, l + ⌈w/2⌉) clipped. (The
     * paper's text says l−4…l+5 for w=10, i.e. [l−4, l+6); the code, which we follow, gives [l−5, l+5).)
     * For {@link #RESID} the window is ignored and the range is [l, l+1).
     */
    public int[] window(int layer, int window, int nLayer) {
        if (this == RESID) {
            return new int[] {layer, layer + 1};
        }
        int from = Math.max(0, layer - Math.floorDiv(window, 2));
        int to = Math.min(nLayer, layer - Math.floorDiv(-window, 2));
        return new int[] {from, to};
    }

    /**
     * The default window for a model of {@code nLayer} layers: the original's 10 of GPT-2 XL's 48 layers, scaled to
     * the depth, {@code max(1, round(10 · nLayer / 48))} (10 on 48 layers, 6 on GPT-J's 28, 3 on GPT-2's 12, 2 on 10,
     * 1 on 4). A fixed 10 would restore every MLP of a small model in every cell, which reads like a finding but is
     * the window's doing.
     */
    public static int scaledWindow(int nLayer) {
        if (nLayer < 1) throw new IllegalArgumentException("a model has at least one layer, got " + nLayer);
        return Math.max(1, (int) Math.round(PAPER_WINDOW * nLayer / (double) PAPER_LAYERS));
    }

    /**
     * The layer axis's title for this kind, true for the model shown: its depth and the window used (the original's
     * "within GPT-2" / "of 10 restored" only where they hold). Short, so three panels side by side keep their titles
     * apart; the model's name goes in the figure's title.
     */
    public String axisTitle(int window, int nLayer) {
        String of = " (of " + nLayer + ")";
        if (this == RESID) return "single restored layer" + of;
        return window == 1 ? "single restored " + label() + " layer" + of
                : "center of " + window + " restored " + label() + " layers" + of;
    }

    /** GPT-2 XL's depth and the window the original code traces it with. */
    public static final int PAPER_LAYERS = 48;
    public static final int PAPER_WINDOW = 10;

    /**
     * A note when the window restores every layer for every row (e.g. window 10 on a 4-layer model): then
     * all MLP/attention rows are the same, which reads like a finding but is the window's doing.
     */
    public static java.util.Optional<String> wholeModelNote(int window, int nLayer) {
        boolean all = true;
        for (int l = 0; l < nLayer && all; l++) {
            int[] w = MLP.window(l, window, nLayer);
            all = w[0] == 0 && w[1] == nLayer;
        }
        return all ? java.util.Optional.of("note: window " + window + " covers all " + nLayer + " layers of the model, so every "
                + "MLP/attention row restores the same states and the rows are identical; use --window " + Math.max(1, nLayer / 2)
                + " or less to tell layers apart") : java.util.Optional.empty();
    }

    @Override
    public String toString() {
        return id;
    }
}
