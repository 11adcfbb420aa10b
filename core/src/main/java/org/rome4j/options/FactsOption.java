package org.rome4j.options;

import org.rome4j.data.KnownFact;
import org.rome4j.data.KnownFacts;
import org.rome4j.model.Gpt;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code --facts}: a file of known facts ({@code facts}, {@code trace-dataset}). Without it, the facts the model was
 * trained to know: its folder's {@code facts.json} where it ships one, else the bundled known_1000.
 */
public final class FactsOption {
    @Option(names = "--facts", paramLabel = "FILE",
            description = "facts in known_1000.json format: a JSON list of {\"subject\", \"attribute\", \"prompt\", ...} "
                    + "(default: the model's own facts.json where its folder has one, as tiny-biographies does; else the bundled known_1000)")
    Path facts;

    /** The file, or null when none was given. */
    public Path path() {
        return facts;
    }

    /** The given file's facts, read now so a bad file is refused before any model loads; null when none was given. */
    public List<KnownFact> readGiven() throws IOException {
        return facts == null ? null : KnownFacts.read(facts);
    }

    /** {@code given} when a file was given, else the model's own facts, else the bundled known_1000. */
    public static List<KnownFact> orModels(List<KnownFact> given, Gpt gpt) throws IOException {
        if (given != null) return given;
        Optional<Path> own = gpt.knownFacts();
        return own.isPresent() ? KnownFacts.read(own.get()) : KnownFacts.bundled();
    }
}
