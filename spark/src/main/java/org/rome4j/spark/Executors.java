package org.rome4j.spark;

import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * The executors a job runs on. On a cluster they register some seconds after the session starts, so work is sized
 * when they are there (Spark's default parallelism is then their total cores), not from the count at start; when none
 * registers, the job stops with one line saying where to look instead of Spark's "SparkContext has been shutdown".
 */
final class Executors {
    /** How long to wait for a first executor (seconds): {@code spark.rome4j.executorWaitSeconds}, default 120. */
    static final String WAIT = "spark.rome4j.executorWaitSeconds";

    private Executors() { }

    /** The executor cores of the cluster, once its executors have registered and their number has settled for 2 s. */
    static int awaitCores(SparkSession spark) {
        SparkContext sc = spark.sparkContext();
        if (sc.isLocal()) return sc.defaultParallelism();
        long wait = (long) (Double.parseDouble(sc.getConf().get(WAIT, "120")) * 1000);
        long t0 = System.currentTimeMillis();
        int last = -1;
        long stableSince = t0;
        while (true) {
            if (sc.isStopped()) throw new IllegalStateException(noExecutors(sc, "the master gave up on this application"));
            int n = count(sc);
            long now = System.currentTimeMillis();
            if (n != last) {
                last = n;
                stableSince = now;
            }
            if (n > 0 && now - stableSince >= 2000) return sc.defaultParallelism();
            if (n == 0 && now - t0 > wait) throw new IllegalStateException(noExecutors(sc, "no executor registered in " + wait / 1000 + " s"));
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for executors");
            }
        }
    }

    /** Executors registered now (the driver is not one). */
    static int count(SparkContext sc) {
        return Math.max(0, sc.statusTracker().getExecutorInfos().length - 1);
    }

    /** The one line for a cluster whose executors never started. */
    static String noExecutors(SparkContext sc, String what) {
        return what + " (" + sc.master() + "): no executor could start. Check that the workers are up and have the memory and cores asked "
                + "(spark.executor.memory " + sc.getConf().get("spark.executor.memory", "1g") + ", spark.executor.cores), "
                + "and read an executor's stderr in the worker's work folder (SPARK_WORKER_DIR/app-*/N/stderr, default SPARK_HOME/work)";
    }
}
