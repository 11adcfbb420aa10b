package org.rome4j.fetch;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The original project's published data sets, as its {@code dsets/*.py} and {@code dsets/tfidf_stats.py}
 * fetch them: {@code {REMOTE_ROOT_URL}/data/dsets/NAME} with {@code REMOTE_ROOT_URL = https://rome.baulab.info}
 * (kmeng01/rome, {@code globals.yml}), stored as {@code {data dir}/dsets/NAME}.
 *
 * <p>Checksums: only {@code known_1000.json} could be compared with a genuine copy when this was written
 * (the one shipped with the original's notebooks, 343,229 bytes); its size and SHA-256 are recorded here.
 * The host was unreachable from where rome4j is built, so for the other files no checksum is invented:
 * they are checked against the length the server announces, and the SHA-256 of what arrived is written
 * beside each file ({@code NAME.sha256}) for comparison with another copy.
 */
public final class PaperData {
    /** The host the original code downloads from. */
    public static final String DEFAULT_ENDPOINT = "https://rome.baulab.info";

    /** One published file: the name a user types, the file name on the server and on disk, and what is known of it. */
    public enum File {
        COUNTERFACT("counterfact", "counterfact.json", HttpFetch.Expect.UNKNOWN),
        ZSRE("zsre", "zsre_mend_eval.json", HttpFetch.Expect.UNKNOWN),
        KNOWN_1000("known_1000", "known_1000.json",
                new HttpFetch.Expect(343229, "61daca55318bb5260c1e62e133debef9102c7b278bbc7b19dd2ac655543f333a")),
        ATTRIBUTE_SNIPPETS("attribute_snippets", "attribute_snippets.json", HttpFetch.Expect.UNKNOWN),
        IDF("idf", "idf.npy", HttpFetch.Expect.UNKNOWN),
        TFIDF_VOCAB("tfidf_vocab", "tfidf_vocab.json", HttpFetch.Expect.UNKNOWN);

        private final String key;
        private final String fileName;
        private final HttpFetch.Expect expect;

        File(String key, String fileName, HttpFetch.Expect expect) {
            this.key = key;
            this.fileName = fileName;
            this.expect = expect;
        }

        /** The name on the command line, e.g. {@code counterfact}. */
        public String key() { return key; }

        /** The file name, e.g. {@code counterfact.json}. */
        public String fileName() { return fileName; }

        /** Size and checksum known in advance. */
        public HttpFetch.Expect expect() { return expect; }

        /** By command-line name or file name. */
        public static File of(String name) {
            for (File f : values()) {
                if (f.key.equals(normalise(name)) || f.fileName.equals(name.trim())) return f;
            }
            throw new IllegalArgumentException("unknown data set " + name + ": choose one of " + keys());
        }

        /** Every command-line name, for help texts. */
        public static String keys() {
            return String.join(", ", Arrays.stream(values()).map(File::key).toList());
        }
    }

    private PaperData() { }

    /**
     * Where downloaded data sets live when no folder is given: {@code $ROME4J_DATA}, else
     * {@code $ROME4J_CACHE/data}, else {@code $XDG_CACHE_HOME/rome4j/data}, else {@code ~/.cache/rome4j/data}.
     */
    public static Path defaultDir() {
        String own = System.getenv("ROME4J_DATA");
        if (own != null && !own.isBlank()) return Path.of(own);
        return org.rome4j.io.CacheDirs.rome4j("data");
    }

    /** The original's layout: {@code {dir}/dsets/{file}}. */
    public static Path path(Path dir, File f) {
        return dir.resolve("dsets").resolve(f.fileName());
    }

    /** The URL of a file on an endpoint ({@code {endpoint}/data/dsets/{file}}). */
    public static URI url(String endpoint, File f) {
        return URI.create(endpoint.replaceAll("/+$", "") + "/data/dsets/" + f.fileName());
    }

    /**
     * A downloaded data set: under {@code dir} when given, else under {@link #defaultDir()}, else in the
     * original's {@code data/dsets/} of the working folder.
     */
    public static Optional<Path> find(File f, Path dir) {
        List<Path> places = dir != null ? List.of(path(dir, f)) : List.of(path(defaultDir(), f), path(Path.of("data"), f));
        return places.stream().filter(Files::isRegularFile).findFirst();
    }

    /** {@link #find}, or an error naming the command that downloads it. */
    public static Path require(File f, Path dir) {
        return find(f, dir).orElseThrow(() -> new IllegalArgumentException(f.fileName() + " not found in "
                + path(dir != null ? dir : defaultDir(), f).getParent() + ": download it with rome4j download-data "
                + f.key() + (dir != null ? " --dir " + dir : "")));
    }

    /**
     * The files of CounterFact's reference score (RS), as {@code eval --snippets --tfidf-vocab --idf} take them.
     *
     * @param snippets   {@code attribute_snippets.json}
     * @param tfidfVocab {@code tfidf_vocab.json}
     * @param idf        {@code idf.npy}
     */
    public record Reference(Path snippets, Path tfidfVocab, Path idf) { }

    /** The downloaded reference-score files when all three are there ({@link #find} for each), for eval's defaults. */
    public static Optional<Reference> findReference(Path dir) {
        Optional<Path> s = find(File.ATTRIBUTE_SNIPPETS, dir);
        Optional<Path> v = find(File.TFIDF_VOCAB, dir);
        Optional<Path> i = find(File.IDF, dir);
        return s.isPresent() && v.isPresent() && i.isPresent() ? Optional.of(new Reference(s.get(), v.get(), i.get())) : Optional.empty();
    }

    /**
     * Downloads the named files (already complete ones are kept) and returns their paths.
     *
     * @param endpoint the host, e.g. {@link #DEFAULT_ENDPOINT}
     */
    public static List<Path> download(List<File> files, Path dir, String endpoint, HttpFetch fetch, PrintStream log)
            throws IOException, InterruptedException {
        List<Path> out = new java.util.ArrayList<>();
        for (File f : files) {
            Path dest = path(dir, f);
            URI url = url(endpoint, f);
            if (log != null) log.println(f.fileName() + " <- " + url);
            boolean fresh = fetch.fetch(url, dest, f.expect());
            if (log != null) {
                log.println("  " + (fresh ? "saved " : "already there: ") + dest + (f.expect().sha256() != null
                        ? " (SHA-256 verified)" : fresh ? " (length verified; SHA-256 recorded in " + HttpFetch.shaFile(dest).getFileName()
                        + ", no published checksum to compare)" : ""));
            }
            out.add(dest);
        }
        return out;
    }

    /** Lower-case key for a user's spelling ("known-1000" as "known_1000"). */
    static String normalise(String s) {
        return s.trim().toLowerCase(Locale.ROOT).replace('-', '_');
    }
}
