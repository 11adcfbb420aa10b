package org.rome4j.rome;

import org.rome4j.io.Npy;
import org.rome4j.io.Npz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The running sums of an interrupted {@link KeyStats.Collector} run, in one {@code .npz}: the SHA-256 of the
 * run's key ({@code run.sha256}, 8 × 32-bit words), how far it got ({@code consumed} iterator items, {@code docs},
 * {@code tokens}) and each layer's raw sum in the accumulation type ({@code layer.L.sum}), so a resumed run
 * continues from exactly the same numbers. Written to a temporary file and moved into place ({@link Npz#write}).
 */
final class StatsCheckpoint {
    private final Path file;
    private final long[] key;

    /** What a resumed run starts from. */
    record State(long consumed, long docs, long tokens, Map<Integer, double[]> sums, int[] layers) { }

    StatsCheckpoint(Path file, String runKey) {
        this.file = file;
        this.key = sha256(runKey);
    }

    /** The saved state when the file exists and is this run's; null otherwise (another run's is ignored). */
    State load(int[] layers, int f, String precision) {
        if (!Files.isRegularFile(file)) return null;
        Set<String> names = new HashSet<>(Set.of("run.sha256", "consumed", "docs", "tokens"));
        for (int l : layers) names.add("layer." + l + ".sum");
        Map<String, Npy.Array> m;
        try {
            m = Npz.read(file, names);
        } catch (IOException | RuntimeException e) {
            return null;        // not a checkpoint we can read: start afresh, the next save replaces it
        }
        if (!m.keySet().containsAll(names) || !Arrays.equals(m.get("run.sha256").longs(), key)) return null;
        Map<Integer, double[]> sums = new LinkedHashMap<>();
        String dtype = precision.equals("float32") ? "<f4" : "<f8";
        for (int l : layers) {
            Npy.Array a = m.get("layer." + l + ".sum");
            if (a.data().length != (long) f * f || !a.dtype().equals(dtype)) return null;
            sums.put(l, a.data());
        }
        return new State(m.get("consumed").longs()[0], m.get("docs").longs()[0], m.get("tokens").longs()[0], sums, layers);
    }

    /**
     * Saves the sums (row-major [F*F] each, values of the accumulation type {@code precision}, so the float32 ones
     * round-trip exactly) after {@code consumed} items ({@code docs} documents, {@code tokens} tokens).
     */
    void save(double[][] sums, long consumed, long docs, long tokens, int[] layers, String precision) {
        Map<String, byte[]> e = new LinkedHashMap<>();
        e.put("run.sha256", Npy.encodeLong(new long[] {8}, key));
        e.put("consumed", Npy.encodeLong(new long[] {1}, new long[] {consumed}));
        e.put("docs", Npy.encodeLong(new long[] {1}, new long[] {docs}));
        e.put("tokens", Npy.encodeLong(new long[] {1}, new long[] {tokens}));
        for (int i = 0; i < sums.length; i++) {
            int f = (int) Math.round(Math.sqrt(sums[i].length));
            long[] shape = {f, f};
            e.put("layer." + layers[i] + ".sum", precision.equals("float32")
                    ? Npy.encodeFloat(shape, KeyStats.toFloat(sums[i])) : Npy.encodeDouble(shape, sums[i]));
        }
        try {
            Npz.write(file, e);    // a temporary file renamed into place: a crash leaves the previous checkpoint
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot write the statistics checkpoint " + file + ": " + ex.getMessage(), ex);
        }
    }

    /** Removes the checkpoint (the run completed). */
    void delete() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot remove the statistics checkpoint " + file + ": " + ex.getMessage(), ex);
        }
    }

    private static long[] sha256(String s) {
        try {
            // eight unsigned 32-bit words: .npy numbers are read back as doubles, exact below 2^53
            ByteBuffer b = ByteBuffer.wrap(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
            long[] words = new long[8];
            for (int i = 0; i < words.length; i++) words[i] = Integer.toUnsignedLong(b.getInt());
            return words;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
