package org.rome4j.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rome4j.rome.KeyStats;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The three jobs on a real standalone cluster, as docs/cluster.md runs one without a Spark installation: a master and
 * two workers (one core, 1 GB each) as separate JVMs from the Maven class path, jobs submitted through SparkSubmit in
 * client mode, executors launched by the workers. Each job's numbers are compared with the single-machine command run
 * with the executors' thread count (OMP_NUM_THREADS=1, what Spark gives a one-core executor); one executor is killed
 * (kill -9) in the middle of a job, which still finishes with the same numbers; a cluster whose executors cannot start
 * is answered in one line.
 */
class StandaloneClusterTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void jobsOnAStandaloneClusterMatchTheSingleMachine(@TempDir Path tmp) throws Exception {
        Path corpus = LocalSpark.shared().resolve("golden/tiny-gpt2/rome/corpus.txt");
        Cluster c = Cluster.start(tmp);
        try {
            // trace-dataset: the model's own facts
            String[] trace = {"trace-dataset", "--model", "tiny-facts", "--limit", "12", "--samples", "4", "--json", "--quiet"};
            Run single = c.cli(concat(trace, "--out", tmp.resolve("trace-single").toString()));
            Run cluster = c.submit(concat(trace, "--out", tmp.resolve("trace-cluster").toString()));
            assertEquals(0, cluster.status(), cluster.log());
            JsonNode want = JSON.readTree(tmp.resolve("trace-single/aggregate.json").toFile());
            TraceDatasetJobTest.assertClose(want, JSON.readTree(tmp.resolve("trace-cluster/aggregate.json").toFile()), 1e-6, "aggregate.json");
            assertEquals(Files.readString(tmp.resolve("trace-single/aggregate.json")).replaceAll("[-0-9.eE]+", "N"),
                    Files.readString(tmp.resolve("trace-cluster/aggregate.json")).replaceAll("[-0-9.eE]+", "N"), "the same keys in the same order");
            assertEquals(0, single.status(), single.log());

            // an executor killed in the middle of the same job: its tasks are redone elsewhere, the numbers are the same
            Path killed = tmp.resolve("trace-killed");
            Process p = c.submitAsync(concat(trace, "--out", killed.toString(), "--partitions", "12"));
            long victim = c.killAnExecutorOnceRowsAppear(killed.resolve("rows"), p);
            Run after = Cluster.finish(p);
            assertEquals(0, after.status(), after.log());
            assertTrue(victim > 0, "an executor was killed while the job ran");
            TraceDatasetJobTest.assertClose(want, JSON.readTree(killed.resolve("aggregate.json").toFile()), 1e-6, "aggregate.json after an executor was killed");
            long rows = LocalSpark.get().read().parquet(killed.resolve("rows").toString()).count();
            long distinct = LocalSpark.get().read().parquet(killed.resolve("rows").toString()).select("idx", "kind").distinct().count();
            assertTrue(rows >= distinct, "rows " + rows);

            // eval: known_1000 by default; a fresh statistics cache that both executors fill at once (one host)
            Path hp = EvalJobTest.shortPreset(tmp, 3, true);
            String[] eval = {"eval", "--model", "tiny-facts", "--limit", "4", "--gen-tokens", "5", "--hparams", hp.toString(), "--json"};
            Run es = c.cli(concat(eval, "--out", tmp.resolve("eval-single").toString(), "--stats-dir", tmp.resolve("stats-single").toString()));
            assertEquals(0, es.status(), es.log());
            Run ec = c.submit(concat(eval, "--out", tmp.resolve("eval-cluster").toString(), "--stats-dir", tmp.resolve("stats-cluster").toString(),
                    "--partitions", "4"));
            assertEquals(0, ec.status(), ec.log());
            assertTrue(!ec.log().contains("--overwrite"), "no executor trips over another's statistics file: " + ec.log());
            JsonNode a = JSON.readTree(lastJson(es.out()));
            JsonNode b = JSON.readTree(lastJson(ec.out()));
            assertEquals(a.get("cases"), b.get("cases"));
            TraceDatasetJobTest.assertClose(a.get("pre"), b.get("pre"), 1e-9, "pre");
            TraceDatasetJobTest.assertClose(a.get("post"), b.get("post"), 1e-9, "post");

            // stats: two corpus files, float64
            List<String> lines = Files.readAllLines(corpus);
            Path c1 = tmp.resolve("c1.txt");
            Path c2 = tmp.resolve("c2.txt");
            Files.write(c1, lines.subList(0, 100));
            Files.write(c2, lines.subList(100, lines.size()));
            String[] stats = {"stats", "--model", "tiny-facts", "--layer", "1", "--corpus", c1.toString(), c2.toString(), "--samples", "50",
                "--precision", "float64"};
            Run ss = c.cli(concat(stats, "--out", tmp.resolve("single.npz").toString()));
            assertEquals(0, ss.status(), ss.log());
            Run sc = c.submit(concat(stats, "--out", tmp.resolve("cluster.npz").toString()));
            assertEquals(0, sc.status(), sc.log());
            KeyStats x = KeyStats.read(tmp.resolve("single.npz"));
            KeyStats y = KeyStats.read(tmp.resolve("cluster.npz"));
            assertEquals(x.count(), y.count());
            double[] mx = x.moment();
            double[] my = y.moment();
            double scale = Arrays.stream(mx).map(Math::abs).max().orElse(1);
            for (int i = 0; i < mx.length; i++) assertEquals(mx[i], my[i], 1e-12 * scale, "C[" + i + "]");

            // executors that cannot start (more memory than a worker has): one line, not "SparkContext has been shutdown"
            Run none = c.submit(new String[] {"--conf", "spark.executor.memory=4g", "--conf", Executors.WAIT + "=15"},
                    concat(trace, "--out", tmp.resolve("never").toString()));
            assertEquals(1, none.status(), none.log());
            assertTrue(none.err().contains("no executor could start"), none.log());
        } finally {
            c.stop();
        }
    }

    private static String lastJson(String out) {
        int i = out.lastIndexOf("\n{");
        return i < 0 ? out : out.substring(i + 1);
    }

    private static String[] concat(String[] a, String... b) {
        return StatsJobTest.concat(a, b);
    }

    /** A process's exit status and output. */
    record Run(int status, String out, String err) {
        String log() {
            String[] e = err.split("\n");
            return out + "\n" + String.join("\n", Arrays.copyOfRange(e, Math.max(0, e.length - 40), e.length));
        }
    }

    /** A master and two workers, each a JVM of the Maven class path, with a Spark home that holds nothing but an empty jars/. */
    static final class Cluster {
        final Path dir;
        final String classPath = System.getProperty("java.class.path");
        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        final Path opens = Path.of(System.getProperty("user.dir"), "java17-opens.txt").toAbsolutePath();
        final List<Process> daemons = new ArrayList<>();
        final List<Process> workers = new ArrayList<>();
        String url;
        Path appJar;

        private Cluster(Path dir) {
            this.dir = dir;
        }

        static Cluster start(Path tmp) throws Exception {
            Cluster c = new Cluster(tmp.resolve("cluster"));
            Files.createDirectories(c.dir.resolve("spark-home/jars"));
            Files.createDirectories(c.dir.resolve("logs"));
            c.appJar = c.dir.resolve("app.jar");     // the jobs' classes reach executors on spark.executor.extraClassPath
            try (OutputStream o = Files.newOutputStream(c.appJar); JarOutputStream j = new JarOutputStream(o, new Manifest())) {
                j.flush();
            }
            int port = freePort();
            int ui = freePort();
            c.url = "spark://127.0.0.1:" + port;
            c.daemons.add(c.daemon("master", List.of("org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port",
                    Integer.toString(port), "--webui-port", Integer.toString(ui))));
            for (int i = 1; i <= 2; i++) {
                Process w = c.daemon("worker" + i, List.of("org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores", "1",
                        "--memory", "1g", "--webui-port", Integer.toString(freePort()), "--work-dir", c.dir.resolve("work" + i).toString(), c.url));
                c.daemons.add(w);
                c.workers.add(w);
            }
            c.awaitWorkers(ui, 2);
            return c;
        }

        private List<String> jvm(String heap) {
            return new ArrayList<>(List.of(java, heap, "@" + opens, "-Dai.djl.offline=true",
                    "-Dlog4j2.configurationFile=classpath:rome4j-spark-log4j2.properties", "-cp", classPath));
        }

        private Process daemon(String name, List<String> args) throws IOException {
            List<String> cmd = jvm("-Xmx256m");
            cmd.addAll(args);
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("logs/" + name + ".log").toFile());
            // the worker builds each executor's command from SPARK_HOME (jars/ may be empty: the classes come from
            // spark.executor.extraClassPath) and needs the Scala version it would otherwise find in a Spark build
            pb.environment().put("SPARK_HOME", dir.resolve("spark-home").toString());
            pb.environment().put("SPARK_SCALA_VERSION", "2.13");
            pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
            return pb.start();
        }

        private void awaitWorkers(int ui, int n) throws Exception {
            long end = System.currentTimeMillis() + 120_000;
            String last = "";
            while (System.currentTimeMillis() < end) {
                try {
                    JsonNode j = JSON.readTree(URI.create("http://127.0.0.1:" + ui + "/json/").toURL());
                    if (j.path("aliveworkers").asInt() >= n) return;
                    last = j.toString();
                } catch (IOException e) {
                    last = e.toString();
                }
                Thread.sleep(500);
            }
            throw new AssertionError("the workers did not register: " + last + "\n" + logs());
        }

        String logs() throws IOException {
            StringBuilder b = new StringBuilder();
            try (var s = Files.walk(dir)) {
                for (Path p : s.filter(f -> f.getFileName().toString().endsWith(".log") || f.getFileName().toString().equals("stderr")).toList()) {
                    List<String> l = Files.readAllLines(p, StandardCharsets.ISO_8859_1);
                    b.append("== ").append(p).append('\n').append(String.join("\n", l.subList(Math.max(0, l.size() - 15), l.size()))).append('\n');
                }
            }
            return b.toString();
        }

        /** The single-machine command in a JVM of its own, with the executors' thread count. */
        Run cli(String... args) throws Exception {
            List<String> cmd = jvm("-Xmx1g");
            cmd.add("org.rome4j.cli.Main");
            cmd.addAll(List.of(args));
            return finish(start(cmd));
        }

        Process submitAsync(String... args) throws Exception {
            return submitAsync(new String[0], args);
        }

        Process submitAsync(String[] conf, String... args) throws Exception {
            List<String> cmd = jvm("-Xmx1g");
            cmd.addAll(List.of("org.apache.spark.deploy.SparkSubmit", "--master", url, "--deploy-mode", "client",
                    "--class", SparkMain.class.getName(),
                    "--conf", "spark.executor.extraClassPath=" + classPath, "--conf", "spark.executor.memory=1g",
                    "--conf", "spark.executor.cores=1", "--conf", "spark.ui.enabled=false",
                    "--conf", "spark.executor.extraJavaOptions=-Dai.djl.offline=true -Dlog4j2.configurationFile=classpath:rome4j-spark-log4j2.properties"));
            cmd.addAll(List.of(conf));
            cmd.add(appJar.toString());
            cmd.addAll(List.of(args));
            return start(cmd);
        }

        Run submit(String... args) throws Exception {
            return finish(submitAsync(args));
        }

        Run submit(String[] conf, String... args) throws Exception {
            return finish(submitAsync(conf, args));
        }

        private Process start(List<String> cmd) throws IOException {
            ProcessBuilder pb = new ProcessBuilder(cmd);
            pb.environment().put("OMP_NUM_THREADS", "1");     // what Spark gives a one-core executor
            pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
            Path out = Files.createTempFile(dir, "out", ".txt");
            Path err = Files.createTempFile(dir, "err", ".txt");
            Process proc = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            OUTPUTS.put(proc, new Path[] {out, err});
            return proc;
        }

        static Run finish(Process p) throws Exception {
            if (!p.waitFor(8, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError("a job ran over 8 minutes");
            }
            return new Run(p.exitValue(), read(p, true), read(p, false));
        }

        private static final Map<Process, Path[]> OUTPUTS = new java.util.concurrent.ConcurrentHashMap<>();

        private static String read(Process p, boolean out) throws IOException {
            Path[] f = OUTPUTS.get(p);
            return f == null ? "" : Files.readString(f[out ? 0 : 1], StandardCharsets.UTF_8);
        }

        /** Kills (-9) one of the workers' executors once the job has written its first rows; its pid, or 0 when the job ended first. */
        long killAnExecutorOnceRowsAppear(Path rows, Process job) throws Exception {
            long end = System.currentTimeMillis() + 300_000;
            while (System.currentTimeMillis() < end && job.isAlive()) {
                boolean any = Files.isDirectory(rows);
                if (any) {
                    try (var s = Files.list(rows)) {
                        any = s.anyMatch(f -> f.getFileName().toString().endsWith(".parquet"));
                    }
                }
                if (any) {
                    for (Process w : workers) {
                        // a worker's children are its executors (Linux cuts their command line at 4 KB: no name to look for)
                        for (ProcessHandle e : w.toHandle().children().toList()) {
                            if (job.isAlive()) {
                                e.destroyForcibly();
                                return e.pid();
                            }
                        }
                    }
                }
                Thread.sleep(100);
            }
            return 0;
        }

        void stop() {
            for (Process p : daemons) {
                p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }

        private static int freePort() throws IOException {
            try (ServerSocket s = new ServerSocket(0)) {
                return s.getLocalPort();
            }
        }
    }
}
