package org.rome4j.magics;

import org.rome4j.io.Outputs;
import org.rome4j.io.RunLock;
import org.rome4j.model.Gpt;
import org.rome4j.rome.KeyStats;
import org.rome4j.rome.Rome;
import org.rome4j.rome.RomeHparams;
import org.rome4j.data.TrainingCorpus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The editing state of a session: one {@link Rome} per current model (its undo stack) and the key
 * statistics computed so far, by layer. For the embedded tiny-facts model the statistics default to its
 * own training sentences; other models need {@code %stats --corpus FILE} or {@code --stats F.npz}.
 */
final class Editing {
    private Gpt model;
    private Rome rome;
    private RomeHparams hparams;
    private final Map<Integer, KeyStats> stats = new HashMap<>();

    /** The session's Rome for {@code gpt} with {@code hp}, built on first use. */
    synchronized Rome rome(Session session, Gpt gpt, RomeHparams hp) {
        forget(gpt);
        if (rome != null && !hp.toJson().equals(hparams.toJson())) {
            if (!rome.edits().isEmpty()) {
                throw new MagicException("%rome_edit: other hyper-parameters (layers " + hp.layers() + ") while edits made with "
                        + hparams.layers() + " are active; undo them first with %rome_undo --all");
            }
            rome = null;
        }
        if (rome == null) {
            hparams = hp;
            rome = Rome.builder(gpt).setHparams(hp).optMeasure(true).optStatsSource(layer -> stats(session, gpt, layer, hp)).build();
        }
        return rome;
    }

    /** The Rome of the current model, if edits were made on it. */
    synchronized Rome current(Gpt gpt) {
        return model == gpt ? rome : null;
    }

    /**
     * Key statistics of a layer: kept for the session, else read from the statistics cache ({@code $ROME4J_CACHE/stats},
     * the file {@code rome4j edit} uses for the embedded model), else collected from the model's own sentences and
     * written there.
     */
    synchronized KeyStats stats(Session session, Gpt gpt, int layer, RomeHparams hp) {
        forget(gpt);
        KeyStats s = stats.get(layer);
        if (s == null) {
            // only kept here: this runs inside Rome's own C⁻¹ lookup, which then inverts it
            s = cached(session, gpt, layer, hp);
            stats.put(layer, s);
        }
        return s;
    }

    /** Key statistics of a layer: kept for the session, else collected from the model's own sentences (no cache file). */
    synchronized KeyStats stats(Session session, Gpt gpt, int layer, long samples) {
        forget(gpt);
        return stats.computeIfAbsent(layer, l -> collectFrom(session, gpt, l, defaultCorpus(gpt), samples));
    }

    private static KeyStats cached(Session session, Gpt gpt, int layer, RomeHparams hp) {
        List<String> corpus = defaultCorpus(gpt);
        String module = hp.rewriteModuleTmp().replace("{}", Integer.toString(layer));   // named as rome4j edit names it
        Path f = KeyStats.cachePath(KeyStats.defaultCacheDir(), gpt.name(), hp.mom2Dataset(), module, hp.mom2Dtype(), hp.mom2NSamples());
        try (RunLock lock = RunLock.await(KeyStats.defaultCacheDir(), message -> { })) {
            if (Files.isRegularFile(f)) {
                try {
                    return KeyStats.read(f).checkWidth(gpt, f);
                } catch (IOException | RuntimeException damaged) {
                    // unreadable or another width: computed again and replaced below
                }
            }
            KeyStats s = collectFrom(session, gpt, layer, corpus, hp.mom2NSamples());
            Outputs.atomic(f, s::write);
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use the statistics cache " + f.getParent() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Collects statistics from {@code corpus} (as {@code %stats}) and makes later edits at the layer use
     * them; earlier edits keep their updates.
     */
    synchronized KeyStats collect(Session session, Gpt gpt, int layer, List<String> corpus, long samples) {
        forget(gpt);
        KeyStats s = collectFrom(session, gpt, layer, corpus != null ? corpus : defaultCorpus(gpt), samples);
        use(gpt, layer, s);
        return s;
    }

    private static KeyStats collectFrom(Session session, Gpt gpt, int layer, List<String> docs, long samples) {
        KeyStats.Collector c = KeyStats.collector(gpt, layer);
        if (samples > 0) c.optSamples(samples);
        long n = samples > 0 ? Math.min(samples, docs.size()) : docs.size();
        try (Progress p = session.progress("key statistics at layer " + layer, n)) {
            return c.optListener((done, total, message) -> {
                Session.checkInterrupted();
                p.update(done, message);
            }).collect(docs.iterator());
        }
    }

    /** Makes later edits at the layer use {@code s} (from {@code --stats F.npz} or {@code %stats}). */
    synchronized void use(Gpt gpt, int layer, KeyStats s) {
        forget(gpt);
        stats.put(layer, s);
        if (rome != null) rome.useStats(layer, s);
    }

    /** Drops what belongs to another model. */
    private void forget(Gpt gpt) {
        if (model != gpt) {
            model = gpt;
            rome = null;
            hparams = null;
            stats.clear();
        }
    }

    private static List<String> defaultCorpus(Gpt gpt) {
        return TrainingCorpus.of(gpt).orElseThrow(() -> new MagicException("no key statistics for " + gpt.name()
                + ": compute them with %stats --layer L --corpus FILE (text, one document per line), or pass --stats F.npz"));
    }
}
