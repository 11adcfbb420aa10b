package org.rome4j.spark;

import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One local Spark for every test of the module (starting Spark costs seconds): two worker threads,
 * and a task may fail once before its job fails ({@code local[2,2]}; plain {@code local[2]} never retries).
 */
final class LocalSpark {
    static final String MASTER = "local[2,2]";
    private static SparkSession spark;
    /** Tasks that ended in failure, over the whole run. */
    static final AtomicInteger FAILED_TASKS = new AtomicInteger();

    private LocalSpark() { }

    static synchronized SparkSession get() {
        if (spark == null) {
            spark = SparkMain.session(MASTER, "rome4j tests");
            spark.sparkContext().setLogLevel("ERROR");
            spark.sparkContext().addSparkListener(new SparkListener() {
                @Override
                public void onTaskEnd(SparkListenerTaskEnd e) {
                    if (!e.taskInfo().successful()) FAILED_TASKS.incrementAndGet();
                }
            });
        }
        return spark;
    }

    /** Whether more tasks than {@code before} have failed (listener events arrive asynchronously: waits up to 10 s). */
    static boolean failedTasksAbove(int before) throws InterruptedException {
        for (int i = 0; i < 100 && FAILED_TASKS.get() <= before; i++) Thread.sleep(100);
        return FAILED_TASKS.get() > before;
    }

    /** The reference data folder, as core's tests find it; the test is skipped, in one line naming it, when it is missing. */
    static Path shared() {
        return org.rome4j.Shared.root();
    }

    /** A job's exit status, stdout and stderr. */
    record Run(int status, String out, String err) { }

    static Run run(String... argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = SparkMain.run(get(), argv, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The single-machine CLI, in this JVM. */
    static Run cli(String... argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = org.rome4j.cli.Main.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
