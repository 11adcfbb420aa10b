package org.rome4j.trace;

import org.rome4j.io.Npy;
import org.rome4j.model.Gpt;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * How causal tracing corrupts the subject: {@code x = float32(float64(x) + scale * z)} on the token
 * embeddings ({@code embed} site, no position embeddings) of the subject's tokens, on every corrupted
 * row; with {@link #replacing()}, {@code x = float32(scale * z)}. One draw of z, shape [samples,
 * subject tokens, width], is shared by every restored cell of a trace (as in the original, which
 * re-creates {@code numpy.random.RandomState(1)} on each call).
 *
 * <p>Specs ({@link #parse}):
 * <ul>
 * <li>{@code 0.1}: a fixed scale, Gaussian z;</li>
 * <li>{@code s3} ({@code s<k>}): k × the standard deviation of subject-token embeddings over a subject
 *     set (default: the subjects of known_1000), see {@link EmbeddingStd}; the original's default;</li>
 * <li>{@code u3} ({@code u<x>}): scale x, z uniform in [−1, 1);</li>
 * <li>{@code t5} ({@code t<df>}, df &gt; 2): z Student-t with df degrees of freedom, normalised to unit
 *     variance, scale = 1 × the embedding std. The original's {@code t<df>} multiplies a multivariate
 *     Gaussian fitted to the embeddings by the same per-token χ² factor; we use the isotropic std.</li>
 * </ul>
 * z comes from a seeded {@link Random} (seed 1 unless {@link #withSeed}) or from the caller
 * ({@link #withDraws}, e.g. the golden's {@code *_noise_randn_f64.npy}) for reproducibility across
 * implementations. Immutable.
 */
public final class Noise {
    /** The distribution of z. */
    public enum Distribution { GAUSSIAN, UNIFORM, STUDENT_T }

    private final String spec;
    private final double scale;        // fixed scale, or the factor k of s<k>
    private final boolean relative;    // scale is k × embedding std
    private final Distribution dist;
    private final double df;
    private final boolean replace;
    private final long seed;
    private final long[] drawShape;    // caller-supplied z, or null
    private final double[] draws;

    private Noise(String spec, double scale, boolean relative, Distribution dist, double df, boolean replace, long seed,
                  long[] drawShape, double[] draws) {
        this.spec = spec;
        this.scale = scale;
        this.relative = relative;
        this.dist = dist;
        this.df = df;
        this.replace = replace;
        this.seed = seed;
        this.drawShape = drawShape;
        this.draws = draws;
    }

    /** The original's default: 3 × the embedding std of the known_1000 subjects. */
    public static Noise defaults() {
        return parse("s3");
    }

    /** A fixed scale with Gaussian z. */
    public static Noise fixed(double scale) {
        if (!(scale >= 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("noise scale must be a finite number >= 0, got " + scale);
        }
        return new Noise(Double.toString(scale), scale, false, Distribution.GAUSSIAN, 0, false, 1, null, null);
    }

    /**
     * Parses a spec: {@code 0.1}, {@code s3}, {@code u3}, {@code t5}.
     *
     * @throws IllegalArgumentException naming the accepted forms
     */
    public static Noise parse(String spec) {
        String s = spec == null ? "" : spec.trim().toLowerCase(Locale.ROOT);
        try {
            if (s.startsWith("s")) {
                double k = s.length() > 1 ? Double.parseDouble(s.substring(1)) : 1.0;
                check(k, spec);
                return new Noise(s, k, true, Distribution.GAUSSIAN, 0, false, 1, null, null);
            }
            if (s.startsWith("u")) {
                double x = Double.parseDouble(s.substring(1));
                check(x, spec);
                return new Noise(s, x, false, Distribution.UNIFORM, 0, false, 1, null, null);
            }
            if (s.startsWith("t")) {
                double d = Double.parseDouble(s.substring(1));
                if (!(d > 2) || Double.isInfinite(d) || d != Math.rint(d)) {
                    throw new IllegalArgumentException("noise " + spec + ": Student-t needs an integer df > 2 (e.g. t5)");
                }
                return new Noise(s, 1.0, true, Distribution.STUDENT_T, d, false, 1, null, null);
            }
            double v = Double.parseDouble(s);
            check(v, spec);
            return new Noise(s, v, false, Distribution.GAUSSIAN, 0, false, 1, null, null);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad noise \"" + spec + "\": use a number (0.1), s<k> (s3: k × embedding std), "
                    + "u<x> (uniform, scale x) or t<df> (Student-t)");
        }
    }

    private static void check(double v, String spec) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException("noise " + spec + ": the scale must be a finite number >= 0");
        }
    }

    /** The same noise replacing the embeddings instead of adding to them (the original's {@code replace=True}). */
    public Noise replacing() {
        return new Noise(spec, scale, relative, dist, df, true, seed, drawShape, draws);
    }

    /** The same noise drawn from another seed. */
    public Noise withSeed(long newSeed) {
        return new Noise(spec, scale, relative, dist, df, replace, newSeed, drawShape, draws);
    }

    /**
     * The same scale with caller-supplied draws z of shape [samples, subject tokens, width] (row-major),
     * e.g. standard-normal draws exported from the original code.
     */
    public Noise withDraws(long[] shape, double[] z) {
        if (shape.length != 3 || shape[0] * shape[1] * shape[2] != z.length) {
            throw new IllegalArgumentException("noise draws must have shape [samples, subject tokens, width], got "
                    + Arrays.toString(shape) + " with " + z.length + " values");
        }
        return new Noise(spec, scale, relative, dist, df, replace, seed, shape.clone(), z.clone());
    }

    /** {@link #withDraws} from a .npy file (float32 or float64). */
    public Noise withDrawsFile(Path npy) throws IOException {
        Npy.Array a = Npy.read(npy);
        if (a.shape().length != 3) {
            throw new IllegalArgumentException("noise file " + npy.getFileName() + " has shape " + Arrays.toString(a.shape())
                    + "; expected [samples, subject tokens, width] standard-normal draws");
        }
        return withDraws(a.shape(), a.data());
    }

    /** The spec as given ({@code s3}, {@code 0.1}, ...). */
    public String spec() { return spec; }

    /** Whether the scale is relative to the embedding std ({@code s<k>}, {@code t<df>}). */
    public boolean relative() { return relative; }

    /** The fixed scale, or the factor k of {@code s<k>}. */
    public double factor() { return scale; }

    /** The distribution of z. */
    public Distribution distribution() { return dist; }

    /** Whether the noise replaces the embeddings. */
    public boolean replace() { return replace; }

    /** Whether z was supplied by the caller. */
    public boolean suppliedDraws() { return draws != null; }

    /** The absolute scale for a model ({@code s<k>}: k × {@link EmbeddingStd#knownSubjects}). */
    public double scaleFor(Gpt gpt) {
        return relative ? scale * EmbeddingStd.knownSubjects(gpt) : scale;
    }

    /** The absolute scale given an embedding std computed elsewhere. */
    public double scaleFor(double embeddingStd) {
        return relative ? scale * embeddingStd : scale;
    }

    /**
     * z of shape [samples, tokens, width], row-major: the supplied draws (checked against the shape),
     * or fresh draws from the seed.
     *
     * @throws IllegalArgumentException if supplied draws have another shape
     */
    public double[] draw(int samples, int tokens, int width) {
        if (draws != null) {
            long[] want = {samples, tokens, width};
            if (!Arrays.equals(want, drawShape)) {
                throw new IllegalArgumentException("noise file has shape " + Arrays.toString(drawShape) + " but this trace needs "
                        + Arrays.toString(want) + " ([samples, subject tokens, width]); export draws for this prompt, or set samples to "
                        + drawShape[0]);
            }
            return draws.clone();
        }
        Random rng = new Random(seed);
        double[] z = new double[samples * tokens * width];
        switch (dist) {
            case GAUSSIAN -> {
                for (int i = 0; i < z.length; i++) z[i] = rng.nextGaussian();
            }
            case UNIFORM -> {
                for (int i = 0; i < z.length; i++) z[i] = 2 * rng.nextDouble() - 1;
            }
            case STUDENT_T -> {
                // z = g * sqrt((df - 2) / u), u ~ chi2(df), one u per (sample, token): unit variance
                for (int i = 0; i < z.length; i++) z[i] = rng.nextGaussian();
                int d = (int) df;
                for (int c = 0; c < samples * tokens; c++) {
                    double u = 0;
                    for (int k = 0; k < d; k++) {
                        double g = rng.nextGaussian();
                        u += g * g;
                    }
                    double f = Math.sqrt((df - 2) / u);
                    for (int k = 0; k < width; k++) z[c * width + k] *= f;
                }
            }
            default -> throw new IllegalStateException();
        }
        return z;
    }

    /** A one-line description, e.g. {@code s3 (3 × embedding std), added}. */
    public String describe() {
        String what = switch (dist) {
            case GAUSSIAN -> relative ? factorText() + " × embedding std, Gaussian" : "scale " + scale + ", Gaussian";
            case UNIFORM -> "scale " + scale + ", uniform [-1, 1)";
            case STUDENT_T -> "embedding std, Student-t df " + (int) df;
        };
        return spec + " (" + what + (draws != null ? ", supplied draws" : ", seed " + seed) + (replace ? ", replaced)" : ", added)");
    }

    private String factorText() {
        return scale == Math.rint(scale) ? Long.toString((long) scale) : Double.toString(scale);
    }

    /** Subjects list helper for messages. */
    static String preview(List<String> xs) {
        return xs.size() <= 3 ? xs.toString() : xs.subList(0, 3) + " and " + (xs.size() - 3) + " more";
    }

    @Override
    public String toString() {
        return describe();
    }
}
