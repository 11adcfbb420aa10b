package org.rome4j.spark;

import org.apache.spark.SparkContext;
import org.rome4j.io.Problems;

/** A failed job in one line: the root cause in the project's words, not Spark's wrapping of it. */
final class Failures {
    private Failures() { }

    static String oneLine(Throwable e, SparkContext sc) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String m = root.getMessage() == null ? "" : root.getMessage();
        if (m.contains("SparkContext has been shutdown") || m.contains("SparkContext was shut down")) {
            return "Spark stopped before the job finished" + (sc == null ? "" : " (" + sc.master() + ")") + ": its executors could not "
                    + "start or were all lost, or the master went away; read an executor's stderr in the worker's work folder "
                    + "(SPARK_WORKER_DIR/app-*/N/stderr, default SPARK_HOME/work); a rerun resumes";
        }
        return Problems.oneLine(root);
    }
}
