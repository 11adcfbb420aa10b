package org.rome4j.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.rome4j.progress.CancellationToken;
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
 * back when present (so an interrupted run resumes), written atomically when computed.
 */
final class CaseFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CaseFiles() { }

    /**
     * Evaluates the first {@code n} records, reusing case files in {@code outDir} (null: no files).
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
        for (int i = 0; i < n; i++) {
            if (cancel.isRequested()) {
                throw new CancellationException("evaluation cancelled after " + i + " cases; run again to resume");
            }
            R r = records.get(i);
            Path file = outDir == null ? null : outDir.resolve("case_" + id.apply(r) + ".json");
            ObjectNode c;
            if (file != null && Files.isRegularFile(file)) {
                c = (ObjectNode) JSON.readTree(file.toFile());
            } else {
                c = evaluate.apply(r);
                if (file != null) {
                    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
                    JSON.writeValue(tmp.toFile(), c);
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            cases.add(c);
            listener.update(i + 1, n, label.apply(r));
        }
        return cases;
    }
}
