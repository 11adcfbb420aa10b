package org.rome4j.spark;

import org.apache.spark.TaskContext;
import org.apache.spark.sql.RuntimeConfig;
import org.apache.spark.sql.SparkSession;

import java.io.Serializable;

/**
 * Failure injection for tests, from the session's settings (set at run time with {@code spark.conf().set}): {@code spark.rome4j.test.failOnce=true} makes the
 * first attempt of partition 0 throw (Spark retries it); {@code spark.rome4j.test.failFromPartition=K}
 * makes every partition from K on throw (the job fails after the others are written, for resume tests).
 */
record TestHooks(boolean failOnce, int failFromPartition) implements Serializable {
    static TestHooks from(SparkSession spark) {
        RuntimeConfig conf = spark.conf();
        return new TestHooks(Boolean.parseBoolean(conf.get("spark.rome4j.test.failOnce", "false")),
                Integer.parseInt(conf.get("spark.rome4j.test.failFromPartition", "-1")));
    }

    /** Called by a task before its first item. */
    void check() {
        TaskContext ctx = TaskContext.get();
        if (ctx == null) return;
        if (failOnce && ctx.partitionId() == 0 && ctx.attemptNumber() == 0) {
            throw new IllegalStateException("test hook: the first attempt of partition 0 fails");
        }
        if (failFromPartition >= 0 && ctx.partitionId() >= failFromPartition) {
            throw new IllegalStateException("test hook: partition " + ctx.partitionId() + " fails");
        }
    }
}
