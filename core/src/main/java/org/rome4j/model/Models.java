package org.rome4j.model;

import org.rome4j.io.CacheDirs;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds models by what a user types: the embedded {@value #DEFAULT} model, a directory in HF layout,
 * or a HuggingFace hub id ({@code gpt2-xl}, {@code openai-community/gpt2}) already in the local HF cache.
 */
public final class Models {
    /** The embedded default model, shipped inside the jar. */
    public static final String DEFAULT = "tiny-facts";

    /** Names of the embedded models. */
    public static final List<String> EMBEDDED = List.of(DEFAULT, "tiny-biographies");

    private static final String RESOURCE_ROOT = "/rome4j/models/";
    private static final List<String> MODEL_FILES = List.of("config.json", "model.safetensors", "tokenizer.json",
            "tokenizer_config.json", "special_tokens_map.json", "training.json", "facts.json", "facts-held-out.json", "corpus.txt",
            "counterfact.json");

    private Models() { }

    /** Loads a model by name, directory or hub id (see {@link #resolve}). */
    public static Gpt load(String nameOrPath) {
        return load(nameOrPath, WeightType.F32);
    }

    /** {@link #load(String)} with the weights kept in {@code type} ({@link Gpt#load(Path, WeightType)}). */
    public static Gpt load(String nameOrPath, WeightType type) {
        return load(nameOrPath, type, Devices.defaultDevice());
    }

    /** {@link #load(String, WeightType)} with the weights on {@code device} ({@code --device cpu|cuda[:N]}, {@link Devices}). */
    public static Gpt load(String nameOrPath, WeightType type, ai.djl.Device device) {
        Devices.check(device);
        Path dir = resolve(nameOrPath);
        Gpt gpt = Gpt.load(dir, type, device);
        return EMBEDDED.contains(nameOrPath) ? gpt.renamed(nameOrPath) : gpt;
    }

    /**
     * The directory holding a model.
     *
     * @throws ModelLoadException naming what was looked for and how to get it
     */
    public static Path resolve(String nameOrPath) {
        if (nameOrPath == null || nameOrPath.isBlank()) {
            throw new ModelLoadException("no model given: pass --model tiny-facts, a model directory, or a hub id such as gpt2-xl");
        }
        String s = nameOrPath.trim();
        if (EMBEDDED.contains(s)) {
            return extractEmbedded(s);
        }
        Path p = Path.of(s.startsWith("~/") ? System.getProperty("user.home") + s.substring(1) : s);
        if (!Files.exists(p)) org.rome4j.io.Outputs.recoverQuietly(p); // a save killed between its two renames is finished now
        if (Files.isDirectory(p)) {
            return p;
        }
        if (looksLikePath(s)) {
            throw new ModelLoadException("model directory not found: " + p.toAbsolutePath()
                    + "; pass a folder in HF layout (config.json, model.safetensors, tokenizer.json) or the name tiny-facts");
        }
        Optional<Path> cached = hubCache(s);
        if (cached.isPresent()) {
            return cached.get();
        }
        String repo = s;
        throw new ModelLoadException("unknown model " + s + ": not an embedded model (" + String.join(", ", EMBEDDED)
                + "), not a directory, and not in the HF cache at " + hubCacheRoot()
                + "; download it with: huggingface-cli download " + repo
                + " config.json model.safetensors tokenizer.json (or rome4j download " + repo + ")");
    }

    private static boolean looksLikePath(String s) {
        return s.startsWith("/") || s.startsWith("./") || s.startsWith("../") || s.startsWith("~") || s.endsWith("/")
                || s.chars().filter(c -> c == '/').count() > 1;
    }

    /** The HF hub cache folder: {@code HF_HUB_CACHE}, else {@code HF_HOME/hub}, else {@code ~/.cache/huggingface/hub}. */
    public static Path hubCacheRoot() {
        String hub = System.getenv("HF_HUB_CACHE");
        if (hub != null && !hub.isBlank()) return Path.of(hub);
        String home = System.getenv("HF_HOME");
        if (home != null && !home.isBlank()) return Path.of(home, "hub");
        return CacheDirs.user().resolve("huggingface").resolve("hub");
    }

    /**
     * A hub id's snapshot in the local cache ({@code models--org--name/snapshots/rev}): the revision
     * {@code refs/main} points at, else the newest snapshot holding a config. Bare GPT-2 names are
     * also looked up under {@code openai-community/}.
     */
    public static Optional<Path> hubCache(String id) {
        return hubCache(id, hubCacheRoot());
    }

    /** {@link #hubCache(String)} under a given cache root. */
    public static Optional<Path> hubCache(String id, Path root) {
        List<String> candidates = id.contains("/") ? List.of(id) : List.of(id, "openai-community/" + id);
        for (String c : candidates) {
            Path repo = root.resolve("models--" + c.replace("/", "--"));
            Path snaps = repo.resolve("snapshots");
            if (!Files.isDirectory(snaps)) continue;
            try {
                Path ref = repo.resolve("refs/main");
                if (Files.isRegularFile(ref)) {
                    Path snap = snaps.resolve(Files.readString(ref).trim()).normalize();
                    // refs/main names a folder under snapshots/, never one elsewhere (a tampered cache)
                    if (snap.startsWith(snaps.normalize()) && !snap.equals(snaps.normalize())
                            && Files.isRegularFile(snap.resolve("config.json"))) {
                        return Optional.of(snap);
                    }
                }
                try (Stream<Path> st = Files.list(snaps)) {
                    Optional<Path> any = st.filter(d -> Files.isRegularFile(d.resolve("config.json")))
                            .max((a, b) -> Long.compare(a.toFile().lastModified(), b.toFile().lastModified()));
                    if (any.isPresent()) return any;
                }
            } catch (IOException e) {
                throw new ModelLoadException("cannot read the HF cache at " + repo + ": " + e.getMessage());
            }
        }
        return Optional.empty();
    }

    /**
     * Copies an embedded model out of the jar into {@code models/NAME-HASH} of the rome4j cache ({@code -Drome4j.cache=DIR},
     * else {@link CacheDirs#rome4j}: {@code $ROME4J_CACHE}, {@code $XDG_CACHE_HOME/rome4j}, {@code ~/.cache/rome4j}), once;
     * the hash of its weights names the folder, so a new build never reuses stale files.
     */
    static Path extractEmbedded(String name) {
        String base = RESOURCE_ROOT + name + "/";
        URL weights = Models.class.getResource(base + "model.safetensors");
        if (weights == null) {
            throw new ModelLoadException("embedded model " + name + " is missing from the classpath (" + base
                    + "): rebuild with mvn package, or pass a model directory");
        }
        try {
            // corpus.txt joined the shipped files later: an older extracted folder without it must not be reused
            String hash = shortHash(base + "config.json") + shortHash(base + "model.safetensors")
                    + (Models.class.getResource(base + "corpus.txt") != null ? "c" : "");
            String own = System.getProperty("rome4j.cache");
            Path cacheRoot = own != null ? Path.of(own, "models") : CacheDirs.rome4j("models");
            Path dir = cacheRoot.resolve(name + "-" + hash);
            if (Files.isRegularFile(dir.resolve(".complete"))) {
                return dir;
            }
            Files.createDirectories(cacheRoot);
            Path tmp = Files.createTempDirectory(cacheRoot, name + ".tmp");
            try {
                for (String f : MODEL_FILES) {
                    try (InputStream in = Models.class.getResourceAsStream(base + f)) {
                        if (in != null) Files.copy(in, tmp.resolve(f));
                    }
                }
                Files.writeString(tmp.resolve(".complete"), hash);
            } catch (IOException | RuntimeException full) {   // a full disk leaves no half-unpacked folder behind
                deleteTree(tmp);
                throw full;
            }
            try {
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException raced) {
                if (!Files.isRegularFile(dir.resolve(".complete"))) throw raced;
                deleteTree(tmp);
            }
            return dir;
        } catch (IOException e) {
            throw new ModelLoadException("cannot unpack embedded model " + name + " to " + CacheDirs.rome4j("models") + ": "
                    + e.getMessage() + "; set ROME4J_CACHE (or -Drome4j.cache=DIR) to a writable folder");
        }
    }

    private static String shortHash(String resource) throws IOException {
        try (InputStream in = Models.class.getResourceAsStream(resource)) {
            if (in == null) return "0";
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
            return HexFormat.of().formatHex(md.digest()).substring(0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path p) throws IOException {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
        }
    }
}
