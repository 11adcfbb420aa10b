package org.rome4j.cli;

import org.rome4j.fetch.HttpFetch;
import org.rome4j.fetch.PaperData;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code download-data}: the original project's data sets (CounterFact, zsRE, known_1000, snippets, TF-IDF) into the data folder. */
final class DownloadDataCommand implements Command {
    /** The --endpoint help line both download commands share. */
    static final String ENDPOINT_HELP = "  --endpoint URL      the host (default " + PaperData.DEFAULT_ENDPOINT + ", the original's)\n";
    @Override
    public String name() { return "download-data"; }

    @Override
    public String usage() {
        return "download-data NAME... [--dir D] [--endpoint URL] [--json]   (NAME: " + PaperData.File.keys() + "; needs internet)";
    }

    @Override
    public String help() {
        return "  NAME...             one or more of " + PaperData.File.keys() + " (or all)\n"
                + "  --dir D             the data folder; files go to D/dsets/ (default " + PaperData.defaultDir()
                + ", where eval looks)\n"
                + ENDPOINT_HELP
                + "  an interrupted download resumes from NAME.part; a file appears only when complete and verified\n"
                + "  --json              print the saved paths as JSON on stdout";
    }

    @Override
    public int run(String[] argv, PrintStream out) throws Exception {
        Args a = Args.parse(name(), argv, Set.of("dir", "endpoint"), Set.of("json"), "the data set names");
        if (a.positional().isEmpty()) {
            throw new UsageException("download-data: name a data set: " + PaperData.File.keys() + " or all");
        }
        List<PaperData.File> files = new ArrayList<>();
        for (String n : a.positional()) {
            if (n.equals("all")) files.addAll(List.of(PaperData.File.values()));
            else {
                try {
                    files.add(PaperData.File.of(n));
                } catch (IllegalArgumentException e) {
                    throw new UsageException(e.getMessage());
                }
            }
        }
        Path dir = a.has("dir") ? Path.of(a.require("dir")) : PaperData.defaultDir();
        List<Path> saved = PaperData.download(files.stream().distinct().toList(), dir, a.get("endpoint", PaperData.DEFAULT_ENDPOINT),
                new HttpFetch(System.err), System.err);
        return printSaved(a, out, "dir", dir.toString(), saved);
    }

    /** The saved files: one path a line, or JSON {@code {key: value, "files": [...]}} with --json. */
    static int printSaved(Args a, PrintStream out, String key, String value, List<Path> saved) throws Exception {
        if (a.json()) {
            Json.print(out, Map.of(key, value, "files", saved.stream().map(Path::toString).toList()));
        } else {
            saved.forEach(out::println);
        }
        return 0;
    }
}
