package org.rome4j.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * One in-process CLI run for tests: exit status, stdout and stderr.
 *
 * @param status exit status
 * @param out    standard output
 * @param err    standard error
 */
record CliRun(int status, String out, String err) {

    /** Runs {@code rome4j argv...} without exiting the JVM. */
    static CliRun of(String... argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        // notes and progress go to System.err in commands: capture them too, as a terminal would show them
        PrintStream saved = System.err;
        System.setErr(errStream);
        int st;
        try {
            st = Main.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8), errStream);
        } finally {
            System.setErr(saved);
        }
        return new CliRun(st, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
