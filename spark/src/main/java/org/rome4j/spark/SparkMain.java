package org.rome4j.spark;

import org.apache.spark.sql.SparkSession;
import org.rome4j.cli.UsageException;
import org.rome4j.model.Djl;
import org.rome4j.model.ModelLoadException;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code rome4j-spark <job> [--master URL] [options]}: rome4j's long jobs on Spark, with the options
 * of the single-machine commands plus {@code --master} (default {@code local[*]}; ignored under
 * {@code spark-submit}, which sets the master), {@code --partitions}, {@code --progress-seconds},
 * {@code --dtype} and {@code --device}. The main class of {@code spark/target/rome4j-spark.jar}.
 */
public final class SparkMain {
    static final List<SparkJob> JOBS = List.of(new TraceDatasetJob(), new EvalJob(), new StatsJob());
    static final Set<String> COMMON_VALUED = Set.of("master", "partitions", "progress-seconds", "dtype", "device");
    static final String COMMON_USAGE = "[--master local[N]|URL] [--partitions P] [--progress-seconds S] [--device cpu] [--json]";

    private SparkMain() { }

    /** Runs a job and exits with its status. */
    public static void main(String[] argv) {
        System.exit(run(argv, System.out, System.err));
    }

    /** Starts a session (unless spark-submit did), runs a job, stops the session. */
    public static int run(String[] argv, PrintStream out, PrintStream err) {
        return dispatch(argv, out, err, null);
    }

    /** Runs a job on a session the caller owns (tests start Spark once). */
    public static int run(SparkSession spark, String[] argv, PrintStream out, PrintStream err) {
        return dispatch(argv, out, err, spark);
    }

    private static int dispatch(String[] argv, PrintStream out, PrintStream err, SparkSession given) {
        Djl.init();
        if (argv.length == 0 || argv[0].equals("help") || argv[0].equals("--help")) {
            out.println("usage: rome4j-spark <job> [options]\njobs:");
            for (SparkJob j : JOBS) out.println("  " + j.usage());
            return argv.length == 0 ? 2 : 0;
        }
        SparkJob job = JOBS.stream().filter(j -> j.name().equals(argv[0])).findFirst().orElse(null);
        if (job == null) {
            err.println("rome4j-spark: unknown job " + argv[0] + "; jobs are "
                    + String.join(", ", JOBS.stream().map(SparkJob::name).toList()));
            return 2;
        }
        String[] rest = Arrays.copyOfRange(argv, 1, argv.length);
        if (Arrays.asList(rest).contains("--help")) {
            out.println("usage: rome4j-spark " + job.usage());
            return 0;
        }
        SparkSession spark = null;
        try {
            Set<String> valued = new HashSet<>(job.valued());
            valued.addAll(COMMON_VALUED);
            Set<String> flags = new HashSet<>(job.flags());
            flags.add("json");
            flags.add("quiet");
            Args a = Args.parse(job.name(), rest, valued, flags);
            job.check(a);
            long t0 = System.nanoTime();
            spark = given != null ? given : session(a.get("master", "local[*]"), "rome4j " + job.name());
            if (given == null) err.printf(java.util.Locale.ROOT, "[rome4j-spark] Spark %s started in %.1f s (%s)%n", spark.version(),
                    (System.nanoTime() - t0) / 1e9, spark.sparkContext().master());
            return job.run(spark, a, rest, out, err);
        } catch (UsageException | ModelLoadException | IllegalArgumentException e) {
            err.println("rome4j-spark " + job.name() + ": " + firstLine(e.getMessage()));
            return 2;
        } catch (Exception e) {
            Throwable root = e;
            while (root.getCause() != null) root = root.getCause();
            err.println("rome4j-spark " + job.name() + ": " + root.getClass().getSimpleName() + ": " + firstLine(root.getMessage()));
            return 1;
        } finally {
            if (given == null && spark != null) spark.stop();
        }
    }

    /**
     * A session: {@code master} unless spark-submit set one; the version-2 file committer, so each
     * finished task's rows are in place at once (resume after a stop); no UI progress bars on stderr.
     */
    static SparkSession session(String master, String app) {
        SparkSession.Builder b = SparkSession.builder().appName(app)
                .config("spark.hadoop.mapreduce.fileoutputcommitter.algorithm.version", "2")
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.sql.parquet.compression.codec", "snappy");
        if (System.getProperty("spark.master") == null) b.master(master);
        return b.getOrCreate();
    }

    static ExecutorModels.Key modelKey(Args a) {
        return new ExecutorModels.Key(a.get("model", org.rome4j.model.Models.DEFAULT), a.get("dtype", "float32"), a.get("device", "cpu"));
    }

    /** --partitions, else 4 per core Spark has (small tasks: progress, resume and balance), at most one per item. */
    static int partitions(Args a, SparkSession spark, int items) {
        int p = a.getInt("partitions", 4 * spark.sparkContext().defaultParallelism(), 1, 1_000_000);
        return Math.max(1, Math.min(p, items));
    }

    static double progressSeconds(Args a) {
        double s = Double.parseDouble(a.get("progress-seconds", "10"));
        if (!(s > 0)) throw new UsageException("--progress-seconds must be > 0, got " + s);
        return s;
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }
}
