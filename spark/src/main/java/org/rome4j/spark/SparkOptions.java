package org.rome4j.spark;

import picocli.CommandLine.Option;

/** The options a Spark job adds to its single-machine command's: where Spark runs, how the work is split, how often progress shows. */
public final class SparkOptions {
    @Option(names = "--master", paramLabel = "URL", defaultValue = "local[*]",
            description = "Spark's master: local[N], spark://host:7077, yarn, k8s://... (under spark-submit, the submit's master wins)")
    String master;

    @Option(names = "--partitions", paramLabel = "P", description = "tasks to split the work into (default: 4 per executor core "
            + "registered when the job starts, at most one per item)")
    Integer partitions;

    @Option(names = "--progress-seconds", paramLabel = "S", defaultValue = "10", description = "seconds between progress lines")
    double progressSeconds;
}
