package org.rome4j.spark;

import org.apache.spark.sql.SparkSession;
import org.rome4j.cli.UsageException;
import org.rome4j.model.Djl;
import org.rome4j.model.ModelLoadException;

import org.rome4j.model.Devices;
import org.rome4j.model.Models;
import org.rome4j.options.DeviceOption;
import org.rome4j.model.WeightType;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * {@code rome4j-spark <job> [--master URL] [options]}: rome4j's long jobs on Spark, with the options
 * of the single-machine commands plus {@code --master} (default {@code local[*]}; ignored under
 * {@code spark-submit}, which sets the master), {@code --partitions}, {@code --progress-seconds},
 * {@code --dtype} and {@code --device}. The main class of {@code spark/target/rome4j-spark.jar}.
 */
public final class SparkMain {
    static final List<SparkJob> JOBS = List.of(new TraceDatasetJob(), new EvalJob(), new StatsJob());
    static final String COMMON_USAGE = "[--master local[N]|URL] [--partitions P] [--progress-seconds S]";

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
            out.println("usage: rome4j-spark <job> [options]   (rome4j-spark <job> --help lists a job's options)\njobs:");
            for (SparkJob j : JOBS) out.println("  " + j.name() + ": the options of rome4j " + j.name() + ", plus " + COMMON_USAGE);
            return argv.length == 0 ? 2 : 0;
        }
        SparkJob job = JOBS.stream().filter(j -> j.name().equals(argv[0])).findFirst().orElse(null);
        if (job == null) {
            err.println("rome4j-spark: unknown job " + argv[0] + "; jobs are "
                    + String.join(", ", JOBS.stream().map(SparkJob::name).toList()));
            return 2;
        }
        String[] rest = Arrays.copyOfRange(argv, 1, argv.length);
        SparkSession spark = null;
        try {
            Args a = Args.parse(job.name(), rest);
            if (a.help()) {
                a.usage(out);
                return 0;
            }
            // everything that needs no Spark is checked (and a finished run answered) before a session starts
            if (job.check(a, out, err)) return 0;
            long t0 = System.nanoTime();
            spark = given != null ? given : session(a.master(), "rome4j " + job.name());
            if (given == null) err.printf(java.util.Locale.ROOT, "[rome4j-spark] Spark %s started in %.1f s (%s)%n", spark.version(),
                    (System.nanoTime() - t0) / 1e9, spark.sparkContext().master());
            Executors.awaitCores(spark);      // a cluster's executors registered (or one line saying none could start)
            return job.run(spark, a, rest, out, err);
        } catch (UsageException | ModelLoadException | IllegalArgumentException e) {
            err.println("rome4j-spark " + job.name() + ": " + withoutJob(job.name(), firstLine(e.getMessage())));
            return 2;
        } catch (Exception e) {
            err.println("rome4j-spark " + job.name() + ": " + Failures.oneLine(e, spark == null ? null : spark.sparkContext()));
            return 1;
        } finally {
            if (given == null && spark != null) spark.stop();
        }
    }

    private static String withoutJob(String job, String m) {
        while (m.startsWith(job + ": ")) m = m.substring(job.length() + 2);
        return m;
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

    /**
     * The model as executors will load it: a folder given by a relative path is made absolute here (each executor
     * would resolve it against its own work folder) and must exist on the driver; a hub id is resolved by each executor.
     */
    static ExecutorModels.Key modelKey(Args a) {
        String m = a.value("model");
        if (!Models.EMBEDDED.contains(m)) {
            Path p = Path.of(m.startsWith("~/") ? System.getProperty("user.home") + m.substring(1) : m);
            if (Files.isDirectory(p)) {
                m = p.toAbsolutePath().normalize().toString();
            } else {
                Models.resolve(m);     // a path that is not there, or a hub id missing from the HF cache: one line, before Spark starts
            }
        }
        return new ExecutorModels.Key(m, a.<WeightType>value("dtype").label(), Devices.name(a.group(DeviceOption.class).device()));
    }

    /**
     * --partitions, else 4 per executor core (small tasks: progress, resume and balance), at most one per item. The cores
     * are counted once the executors have registered ({@link Executors#awaitCores}), not at start, when a cluster has none yet.
     */
    static int partitions(Args a, SparkSession spark, int items) {
        Integer given = a.partitions();
        int p = given != null ? given : 4 * Executors.awaitCores(spark);
        return Math.max(1, Math.min(p, items));
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }
}
