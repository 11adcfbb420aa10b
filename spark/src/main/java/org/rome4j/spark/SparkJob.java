package org.rome4j.spark;

import org.apache.spark.sql.SparkSession;

import java.io.PrintStream;

/** One job: the single-machine command's options (its own picocli declaration, {@link Args}) plus {@link SparkOptions}. */
interface SparkJob {
    /** The command name, as {@code ./rome4j} has it. */
    String name();

    /**
     * Checks what needs no Spark (files, values, the model path, the CLI's file rules) before a session starts, so bad
     * input fails in a second; answers a run whose results are all written already without starting Spark.
     *
     * @return true when it answered (nothing left to do)
     */
    default boolean check(Args a, PrintStream out, PrintStream err) throws Exception {
        return false;
    }

    /** Runs on a session ({@code argv}: the job options as given, for executors to parse again); returns the exit status. */
    int run(SparkSession spark, Args a, String[] argv, PrintStream out, PrintStream err) throws Exception;
}
