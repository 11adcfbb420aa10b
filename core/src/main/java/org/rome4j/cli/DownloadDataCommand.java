package org.rome4j.cli;

import org.rome4j.fetch.HttpFetch;
import org.rome4j.fetch.PaperData;
import org.rome4j.options.JsonOption;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code download-data}: the original project's data sets (CounterFact, zsRE, known_1000, snippets, TF-IDF) into the data folder. */
@picocli.CommandLine.Command(name = "download-data", description = "Fetch the original project's data sets into the data "
        + "folder's dsets/, where eval looks (needs internet). An interrupted download resumes from NAME.part; a file "
        + "appears only when complete and verified.")
final class DownloadDataCommand implements Command {
    @Parameters(paramLabel = "NAME", arity = "1..*", description = "one or more of counterfact, zsre, known_1000, "
            + "attribute_snippets, idf, tfidf_vocab, or all")
    List<String> names;

    @Option(names = "--dir", paramLabel = "D", description = "the data folder; files go to D/dsets/ (default: $ROME4J_DATA, "
            + "else $ROME4J_CACHE/data, else ~/.cache/rome4j/data)")
    Path dir;

    @Mixin
    EndpointOption endpoint;

    @Mixin
    JsonOption json;

    @Override
    public int run(PrintStream out) throws Exception {
        List<PaperData.File> files = new ArrayList<>();
        for (String n : names) {
            if (n.equals("all")) {
                files.addAll(List.of(PaperData.File.values()));
            } else {
                try {
                    files.add(PaperData.File.of(n));
                } catch (IllegalArgumentException e) {
                    throw new UsageException(e.getMessage());
                }
            }
        }
        Path d = dir != null ? dir : PaperData.defaultDir();
        List<Path> saved = PaperData.download(files.stream().distinct().toList(), d, endpoint.url(), new HttpFetch(System.err), System.err);
        return printSaved(json, out, "dir", d.toString(), saved);
    }

    /** The saved files: one path a line, or JSON {@code {key: value, "files": [...]}} with --json. */
    static int printSaved(JsonOption json, PrintStream out, String key, String value, List<Path> saved) throws Exception {
        if (json.json()) {
            Json.print(out, Map.of(key, value, "files", saved.stream().map(Path::toString).toList()));
        } else {
            saved.forEach(out::println);
        }
        return 0;
    }

    /** {@code --endpoint}: the host both download commands fetch from. */
    static final class EndpointOption {
        @Option(names = "--endpoint", paramLabel = "URL", defaultValue = PaperData.DEFAULT_ENDPOINT,
                description = "the host the original code fetches from")
        String url;

        String url() {
            return url;
        }
    }
}
