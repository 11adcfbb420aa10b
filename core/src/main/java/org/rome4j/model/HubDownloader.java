package org.rome4j.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/**
 * Downloads a model from the HuggingFace hub into the local HF cache layout
 * ({@code models--org--name/snapshots/REV/...} and {@code refs/main}), so that {@link Models#resolve}
 * and the Python tools find the same files. Fetches only safetensors weights, never pickles. The
 * endpoint is {@code HF_ENDPOINT} (default {@code https://huggingface.co}); {@code HF_TOKEN} is sent
 * when set.
 */
public final class HubDownloader {
    private static final List<String> SMALL_FILES = List.of("config.json", "tokenizer.json", "tokenizer_config.json",
            "special_tokens_map.json", "generation_config.json");

    private static final Pattern COMMIT = Pattern.compile("[0-9a-fA-F]{6,64}");
    private static final Pattern REPO_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?");
    private static final Pattern REVISION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]{0,127}");

    private final String endpoint;
    private final Path cacheRoot;
    private final HttpClient http;

    /** A downloader for an endpoint and cache folder. */
    public HubDownloader(String endpoint, Path cacheRoot) {
        this.endpoint = endpoint.replaceAll("/+$", "");
        this.cacheRoot = cacheRoot;
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(Duration.ofSeconds(20)).build();
    }

    /** The default: {@code HF_ENDPOINT} or huggingface.co, into {@link Models#hubCacheRoot()}. */
    public static HubDownloader fromEnvironment() {
        String ep = System.getenv("HF_ENDPOINT");
        return new HubDownloader(ep == null || ep.isBlank() ? "https://huggingface.co" : ep, Models.hubCacheRoot());
    }

    /**
     * Downloads {@code repo} at {@code revision} (e.g. "main") and returns the snapshot folder.
     *
     * @param progress called with (file name, bytes so far)
     */
    public Path download(String repo, String revision, BiConsumer<String, Long> progress) throws IOException, InterruptedException {
        String id = repo.contains("/") ? repo : (repo.startsWith("gpt2") ? "openai-community/" + repo : repo);
        if (!REPO_ID.matcher(id).matches() || id.contains("..")) {
            throw new ModelLoadException("not a hub model id: \"" + repo + "\": use org/name (letters, digits, '-', '_', '.')");
        }
        if (!REVISION.matcher(revision).matches() || revision.contains("..")) {
            throw new ModelLoadException("not a revision: \"" + revision + "\": use a branch, tag or commit hash");
        }
        Path repoDir = cacheRoot.resolve("models--" + id.replace("/", "--"));
        Path staging = Files.createDirectories(repoDir.resolve("staging-" + ProcessHandle.current().pid()));
        String commit = null;
        try {
            Set<String> files = new LinkedHashSet<>();
            for (String f : SMALL_FILES) {
                Optional<String> c = fetch(id, revision, f, staging.resolve(f), f.equals("config.json") || f.equals("tokenizer.json"), progress);
                if (c.isPresent() && commit == null) commit = checkCommit(c.get());
                if (Files.exists(staging.resolve(f))) files.add(f);
            }
            if (fetchWeights(id, revision, "model.safetensors", staging.resolve("model.safetensors"), false, progress)) {
                files.add("model.safetensors");
            } else {
                fetch(id, revision, "model.safetensors.index.json", staging.resolve("model.safetensors.index.json"), false, progress)
                        .orElseThrow(() -> new ModelLoadException(id + " has no model.safetensors or model.safetensors.index.json "
                                + "at " + revision + ": rome4j loads safetensors only; convert the checkpoint and upload it"));
                files.add("model.safetensors.index.json");
                JsonNode map = new ObjectMapper().readTree(staging.resolve("model.safetensors.index.json").toFile()).path("weight_map");
                Set<String> shards = new LinkedHashSet<>();
                map.elements().forEachRemaining(v -> shards.add(v.asText()));
                for (String s : shards) {
                    checkFileName(s, "a shard name in model.safetensors.index.json");
                    fetchWeights(id, revision, s, inside(staging, s, "a shard name"), true, progress);
                    files.add(s);
                }
            }
            String rev = commit != null ? commit : revision;
            Path snapshots = repoDir.resolve("snapshots");
            Path snap = inside(snapshots, rev, "the revision folder");
            Files.createDirectories(snap);
            for (String f : files) {
                Files.move(staging.resolve(f), inside(snap, f, "a file name"), StandardCopyOption.REPLACE_EXISTING);
            }
            Files.createDirectories(repoDir.resolve("refs"));
            if (revision.equals("main")) {
                Files.writeString(repoDir.resolve("refs/main"), rev);
            }
            return snap;
        } finally {
            deleteTree(staging);
        }
    }

    /**
     * Downloads the files of a dataset repository matching {@code include} (a glob over the repository's paths,
     * e.g. {@code 20231101.en/*.parquet}) into the HF cache layout ({@code datasets--org--name/snapshots/REV/...},
     * {@code refs/main}), where {@code datasets.load_dataset} and rome4j's corpus readers find them. Each file is
     * resumed from a {@code .part} file when a connection drops and appears under its name only when complete.
     *
     * @return the snapshot folder
     */
    public Path downloadDataset(String repo, String revision, String include, java.io.PrintStream log) throws IOException, InterruptedException {
        if (!REPO_ID.matcher(repo).matches() || !repo.contains("/") || repo.contains("..")) {
            throw new ModelLoadException("not a hub dataset id: \"" + repo + "\": use org/name (letters, digits, '-', '_', '.')");
        }
        if (!REVISION.matcher(revision).matches() || revision.contains("..")) {
            throw new ModelLoadException("not a revision: \"" + revision + "\": use a branch, tag or commit hash");
        }
        URI api = URI.create(endpoint + "/api/datasets/" + repo + "/revision/" + revision);
        HttpRequest.Builder req = HttpRequest.newBuilder(api).timeout(Duration.ofMinutes(2)).GET();
        authHeader().forEach(req::header);
        HttpResponse<String> resp;
        try {
            resp = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new ModelLoadException("cannot reach " + endpoint + " (" + e.getClass().getSimpleName() + "): check the network, or set HF_ENDPOINT to a mirror");
        }
        if (resp.statusCode() == 404) {
            throw new ModelLoadException("dataset " + repo + " not found at revision " + revision + " on " + endpoint + ": check the id");
        }
        if (resp.statusCode() / 100 != 2) {
            throw new ModelLoadException("listing dataset " + repo + " failed with HTTP " + resp.statusCode() + " (" + api + ")");
        }
        JsonNode info = new ObjectMapper().readTree(resp.body());
        String commit = info.hasNonNull("sha") ? checkCommit(info.get("sha").asText()) : revision;
        java.nio.file.PathMatcher glob = java.nio.file.FileSystems.getDefault().getPathMatcher("glob:" + include);
        List<String> files = new ArrayList<>();
        for (JsonNode sib : info.path("siblings")) {
            String f = checkFileName(sib.path("rfilename").asText(), "a file of " + repo);
            if (glob.matches(java.nio.file.Path.of(f))) files.add(f);
        }
        if (files.isEmpty()) {
            throw new ModelLoadException("no file of dataset " + repo + " matches \"" + include + "\": pass --include with a glob such as "
                    + "'20231101.en/*.parquet'");
        }
        Path repoDir = cacheRoot.resolve("datasets--" + repo.replace("/", "--"));
        Path snap = inside(repoDir.resolve("snapshots"), commit, "the revision folder");
        org.rome4j.fetch.HttpFetch fetch = new org.rome4j.fetch.HttpFetch(log).headers(authHeader());
        for (String f : files) {
            if (log != null) log.println(f);
            fetch.fetch(URI.create(endpoint + "/datasets/" + repo + "/resolve/" + commit + "/" + f), inside(snap, f, "a file name"),
                    org.rome4j.fetch.HttpFetch.Expect.UNKNOWN);
        }
        Files.createDirectories(repoDir.resolve("refs"));
        if (revision.equals("main")) Files.writeString(repoDir.resolve("refs/main"), commit);
        return snap;
    }

    private static java.util.Map<String, String> authHeader() {
        String token = System.getenv("HF_TOKEN");
        return token != null && !token.isBlank() ? java.util.Map.of("Authorization", "Bearer " + token) : java.util.Map.of();
    }

    /** A commit hash as the hub sends it in {@code X-Repo-Commit}: 40 (or 64) hex digits, nothing that could be a path. */
    static String checkCommit(String c) {
        if (!COMMIT.matcher(c).matches()) {
            throw new ModelLoadException("the server sent an invalid commit hash \"" + abbreviate(c)
                    + "\" (X-Repo-Commit): refusing to use it as a folder name; check HF_ENDPOINT");
        }
        return c;
    }

    /** A file name from the repository listing or index: relative, no "..", no backslash, no control characters. */
    static String checkFileName(String f, String what) {
        boolean bad = f.isEmpty() || f.startsWith("/") || f.contains("\\") || f.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f);
        for (String part : f.split("/", -1)) bad |= part.isEmpty() || part.equals(".") || part.equals("..");
        if (bad) {
            throw new ModelLoadException("the server sent an unsafe name for " + what + ": \"" + abbreviate(f)
                    + "\"; refusing to write it");
        }
        return f;
    }

    /** {@code dir/name}, refused unless it stays inside {@code dir}. */
    private static Path inside(Path dir, String name, String what) {
        checkFileName(name, what);
        Path p = dir.resolve(name).normalize();
        if (!p.startsWith(dir.normalize()) || p.equals(dir.normalize())) {
            throw new ModelLoadException("the server sent an unsafe name for " + what + ": \"" + abbreviate(name) + "\"");
        }
        return p;
    }

    private static String abbreviate(String s) {
        String t = s.replaceAll("\\p{Cntrl}", "?");
        return t.length() > 80 ? t.substring(0, 80) + "..." : t;
    }

    /**
     * Fetches a weights file with {@link org.rome4j.fetch.HttpFetch}: a dropped connection is resumed with HTTP Range
     * (the file can be gigabytes), the server's length is checked, progress goes to stderr. False when it does not
     * exist and is optional.
     */
    private boolean fetchWeights(String id, String revision, String file, Path dest, boolean required,
                                 BiConsumer<String, Long> progress) throws IOException, InterruptedException {
        URI uri = URI.create(endpoint + "/" + id + "/resolve/" + revision + "/" + file);
        try {
            new org.rome4j.fetch.HttpFetch(System.err).headers(authHeader()).fetch(uri, dest, org.rome4j.fetch.HttpFetch.Expect.UNKNOWN);
        } catch (org.rome4j.fetch.DownloadException e) {
            if (e.status() == 404 && !required) return false;
            if (e.status() == 404) {
                throw new ModelLoadException(id + ": " + file + " not found at revision " + revision + " on " + endpoint + ": check the model id");
            }
            if (e.status() == 401 || e.status() == 403) {
                throw new ModelLoadException(id + " needs authorisation (HTTP " + e.status() + "): set HF_TOKEN");
            }
            throw new ModelLoadException("download of " + id + "/" + file + " failed: " + e.getMessage());
        }
        Files.deleteIfExists(org.rome4j.fetch.HttpFetch.shaFile(dest));    // the hub's cache layout has no sidecars
        progress.accept(file, Files.size(dest));
        return true;
    }

    /** Fetches one file; empty when it does not exist and is optional. Returns the commit the hub reports. */
    private Optional<String> fetch(String id, String revision, String file, Path dest, boolean required,
                                   BiConsumer<String, Long> progress) throws IOException, InterruptedException {
        URI uri = URI.create(endpoint + "/" + id + "/resolve/" + revision + "/" + file);
        HttpRequest.Builder req = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(60)).GET();
        String token = System.getenv("HF_TOKEN");
        if (token != null && !token.isBlank()) req.header("Authorization", "Bearer " + token);
        HttpResponse<InputStream> resp;
        try {
            resp = http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new ModelLoadException("cannot reach " + endpoint + " (" + e.getClass().getSimpleName()
                    + "): check the network, or set HF_ENDPOINT to a mirror");
        }
        if (resp.statusCode() == 404) {
            resp.body().close();
            if (required) {
                throw new ModelLoadException(id + ": " + file + " not found at revision " + revision + " on " + endpoint
                        + ": check the model id");
            }
            return Optional.empty();
        }
        if (resp.statusCode() == 401 || resp.statusCode() == 403) {
            resp.body().close();
            throw new ModelLoadException(id + " needs authorisation (HTTP " + resp.statusCode() + "): set HF_TOKEN");
        }
        if (resp.statusCode() / 100 != 2) {
            resp.body().close();
            throw new ModelLoadException("download of " + id + "/" + file + " failed with HTTP " + resp.statusCode());
        }
        Files.createDirectories(dest.getParent());
        Path part = dest.resolveSibling(dest.getFileName() + ".part");
        long total = 0;
        try (InputStream in = resp.body(); OutputStream out = Files.newOutputStream(part)) {
            byte[] buf = new byte[1 << 20];
            long lastReport = 0;
            for (int n; (n = in.read(buf)) > 0; ) {
                out.write(buf, 0, n);
                total += n;
                if (Thread.currentThread().isInterrupted()) throw new InterruptedException("download cancelled");
                if (total - lastReport >= (64L << 20)) {
                    progress.accept(file, total);
                    lastReport = total;
                }
            }
        }
        progress.accept(file, total);
        Files.move(part, dest, StandardCopyOption.REPLACE_EXISTING);
        return resp.headers().firstValue("X-Repo-Commit");
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        List<Path> all = new ArrayList<>();
        try (var s = Files.walk(p)) {
            s.forEach(all::add);
        }
        for (int i = all.size() - 1; i >= 0; i--) Files.deleteIfExists(all.get(i));
    }
}
