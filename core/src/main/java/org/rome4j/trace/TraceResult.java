package org.rome4j.trace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.rome4j.display.Figure;
import org.rome4j.display.Plots;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One causal trace (paper Fig. 1): P(answer) after restoring each (token, layer) cell of a corrupted
 * run. Immutable plain Java data; arrays are copied in and out.
 *
 * <p>{@code scores()[i][l]} belongs to token {@code positions()[i]} (every token, or only the last
 * subject token) and center layer l. The low score is the corrupted run's P(answer), the high score
 * the clean run's.
 */
public final class TraceResult {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String prompt;
    private final String subject;
    private final String[] tokens;
    private final long[] tokenIds;
    private final int[] subjectRange;
    private final int[] positions;
    private final double[][] scores;
    private final double lowScore;
    private final double highScore;
    private final long answerId;
    private final String answer;
    private final Kind kind;
    private final int window;
    private final Kind frozen;
    private final String noise;
    private final double noiseScale;
    private final int samples;
    private final String expected;
    private final String model;

    TraceResult(String model, String prompt, String subject, String[] tokens, long[] tokenIds, int[] subjectRange,
                int[] positions, double[][] scores, double lowScore, double highScore, long answerId, String answer, Kind kind,
                int window, Kind frozen, String noise, double noiseScale, int samples, String expected) {
        this.model = model;
        this.prompt = prompt;
        this.subject = subject;
        this.tokens = tokens.clone();
        this.tokenIds = tokenIds.clone();
        this.subjectRange = subjectRange.clone();
        this.positions = positions.clone();
        this.scores = deep(scores);
        this.lowScore = lowScore;
        this.highScore = highScore;
        this.answerId = answerId;
        this.answer = answer;
        this.kind = kind;
        this.window = window;
        this.frozen = frozen;
        this.noise = noise;
        this.noiseScale = noiseScale;
        this.samples = samples;
        this.expected = expected;
    }

    private static double[][] deep(double[][] a) {
        double[][] c = new double[a.length][];
        for (int i = 0; i < a.length; i++) c[i] = a[i].clone();
        return c;
    }

    /** The model's name. */
    public String model() { return model; }
    /** The prompt. */
    public String prompt() { return prompt; }
    /** The subject. */
    public String subject() { return subject; }
    /** Every token of the prompt, decoded (e.g. " Space"). */
    public List<String> tokens() { return List.of(tokens); }
    /** Token ids of the prompt. */
    public long[] tokenIds() { return tokenIds.clone(); }
    /** The subject's tokens [begin, end). */
    public int[] subjectRange() { return subjectRange.clone(); }
    /** The token positions traced, one per row of {@link #scores()}. */
    public int[] positions() { return positions.clone(); }
    /** P(answer) after restoring each cell: [positions × layers]. */
    public double[][] scores() { return deep(scores); }
    /** Score at (row i of positions, layer l). */
    public double score(int row, int layer) { return scores[row][layer]; }
    /** P(answer) with the subject corrupted and nothing restored. */
    public double lowScore() { return lowScore; }
    /** P(answer) of the clean run. */
    public double highScore() { return highScore; }
    /** Total effect: high − low. */
    public double totalEffect() { return highScore - lowScore; }
    /** The clean run's argmax token id. */
    public long answerId() { return answerId; }
    /** The answer token's text (e.g. " Seattle"). */
    public String answer() { return answer; }
    /** What was restored. */
    public Kind kind() { return kind; }
    /** The window of MLP/attention layers (ignored for resid). */
    public int window() { return window; }
    /** The path pinned to corrupted values (frozen trace), or null. */
    public Kind frozen() { return frozen; }
    /** The noise spec and description. */
    public String noise() { return noise; }
    /** The absolute noise scale used. */
    public double noiseScale() { return noiseScale; }
    /** Corrupted samples per cell. */
    public int samples() { return samples; }
    /** Number of layers. */
    public int layers() { return scores.length == 0 ? 0 : scores[0].length; }
    /** The expected object, or null. */
    public String expected() { return expected; }

    /**
     * Whether the model's answer is the expected object (compared after trimming spaces), or null when
     * none was given. A trace of a wrong prediction explains the wrong answer.
     */
    public Boolean correct() {
        return expected == null ? null : answer.strip().equals(expected.strip());
    }

    /** Whether a token position is in the subject. */
    public boolean isSubject(int position) {
        return position >= subjectRange[0] && position < subjectRange[1];
    }

    /**
     * One row per (token, layer): {@code token_index, token, is_subject, layer, kind, score,
     * indirect_effect} (indirect effect = score − low score). A fresh table each call.
     */
    public Table table() {
        IntColumn ti = IntColumn.create("token_index");
        StringColumn tok = StringColumn.create("token");
        BooleanColumn subj = BooleanColumn.create("is_subject");
        IntColumn layer = IntColumn.create("layer");
        StringColumn k = StringColumn.create("kind");
        DoubleColumn sc = DoubleColumn.create("score");
        DoubleColumn ie = DoubleColumn.create("indirect_effect");
        for (int i = 0; i < positions.length; i++) {
            for (int l = 0; l < scores[i].length; l++) {
                ti.append(positions[i]);
                tok.append(tokens[positions[i]]);
                subj.append(isSubject(positions[i]));
                layer.append(l);
                k.append(kind.id());
                sc.append(scores[i][l]);
                ie.append(scores[i][l] - lowScore);
            }
        }
        return Table.create("causal trace: " + prompt, ti, tok, subj, layer, k, sc, ie);
    }

    /** Token labels for figures: {@code "4: is"}, subject tokens starred ({@code "1: Space*"}), unique by index. */
    public List<String> labels() {
        List<String> out = new ArrayList<>();
        for (int p : positions) out.add(label(p));
        return out;
    }

    String label(int p) {
        return p + ":" + tokens[p] + (isSubject(p) ? "*" : "");
    }

    /**
     * The paper's heatmap: tokens down, layers across, Purples/Greens/Reds for state/MLP/Attn, colour
     * minimum = low score, the original's titles and axis labels.
     */
    public Figure figure() {
        String title;
        String xTitle = kind.axisTitle(window, layers());
        if (kind == Kind.RESID) {
            title = "Impact of restoring state after corrupted input";
        } else {
            title = "Impact of restoring " + kind.label() + " after corrupted input";
        }
        if (frozen != null) {
            title += " (" + frozen.label() + " at the token frozen)";
        }
        List<String> x = new ArrayList<>();
        for (int l = 0; l < layers(); l++) x.add(Integer.toString(l));
        return Plots.heatmap(title, xTitle, "", x, labels(), scores, kind.colorScale(), lowScore,
                "p(" + answer.strip() + ")");
    }

    /** The CLI's JSON fields (also the on-disk cache format of dataset traces). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scores", scores);
        m.put("low_score", lowScore);
        m.put("high_score", highScore);
        m.put("answer", answer);
        m.put("answer_id", answerId);
        m.put("subject_range", subjectRange);
        m.put("tokens", tokens);
        m.put("kind", kind.id());
        m.put("window", window);
        m.put("noise", noise);
        m.put("noise_scale", noiseScale);
        m.put("samples", samples);
        m.put("positions", positions);
        m.put("token_ids", tokenIds);
        m.put("prompt", prompt);
        m.put("subject", subject);
        m.put("model", model);
        if (frozen != null) m.put("frozen", frozen.id());
        if (expected != null) {
            m.put("expect", expected);
            m.put("correct_prediction", correct());
        }
        return m;
    }

    /** JSON text of {@link #toMap()}. */
    public String toJson() {
        try {
            return JSON.writeValueAsString(toMap());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads {@link #toJson()} back. */
    public static TraceResult fromJson(String json) {
        try {
            JsonNode n = JSON.readTree(json);
            double[][] sc = JSON.treeToValue(n.get("scores"), double[][].class);
            return new TraceResult(n.path("model").asText(null), n.get("prompt").asText(), n.get("subject").asText(),
                    JSON.treeToValue(n.get("tokens"), String[].class), JSON.treeToValue(n.get("token_ids"), long[].class),
                    JSON.treeToValue(n.get("subject_range"), int[].class), JSON.treeToValue(n.get("positions"), int[].class), sc,
                    n.get("low_score").asDouble(), n.get("high_score").asDouble(), n.get("answer_id").asLong(),
                    n.get("answer").asText(), Kind.parse(n.get("kind").asText()), n.get("window").asInt(),
                    n.hasNonNull("frozen") ? Kind.parse(n.get("frozen").asText()) : null, n.get("noise").asText(),
                    n.get("noise_scale").asDouble(), n.get("samples").asInt(),
                    n.hasNonNull("expect") ? n.get("expect").asText() : null);
        } catch (Exception e) {
            throw new IllegalArgumentException("not a trace result JSON: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "TraceResult[" + kind + (frozen != null ? " frozen " + frozen : "") + ", \"" + prompt + "\" -> \"" + answer
                + "\", high " + String.format("%.4f", highScore) + ", low " + String.format("%.4f", lowScore) + ", "
                + positions.length + "x" + layers() + ", subject " + Arrays.toString(subjectRange) + "]";
    }
}
