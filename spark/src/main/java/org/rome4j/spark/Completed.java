package org.rome4j.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * {@code OUT/complete.json}: a run that finished every item without errors, with a fingerprint of its input and
 * settings and what it printed. A rerun with the same fingerprint prints that again without starting Spark (no
 * executors, no model load); any other rerun removes the file and resumes from the rows.
 */
final class Completed {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Options that change how a job runs, not its results. */
    private static final Set<String> RUN_ONLY = Set.of("--master", "--partitions", "--progress-seconds", "--json", "--quiet");

    private Completed() { }

    static Path file(Path out) {
        return out.resolve("complete.json");
    }

    /** A fingerprint of the items' keys and the job's result-changing options. */
    static String fingerprint(List<String> keys, String[] argv) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (String k : keys) d.update((k + "\n").getBytes(StandardCharsets.UTF_8));
            String[] words = org.rome4j.options.Declared.splitInline(argv);
            for (int i = 0; i < words.length; i++) {
                if (RUN_ONLY.contains(words[i])) {
                    if (!words[i].equals("--json") && !words[i].equals("--quiet")) i++;
                    continue;
                }
                d.update(("\u0000" + words[i]).getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Prints the finished run's answer when {@code out} holds one with this fingerprint. */
    static boolean answer(Path out, String fingerprint, boolean json, PrintStream stdout, PrintStream err, String job) throws Exception {
        Path f = file(out);
        if (!Files.isRegularFile(f)) return false;
        JsonNode n = JSON.readTree(f.toFile());
        if (!fingerprint.equals(n.path("fingerprint").asText())) return false;
        err.println("[" + job + "] every item is written in " + out + " already (nothing to do; delete " + f.getFileName() + " to redo the summary)");
        if (json) org.rome4j.cli.Json.print(stdout, n.get("json"));
        else stdout.print(n.path("text").asText());
        return true;
    }

    /** Records a finished run (none of its items failed). */
    static void write(Path out, String fingerprint, Object json, String text) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        n.put("fingerprint", fingerprint);
        n.set("json", JSON.valueToTree(json));
        n.put("text", text);
        Path tmp = out.resolve(".complete.json.tmp");
        JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), n);
        Files.move(tmp, file(out), java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** Forgets a finished run (this one has work to do). */
    static void clear(Path out) throws IOException {
        Files.deleteIfExists(file(out));
    }
}
