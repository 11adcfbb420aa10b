package org.rome4j;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the read-only reference data lives: the {@code shared/} folder beside the checkout. A test that
 * needs it is skipped, in one line saying where to put it, when it is missing ({@code .ci/run} says so loudly).
 */
public final class Shared {
    private Shared() { }

    private static volatile boolean told;

    /** The shared folder ({@code -Drome4j.shared}, else {@code ../shared}). */
    public static Path root() {
        String prop = System.getProperty("rome4j.shared");
        Path p = prop != null ? Path.of(prop) : Path.of("..", "shared");
        if (prop == null && !Files.isDirectory(p)) {
            p = Path.of("..", "..", "shared");     // a module's folder; a folder given is taken as it is
        }
        if (!Files.isDirectory(p)) {
            String why = "skipped: reference data (golden/, data/) not found at " + p.toAbsolutePath().normalize()
                    + ": put the shared folder at ../shared beside the checkout or pass -Drome4j.shared=DIR";
            if (!told) System.err.println("rome4j tests: " + why + " (the parity tests that need it are skipped)");
            told = true;       // once per test JVM on the console; every skipped test carries it in its report
            Assumptions.abort(why);
        }
        return p.normalize();
    }

    /** The tiny GPT-2 golden folder. */
    public static Path tinyGpt2() {
        return root().resolve("golden/tiny-gpt2");
    }

    /** A tiny checkpoint of another family with its goldens: gptj, gpt_neox or llama. */
    public static Path arch(String family) {
        return root().resolve("golden/arch").resolve(family);
    }

    /** known_1000.json. */
    public static Path known1000() {
        return root().resolve("data/rome/known_1000.json");
    }
}
