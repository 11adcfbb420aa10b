package org.rome4j.options;

import picocli.CommandLine.Option;

/** {@code --help}: every command's and every magic's usage, options and defaults, printed from its declaration. */
public final class HelpOption {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
    boolean help;
}
