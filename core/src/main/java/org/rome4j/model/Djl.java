package org.rome4j.model;

/** DJL set-up that must happen before any DJL engine class loads. */
public final class Djl {
    private Djl() { }

    /**
     * Runs DJL fully offline (no telemetry, no library download) unless the user set
     * {@code ai.djl.offline} explicitly. Idempotent.
     */
    public static void init() {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
    }
}
