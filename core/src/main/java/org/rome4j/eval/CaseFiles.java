package org.rome4j.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import org.rome4j.progress.CancellationToken;
import org.rome4j.progress.Eta;
import org.rome4j.progress.ProgressListener;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.Function;

/**
 * The resumable loop of an evaluation: one {@code case_ID.json} per record in an output folder, read
 * back when present (so an interrupted run resumes), written atomically when computed. A record that
 * is refused (an exception other than cancellation: a target the model cannot spell, a malformed
 * request) is reported and skipped, as the Spark job does: {@code errors.csv} in the output folder lists
 * them ({@code idx,error}, idx counting records from 0), and a rerun retries them.
 */
final class CaseFiles {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The refused records' file in the output folder. */
    static final String ERRORS = "errors.csv";

    private CaseFiles() { }

    /**
     * Evaluates the first {@code n} records, reusing case files in {@code outDir} (null: no files); the
     * cases of the records not refused, in order.
     *
     * @param id       a record's case id
     * @param label    a record's progress message
     * @param evaluate computes one record's case JSON
     */
    static <R> List<ObjectNode> run(List<R> records, int n, Path outDir, Function<R, Object> id, Function<R, String> label,
                                    Function<R, ObjectNode> evaluate, CancellationToken cancel, ProgressListener listener)
            throws IOException {
        if (outDir != null) Files.createDirectories(outDir);
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
            if (file != null && Files.isRegularFile(file)) {
                c = (ObjectNode) JSON.readTree(file.toFile());
            } else {
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
                    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
                    JSON.writeValue(tmp.toFile(), c);
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            if (c != null) cases.add(c);
            listener.update(i + 1, n, (refused == null ? label.apply(r) : label.apply(r) + " refused (" + refused + ")")
                    + eta.suffix(n - i - 1));
        }
        if (outDir != null) {
            Table.create("errors").addColumns(errIdx, errText).write().csv(outDir.resolve(ERRORS).toFile());
        }
        if (!errIdx.isEmpty()) {
            listener.update(n, n, errIdx.size() + " of " + n + " records refused"
                    + (outDir == null ? "" : "; see " + outDir.resolve(ERRORS) + " (a rerun retries them)"));
        }
        return cases;
    }
}
