package org.rome4j.data;

import org.rome4j.model.Gpt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * The text an embedded model was trained on: the corpus for its key statistics C = E[kk^T] when none is given,
 * as Wikipedia is GPT-2's. One rule for the CLI ({@code edit}, {@code eval}) and the magics ({@code %rome_edit}).
 */
public final class TrainingCorpus {
    private TrainingCorpus() { }

    /**
     * The documents: the model folder's {@code corpus.txt} (one per line; {@code tiny-biographies} ships 1,000
     * biographies), else for {@code tiny-facts} the known_1000 sentences it was trained on; empty for other models.
     */
    public static Optional<List<String>> of(Gpt gpt) {
        try {
            Optional<Path> f = gpt.trainingCorpus();
            if (f.isPresent()) {
                List<String> docs = new ArrayList<>();
                for (Iterator<String> it = Corpus.of(List.of(f.get())).documents(); it.hasNext(); ) docs.add(it.next());
                return Optional.of(docs);
            }
            if (gpt.name().equals("tiny-facts")) return Optional.of(FactData.loadBundled().corpus());
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where the documents come from, for progress lines. */
    public static String describe(Gpt gpt) {
        return gpt.trainingCorpus().map(p -> gpt.name() + "'s corpus.txt").orElse(gpt.name() + "'s training sentences");
    }
}
