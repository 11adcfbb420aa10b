package org.rome4j.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
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
 * streamed in file order. Parquet corpora are read by the Spark job ({@code ./rome4j-spark stats}),
 * which applies the same per-line rule ({@link Format#text}) and the same sample ({@link #sampleIndices}).
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
            + "with a \"text\" field), or Parquet (.parquet, a \"text\" column; with ./rome4j-spark stats); a JSON array such as "
            + "known_1000.json is neither";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A corpus file's format, from its name. */
    public enum Format {
        /** One document per line. */
        TEXT,
        /** One JSON object per line, the document in its {@code text} field. */
        JSONL,
        /** A {@code text} column (read by Spark only). */
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

    /** A corpus of files read in order; checks that each exists and is text or JSONL. */
    public static Corpus of(List<Path> files) {
        if (files.isEmpty()) throw new IllegalArgumentException("no corpus files: pass " + ACCEPTED);
        for (Path f : files) {
            Format fmt = Format.of(f.getFileName().toString());
            if (fmt == Format.PARQUET) {
                throw new IllegalArgumentException("corpus " + f + " is Parquet, which ./rome4j-spark stats reads; here use text (.txt) or JSON lines (.jsonl)");
            }
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
        long[] keep = sampleIndices(count(), n, seed);
        return filtered(keep);
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

    /** Documents in file order; with {@code keep} (sorted indices), only those. */
    private Iterator<String> filtered(long[] keep) {
        return new Iterator<>() {
            int fileIdx = -1;
            BufferedReader reader;
            Format format;
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
                        if (reader == null) {
                            if (++fileIdx >= files.size()) {
                                next = null;
                                return;
                            }
                            reader = Files.newBufferedReader(files.get(fileIdx), StandardCharsets.UTF_8);
                            format = Format.of(files.get(fileIdx).getFileName().toString());
                        }
                        String line = reader.readLine();
                        if (line == null) {
                            close();
                            continue;
                        }
                        String doc = format.text(line, files.get(fileIdx).toString());
                        if (doc == null) continue;
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
                if (reader != null) reader.close();
                reader = null;
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
