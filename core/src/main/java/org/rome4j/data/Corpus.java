package org.rome4j.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;

/**
 * A text corpus for key statistics: documents of text files ({@code .txt}, one document per line,
 * blank lines skipped) or JSON lines ({@code .jsonl}/{@code .json}, a {@code text} field per line),
 * or Parquet ({@code .parquet}, a string column {@code text}, one row group in memory at a time), streamed in
 * file order. The Spark job ({@code ./rome4j-spark stats}) applies the same per-document rule ({@link Format#text})
 * and the same sample ({@link #sampleIndices}).
 *
 * <p>{@link #sample} draws N documents as the original's {@code layer_stats} does
 * ({@code FixedRandomSubsetSampler}: {@code random.Random(seed).shuffle(range(len(ds)))[:N]}, seed 1),
 * so the same texts are chosen; they are read in file order, not shuffled order, which changes only
 * the summation order.
 *
 * <pre>{@code
 * Corpus c = Corpus.of(List.of(Path.of("wiki.jsonl")));
 * KeyStats s = KeyStats.collector(gpt, 17).collect(c.sample(100_000, 1));
 * }</pre>
 */
public final class Corpus {
    /** What {@code stats --corpus} accepts, for error messages. */
    public static final String ACCEPTED = "plain text (.txt, one document per line), JSONL (.jsonl or .json, one JSON object per line "
            + "with a \"text\" field), or Parquet (.parquet, a string column \"text\"); a JSON array such as "
            + "known_1000.json is neither";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A corpus file's format, from its name. */
    public enum Format {
        /** One document per line. */
        TEXT,
        /** One JSON object per line, the document in its {@code text} field. */
        JSONL,
        /** A string column {@code text}, null or blank values skipped. */
        PARQUET;

        /** The format of a file name, or an error naming the accepted formats. */
        public static Format of(String fileName) {
            String n = fileName.toLowerCase(Locale.ROOT);
            if (n.endsWith(".txt") || n.endsWith(".text")) return TEXT;
            if (n.endsWith(".jsonl") || n.endsWith(".json")) return JSONL;
            if (n.endsWith(".parquet")) return PARQUET;
            throw new IllegalArgumentException("corpus " + fileName + " is not an accepted format: use " + ACCEPTED);
        }

        /**
         * The document of one line, or null when the line holds none (blank, or a blank {@code text}).
         *
         * @param source the file, for the error of a JSON line without {@code text}
         */
        public String text(String line, String source) {
            if (line == null || line.isBlank()) return null;
            if (this == TEXT) return line;
            try {
                JsonNode n = JSON.readTree(line);
                if (n == null || !n.hasNonNull("text")) throw new IllegalArgumentException(source + ": JSON line without a \"text\" field; use " + ACCEPTED);
                String t = n.get("text").asText();
                return t.isBlank() ? null : t;
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalArgumentException(source + ": not a JSON line (" + e.getOriginalMessage() + "); use " + ACCEPTED);
            }
        }
    }

    private final List<Path> files;

    private Corpus(List<Path> files) {
        this.files = List.copyOf(files);
    }

    /** A corpus of files read in order; checks that each exists and is text, JSONL or Parquet. */
    public static Corpus of(List<Path> files) {
        if (files.isEmpty()) throw new IllegalArgumentException("no corpus files: pass " + ACCEPTED);
        for (Path f : files) {
            Format.of(f.getFileName().toString());
            if (!Files.isRegularFile(f)) throw new IllegalArgumentException("corpus file not found: " + f);
        }
        return new Corpus(files);
    }

    /** The files. */
    public List<Path> files() {
        return files;
    }

    /** Every document, in file order, streamed. */
    public Iterator<String> documents() {
        return filtered(null);
    }

    /** The number of documents (one pass over the files). */
    public long count() {
        long n = 0;
        for (Iterator<String> it = documents(); it.hasNext(); it.next()) n++;
        return n;
    }

    /**
     * The original's seeded sample of {@code n} documents (all when the corpus has fewer), in file
     * order. Two passes: one to count, one to read.
     */
    public Iterator<String> sample(long n, long seed) {
        return documents(sampleIndices(count(), n, seed));
    }

    /** The documents at these indices (sorted ascending, as {@link #sampleIndices} gives them), in file order, streamed. */
    public Iterator<String> documents(long[] keep) {
        for (int i = 1; i < keep.length; i++) {
            if (keep[i] <= keep[i - 1]) throw new IllegalArgumentException("document indices must ascend: " + keep[i - 1] + ", " + keep[i]);
        }
        return filtered(keep);
    }

    /**
     * The original's seeded sample of {@code n} documents of an in-memory corpus (all when it has fewer), in
     * corpus order: the same draw as {@link #sample(long, long)}, for a notebook's list of texts.
     */
    public static List<String> sample(List<String> documents, long n, long seed) {
        List<String> out = new java.util.ArrayList<>();
        for (long i : sampleIndices(documents.size(), n, seed)) out.add(documents.get((int) i));
        return out;
    }

    /**
     * What identifies this corpus's content for a checkpoint: each file's absolute path, size and
     * modification time, in order (a file replaced or appended to gives another fingerprint).
     */
    public String fingerprint() {
        StringBuilder b = new StringBuilder();
        for (Path f : files) {
            try {
                b.append(f.toAbsolutePath().normalize()).append('|').append(Files.size(f)).append('|')
                        .append(Files.getLastModifiedTime(f).toMillis()).append('\n');
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read corpus " + f + ": " + e.getMessage(), e);
            }
        }
        return b.toString();
    }

    /**
     * The sorted indices of the documents a sample of {@code n} out of {@code total} keeps:
     * {@code random.Random(seed)} shuffles {@code range(total)} and the first {@code n} are taken.
     */
    public static long[] sampleIndices(long total, long n, long seed) {
        if (n < 1) throw new IllegalArgumentException("samples must be >= 1, got " + n);
        if (total > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("a sample draws from at most 2^31 documents, got " + total);
        int[] order = new int[(int) total];
        for (int i = 0; i < order.length; i++) order[i] = i;
        new PyRandom(seed).shuffle(order);
        int k = (int) Math.min(n, total);
        long[] keep = new long[k];
        for (int i = 0; i < k; i++) keep[i] = order[i];
        Arrays.sort(keep);
        return keep;
    }

    /** A file's documents in order (blank ones skipped), null at the end. */
    private interface Source extends Closeable {
        String next() throws IOException;
    }

    private static Source open(Path file) throws IOException {
        Format format = Format.of(file.getFileName().toString());
        if (format == Format.PARQUET) {
            ParquetTexts p = new ParquetTexts(file);
            return new Source() {
                @Override
                public String next() throws IOException {
                    while (p.hasNext()) {
                        String t = p.next();
                        if (t != null && !t.isBlank()) return t;
                    }
                    return null;
                }

                @Override
                public void close() throws IOException {
                    p.close();
                }
            };
        }
        BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        return new Source() {
            @Override
            public String next() throws IOException {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    String doc = format.text(line, file.toString());
                    if (doc != null) return doc;
                }
                return null;
            }

            @Override
            public void close() throws IOException {
                r.close();
            }
        };
    }

    /** Documents in file order; with {@code keep} (sorted indices), only those. */
    private Iterator<String> filtered(long[] keep) {
        return new Iterator<>() {
            int fileIdx = -1;
            Source source;
            long index = -1;    // of the last document read
            int kept = 0;
            String next;

            { advance(); }

            private void advance() {
                try {
                    while (true) {
                        if (keep != null && kept >= keep.length) {
                            close();
                            next = null;
                            return;
                        }
                        if (source == null) {
                            if (++fileIdx >= files.size()) {
                                next = null;
                                return;
                            }
                            source = open(files.get(fileIdx));
                        }
                        String doc = source.next();
                        if (doc == null) {
                            close();
                            continue;
                        }
                        index++;
                        if (keep != null) {
                            if (keep[kept] != index) continue;
                            kept++;
                        }
                        next = doc;
                        return;
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read corpus " + files.get(fileIdx) + ": " + e.getMessage(), e);
                }
            }

            private void close() throws IOException {
                if (source != null) source.close();
                source = null;
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public String next() {
                if (next == null) throw new NoSuchElementException();
                String s = next;
                advance();
                return s;
            }
        };
    }
}
