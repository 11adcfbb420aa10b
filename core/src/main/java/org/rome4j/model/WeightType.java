package org.rome4j.model;

import java.util.Locale;

/**
 * The type weights are kept in memory: {@code f32}, {@code f16} or {@code bf16}. Half types halve the
 * memory; every layer still computes in float32 (each weight is widened exactly into the forward's
 * scope when it is used, and an edit is rounded back to the stored type).
 *
 * <p>BF16 is held as its 16-bit patterns in a FLOAT16 array (a container, never computed with), because
 * DJL 0.33 with libtorch 2.5.1 on CPU aborts the JVM ("terminate called without an active exception") on
 * any BFLOAT16 array (creating one from a buffer, converting float32 to it, reading it) and on INT16 and
 * UINT16 arrays too. FLOAT16 arrays work, so F16 is a real FLOAT16 array.
 */
public enum WeightType {
    /** float32 (half-precision files are widened as they load). */
    F32,
    /** IEEE half: FLOAT16 arrays, memory-mapped from F16 files. */
    F16,
    /** bfloat16: the bit patterns in FLOAT16 containers, memory-mapped from BF16 files. */
    BF16;

    /**
     * Parses {@code f32}, {@code bf16} or {@code f16} (also {@code float32}, {@code bfloat16}, {@code float16}).
     *
     * @throws IllegalArgumentException one line naming the choices
     */
    public static WeightType parse(String s) {
        switch (s.toLowerCase(Locale.ROOT)) {
            case "f32": case "float32": case "fp32": return F32;
            case "f16": case "float16": case "fp16": case "half": return F16;
            case "bf16": case "bfloat16": return BF16;
            default:
                throw new IllegalArgumentException("unknown dtype \"" + s + "\": use f32, bf16 or f16");
        }
    }

    /** The CLI spelling. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
