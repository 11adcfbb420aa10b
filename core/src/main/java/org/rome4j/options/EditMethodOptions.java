package org.rome4j.options;

import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/** {@code edit --method M --requests F.json}: which editing method, and batches of requests from files. */
public final class EditMethodOptions {
    /** The methods {@code --method} takes. */
    public static final List<String> METHODS = List.of("rome", "r-rome", "memit", "alphaedit");

    @Option(names = "--method", paramLabel = "M", defaultValue = "rome",
            description = "rome (default), r-rome, memit or alphaedit; --hparams then takes that method's original JSON or preset")
    String method;

    @Option(names = "--requests", paramLabel = "F.json", description = "a batch: a JSON list of {prompt, subject, target_new: {str}} "
            + "objects or CounterFact records (instead of --prompt/--subject/--target); repeat for batches applied in sequence")
    List<Path> requests;

    /**
     * The method, checked.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public String method() {
        if (!METHODS.contains(method)) {
            throw new IllegalArgumentException("unknown --method " + method + ": use one of " + String.join(", ", METHODS));
        }
        return method;
    }

    /** The batch files, in order (empty when none). */
    public List<Path> requests() {
        return requests == null ? List.of() : List.copyOf(requests);
    }

    /** Whether the command runs in batch mode: a method other than ROME, or batch files. */
    public boolean batch() {
        return !requests().isEmpty() || !method().equals("rome");
    }
}
