package org.rome4j.magics;

import org.rome4j.magics.display.Bundles;
import org.rome4j.model.Gpt;
import org.rome4j.model.Models;

import java.util.concurrent.CancellationException;

/**
 * The state magics share in one kernel: the current model, where progress is shown, and how figures
 * are rendered. One per kernel ({@link #global()}); magics given a session never reach for globals.
 */
public final class Session implements AutoCloseable {
    private static final Session GLOBAL = new Session();

    private Gpt model;
    private String modelSource;
    private final Editing editing = new Editing();
    private Progress.Sink progressSink = (label, total) -> Progress.NONE;
    private final Bundles bundles = new Bundles();

    /** The kernel's session. */
    public static Session global() {
        return GLOBAL;
    }

    /**
     * The model {@code %load_model} uses without arguments: {@code -Drome4j.model}, else the
     * environment variable {@code ROME4J_MODEL}, else the embedded {@value Models#DEFAULT}.
     */
    public static String defaultModelName() {
        String p = System.getProperty("rome4j.model");
        if (p != null && !p.isBlank()) return p;
        String e = System.getenv("ROME4J_MODEL");
        if (e != null && !e.isBlank()) return e;
        return Models.DEFAULT;
    }

    /** The current model, loading the default one first if none is loaded. */
    public synchronized Gpt model() {
        if (model == null) {
            modelSource = defaultModelName();
            model = Models.load(modelSource);
        }
        return model;
    }

    /** Whether a model is loaded. */
    public synchronized boolean hasModel() {
        return model != null;
    }

    /** What the current model was loaded from (name or folder). */
    public synchronized String modelSource() {
        return modelSource == null ? model.name() : modelSource;
    }

    /** Edits and key statistics of the current model. */
    Editing editing() {
        return editing;
    }

    /** Makes {@code gpt}, loaded from {@code source}, the current model, closing the previous one. */
    public synchronized void setModel(Gpt gpt, String source) {
        setModel(gpt);
        modelSource = source;
    }

    /** Makes {@code gpt} the current model, closing the previous one. */
    public synchronized void setModel(Gpt gpt) {
        modelSource = null;
        if (model != null && model != gpt) {
            model.close();
        }
        model = gpt;
    }

    /** Where progress goes (the kernel sets an updatable display). */
    public synchronized void setProgressSink(Progress.Sink sink) {
        this.progressSink = sink == null ? (label, total) -> Progress.NONE : sink;
    }

    /** Starts a progress report. */
    public synchronized Progress progress(String label, long total) {
        return progressSink.start(label, total);
    }

    /** The MIME bundle renderer (remembers whether plotly.js was already sent). */
    public Bundles bundles() {
        return bundles;
    }

    /**
     * Stops long work when the user interrupted the cell.
     *
     * @throws CancellationException if the current thread was interrupted
     */
    public static void checkInterrupted() {
        if (Thread.interrupted()) {
            throw new CancellationException("interrupted");
        }
    }

    @Override
    public synchronized void close() {
        if (model != null) {
            model.close();
            model = null;
        }
    }
}
