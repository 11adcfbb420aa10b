package org.rome4j.spark;

import org.apache.spark.sql.SparkSession;

import java.io.PrintStream;
import java.util.Set;

/** One job: the single-machine command's options plus the common ones ({@link SparkMain#COMMON_VALUED}). */
interface SparkJob {
    /** The command name, as {@code ./rome4j} has it. */
    String name();

    /** One usage line. */
    String usage();

    /** Its own valued options (without the common ones). */
    Set<String> valued();

    /** Its own flags (besides {@code --json}). */
    default Set<String> flags() { return Set.of(); }

    /** Checks the options that need no Spark (file formats, values) before Spark starts: bad input fails in a second. */
    default void check(Args a) { }

    /** Runs on a session ({@code argv}: the job options as given, for executors to parse again); returns the exit status. */
    int run(SparkSession spark, Args a, String[] argv, PrintStream out, PrintStream err) throws Exception;
}
