package org.rome4j.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.rome4j.io.Outputs;
import org.rome4j.io.RunLock;
import org.rome4j.progress.CancellationToken;
import org.rome4j.progress.Eta;
import org.rome4j.progress.ProgressListener;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.function.Function;

/**
 * The resumable loop of an evaluation: one {@code case_ID.json} per record in an output folder, read
 * back when present (so an interrupted run resumes), written atomically when computed. A record that
 * is refused (an exception other than cancellation: a target the model cannot spell, a malformed
 * request) is reported and skipped, as the Spark job does: {@code errors.csv} in the output folder lists
 * them ({@code idx,error}, idx counting records from 0), and a rerun retries them.
 *
 * <p>The folder records what its cases were made from ({@code run.json}: the records' SHA-256, the model,
 * the hyper-parameters and options); a run from anything else is refused rather than handed the other run's
 * cases. Case ids must be unique (checked before anything runs), and a case file that cannot be read (cut off
 * by a crash, edited by hand) is computed again.
 */
final class CaseFiles {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The refused records' file in the output folder. */
    static final String ERRORS = "errors.csv";
    /** What the folder's cases were made from. */
    static final String RUN = "run.json";

    private CaseFiles() { }

    /**
     * Evaluates the first {@code n} records, reusing case files in {@code outDir} (null: no files); the
     * cases of the records not refused, in order.
     *
     * @param id       a record's case id
     * @param label    a record's progress message
     * @param evaluate computes one record's case JSON
     */
    static <R> List<ObjectNode> run(List<R> records, int n, Path outDir, ObjectNode made, Function<R, Object> id,
                                    Function<R, String> label, Function<R, ObjectNode> evaluate, CancellationToken cancel,
                                    ProgressListener listener) throws IOException {
        checkUnique(records, n, id);
        if (outDir == null) return loop(records, n, null, null, id, label, evaluate, cancel, listener);
        // one run at a time in a folder: a second one is told it is in use rather than racing the first one's files
        try (RunLock lock = RunLock.take(outDir, "the results folder " + outDir)) {
            ObjectNode run = claim(outDir, made, records);
            return loop(records, n, outDir, run, id, label, evaluate, cancel, listener);
        }
    }

    /** {@code run}: the run.json still to write, with the first file (a folder holds run.json only beside results); null when written. */
    private static <R> List<ObjectNode> loop(List<R> records, int n, Path outDir, ObjectNode run, Function<R, Object> id, Function<R, String> label,
                                             Function<R, ObjectNode> evaluate, CancellationToken cancel, ProgressListener listener)
            throws IOException {
        List<ObjectNode> cases = new ArrayList<>();
        IntColumn errIdx = IntColumn.create("idx");
        StringColumn errText = StringColumn.create("error");
        Eta eta = new Eta();
        for (int i = 0; i < n; i++) {
            if (cancel.isRequested()) {
                throw new CancellationException("evaluation cancelled after " + i + " cases; run again to resume");
            }
            R r = records.get(i);
            Path file = outDir == null ? null : outDir.resolve("case_" + id.apply(r) + ".json");
            ObjectNode c = null;
            String refused = null;
            if (file != null) c = readCase(file);
            if (c == null) {
                long t0 = System.nanoTime();
                try {
                    c = evaluate.apply(r);
                } catch (CancellationException e) {
                    throw e;
                } catch (RuntimeException e) {
                    refused = e.getClass().getSimpleName() + ": " + e.getMessage();
                    errIdx.append(i);
                    errText.append(refused);
                }
                eta.computed(System.nanoTime() - t0);
                if (file != null && c != null) {
                    run = writeRun(outDir, run);
                    ObjectNode done = c;
                    Outputs.file(file, true, "--overwrite", tmp -> JSON.writeValue(tmp.toFile(), done));
                }
            }
            if (c != null) cases.add(c);
            listener.update(i + 1, n, (refused == null ? label.apply(r) : label.apply(r) + " refused (" + refused + ")")
                    + eta.suffix(n - i - 1));
        }
        if (outDir != null) {
            writeRun(outDir, run);
            Table errors = Table.create("errors").addColumns(errIdx, errText);
            Outputs.file(outDir.resolve(ERRORS), true, "--overwrite", tmp -> errors.write().csv(tmp.toFile()));
        }
        if (!errIdx.isEmpty()) {
            listener.update(n, n, errIdx.size() + " of " + n + " records refused"
                    + (outDir == null ? "" : "; see " + outDir.resolve(ERRORS) + " (a rerun retries them)"));
        }
        return cases;
    }

    /** The SHA-256 of the records' text (all of them, not only the first n: a longer limit resumes the same run). */
    static String sha256(List<?> records) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (Object r : records) md.update((r + "\n").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <R> void checkUnique(List<R> records, int n, Function<R, Object> id) {
        Map<Object, Integer> seen = new HashMap<>();
        for (int i = 0; i < n; i++) {
            Integer before = seen.putIfAbsent(id.apply(records.get(i)), i);
            if (before != null) {
                throw new IllegalArgumentException("case id " + id.apply(records.get(i)) + " appears twice (records " + before + " and " + i
                        + "): case ids must be unique; fix the dataset file");
            }
        }
    }

    private static ObjectNode writeRun(Path outDir, ObjectNode run) throws IOException {
        if (run != null) {
            Outputs.file(outDir.resolve(RUN), false, "--overwrite", tmp -> JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), run));
        }
        return null;
    }

    /**
     * Refuses a folder whose cases come from another run; the {@code run.json} a new folder gets (written with its first
     * file), or null when the folder already has it.
     */
    private static ObjectNode claim(Path outDir, ObjectNode made, List<?> records) throws IOException {
        // through text, as it is read back (a long that fits an int reads back as an int node, which equals() tells apart)
        ObjectNode want = (ObjectNode) JSON.readTree(JSON.writeValueAsString(made.deepCopy().put("records_sha256", sha256(records))));
        Path file = outDir.resolve(RUN);
        if (Files.isRegularFile(file)) {
            JsonNode have = readJson(file);
            if (have == null || !have.equals(want)) {
                List<String> differ = new ArrayList<>();
                want.fieldNames().forEachRemaining(k -> {
                    if (have == null || !want.get(k).equals(have.get(k))) differ.add(k);
                });
                throw new IllegalArgumentException(outDir + " holds the results of another run (its " + String.join(", ", differ)
                        + " differ" + (differ.size() == 1 ? "s" : "") + "): choose a new folder, or delete this one to start again");
            }
            return null;
        }
        try (var s = Files.list(outDir)) {
            if (s.anyMatch(p -> p.getFileName().toString().startsWith("case_"))) {
                throw new IllegalArgumentException(outDir + " holds case files but no " + RUN + " saying what they were made from: "
                        + "choose a new folder, or delete this one to start again");
            }
        } catch (java.nio.file.NoSuchFileException e) {
            // a new folder
        }
        return want;
    }

    private static JsonNode readJson(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            return null;
        }
    }

    /** A case file's JSON, or null when it is missing or unreadable (then it is computed again). */
    private static ObjectNode readCase(Path file) {
        if (!Files.isRegularFile(file)) return null;
        try {
            return JSON.readTree(file.toFile()) instanceof ObjectNode o && o.size() > 0 ? o : null;
        } catch (IOException e) {
            return null;
        }
    }
}
