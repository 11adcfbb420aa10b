package org.rome4j.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.rome4j.io.Outputs;
import org.rome4j.model.Gpt;
import org.rome4j.progress.CancellationToken;
import org.rome4j.progress.ProgressListener;
import org.rome4j.rome.Request;
import org.rome4j.rome.Rome;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;

/**
 * The zsRE evaluation of the original ({@code dsets/zsre.py} + {@code compute_rewrite_quality_zsre}):
 * token-level argmax accuracy of the new answer after the question (efficacy) and its rephrasing
 * (paraphrase), and of the NQ answer after the unrelated question (specificity), before and after the
 * edit. Per-case JSON files; resumable.
 */
public final class ZsreEval {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** One zsRE record ({@code zsre_mem_eval.json} format). */
    public record Record(int caseId, String subject, String src, String rephrase, String answer, String loc, String locAns) {
        /** The rewrite: the question with the subject as {@code {}}, and the answer. */
        public Request request() {
            return new Request(src.replace(subject, "{}"), subject, answer, null);
        }
    }

    private final Rome rome;
    private final Path outDir;
    private final int limit;
    private final ProgressListener listener;
    private final CancellationToken cancel;

    /**
     * @param outDir   case files and summary (null: in memory)
     * @param limit    at most this many records
     */
    public ZsreEval(Rome rome, Path outDir, int limit, ProgressListener listener, CancellationToken cancel) {
        this.rome = rome;
        this.outDir = outDir;
        this.limit = limit;
        this.listener = listener;
        this.cancel = cancel;
    }

    /** Reads zsRE records (keys subject, src, rephrase, answers, loc, loc_ans); records whose src lacks the subject are skipped. */
    public static List<Record> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("dataset not found: " + file);
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        if (!root.isArray()) throw new IllegalArgumentException(file + " is not a JSON list of zsRE records");
        List<Record> out = new ArrayList<>();
        int i = 0;
        for (JsonNode n : root) {
            if (!n.has("src") || !n.has("answers")) {
                throw new IllegalArgumentException(file + ": record " + i + " has no src/answers (zsRE format expected; "
                        + "for CounterFact use --format counterfact)");
            }
            String subject = n.get("subject").asText();
            if (n.get("src").asText().contains(subject)) {
                out.add(new Record(i, subject, n.get("src").asText(), n.get("rephrase").asText(), n.get("answers").get(0).asText(),
                        n.get("loc").asText(), n.get("loc_ans").asText()));
            }
            i++;
        }
        return List.copyOf(out);
    }

    /** Summary: efficacy, paraphrase and specificity accuracy in percent, pre and post. */
    public record Result(List<ObjectNode> cases, Map<String, Double> pre, Map<String, Double> post) {
        /** One row per phase. */
        public Table table() {
            StringColumn phase = StringColumn.create("phase", "pre", "post");
            IntColumn n = IntColumn.create("cases", new int[] {cases.size(), cases.size()});
            Table t = Table.create("zsre").addColumns(phase, n);
            for (String k : pre.keySet()) t.addColumns(DoubleColumn.create(k, new double[] {pre.get(k), post.get(k)}));
            return t;
        }

        /** Writes {@code summary.txt} (the table). */
        public void writeTo(Path dir) throws IOException {
            Files.createDirectories(dir);
            String text = table().print();
            Outputs.file(dir.resolve("summary.txt"), true, "--overwrite", tmp -> Files.writeString(tmp, text));
        }
    }

    /** Evaluates records. */
    public Result run(List<Record> records) throws IOException {
        int n = Math.min(limit, records.size());
        ObjectNode made = JSON.createObjectNode().put("kind", "zsre").put("model", rome.model().name());
        made.set("hparams", rome.hparams().toJson());
        List<ObjectNode> cases = CaseFiles.run(records, n, outDir, made, Record::caseId, r -> "case " + r.caseId() + ": " + r.src(),
                this::evaluate, cancel, listener);
        Result res = result(cases);
        if (outDir != null) res.writeTo(outDir);
        return res;
    }

    /** The summary of case JSONs computed elsewhere (per record with {@link #evaluate}), in case order. */
    public static Result result(List<ObjectNode> cases) {
        return new Result(List.copyOf(cases), summarize(cases, "pre"), summarize(cases, "post"));
    }

    /** Measure, edit, measure, undo for one record: its case JSON (also a Spark task's per-record work). */
    public ObjectNode evaluate(Record r) {
        ObjectNode c = JSON.createObjectNode();
        c.put("case_id", r.caseId());
        c.put("src", r.src());
        c.put("answer", r.answer());
        c.set("pre", metrics(r));
        c.set("post", rome.tryEdit(r.request(), e -> metrics(r)).after());
        return c;
    }

    private ObjectNode metrics(Record r) {
        Gpt gpt = rome.model();
        ObjectNode m = JSON.createObjectNode();
        put(m.putArray("rewrite_prompts_correct"), accuracy(gpt, r.src(), " " + r.answer()));
        put(m.putArray("paraphrase_prompts_correct"), accuracy(gpt, r.rephrase(), " " + r.answer()));
        put(m.putArray("neighborhood_prompts_correct"), accuracy(gpt, r.loc() + "?", " " + r.locAns()));
        return m;
    }

    private static void put(ArrayNode a, boolean[] xs) {
        for (boolean x : xs) a.add(x);
    }

    /**
     * For each target token j: is the argmax after {@code prompt + decode(target[:j])} equal to target[j]
     * ({@code test_batch_prediction_acc} over the prefixes the original builds)?
     */
    static boolean[] accuracy(Gpt gpt, String prompt, String answer) {
        // the answer's tokens as they follow the prompt (one encoding, split by characters), and each
        // prefix prompt + answer[:j] joined as ids: right with a BOS and sentencepiece pieces
        long[][] split = gpt.tokenizer().split(prompt, answer);
        long[] target = split[1];
        List<long[]> seqs = new ArrayList<>();
        int[] rows = new int[target.length];
        int[] pos = new int[target.length];
        for (int j = 0; j < target.length; j++) {
            long[] ids = java.util.Arrays.copyOf(split[0], split[0].length + j);
            System.arraycopy(target, 0, ids, split[0].length, j);
            seqs.add(ids);
            rows[j] = j;
            pos[j] = ids.length - 1;
        }
        long[] want = new long[target.length];
        for (int j = 0; j < target.length; j++) {
            // the original compares with the first token of tok(decode(target[j])), without special tokens here
            long[] t = gpt.tokenizer().pieces(gpt.tokenizer().decode(target[j]));
            want[j] = t.length == 0 ? target[j] : t[0];
        }
        Lm.Result lp = Lm.at(gpt, seqs, rows, pos, want);
        boolean[] ok = new boolean[target.length];
        for (int j = 0; j < ok.length; j++) ok[j] = lp.argmax()[j] == want[j];
        return ok;
    }

    static Map<String, Double> summarize(List<ObjectNode> cases, String phase) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String[] k : new String[][] {{"efficacy", "rewrite_prompts_correct"}, {"paraphrase", "paraphrase_prompts_correct"},
                {"specificity", "neighborhood_prompts_correct"}}) {
            double s = 0;
            int n = 0;
            for (ObjectNode c : cases) {
                JsonNode a = c.get(phase).get(k[1]);
                double cs = 0;
                for (JsonNode x : a) cs += x.asBoolean() ? 1 : 0;
                if (!a.isEmpty()) {
                    s += cs / a.size();
                    n++;
                }
            }
            out.put(k[0], n == 0 ? Double.NaN : 100 * s / n);
        }
        return out;
    }
}
