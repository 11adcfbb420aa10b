package org.rome4j.rome;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.rome4j.model.Djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The collector's blocked Σ kᵀk ({@link SecondMoment}) against the original's one full product per batch. */
class KeyStatsSecondMomentTest {
    @Test
    void upperBlocksGiveTheFullProductAndResumeExactly() {
        Djl.init();
        int f = 250;             // blocks of 64: three full and a ragged one, so every block shape occurs
        try (NDManager m = NDManager.newBaseManager()) {
            for (DataType dt : new DataType[] {DataType.FLOAT64, DataType.FLOAT32}) {
                SecondMoment blocked = new SecondMoment(m, f, dt, null, 64);
                NDArray full = m.zeros(new Shape(f, f), dt);
                m.getEngine().setRandomSeed(7);
                for (int n : new int[] {300, 17, 1}) {
                    NDArray k = m.randomNormal(new Shape(n, f)).toType(dt, false);
                    blocked.add(k);
                    full.addi(k.transpose().matMul(k));
                }
                double[] want = full.toType(DataType.FLOAT64, false).toDoubleArray();
                double[] got = blocked.sum();
                // float64: the same dot products summed in another tile order, ~1e-16 relative; float32: ~1e-7
                // relative per product (317 keys of unit variance: entries up to ~400), so 1e-3 absolute
                double tol = dt == DataType.FLOAT64 ? 1e-10 : 1e-3;
                assertArrayEquals(want, got, tol, dt.toString());
                for (int i = 0; i < f; i++) {
                    for (int j = 0; j < i; j++) assertEquals(got[i * f + j], got[j * f + i], 0.0, "symmetric at " + i + "," + j);
                }
                // a checkpoint's sum continues to the same bits as an uninterrupted run
                SecondMoment resumed = new SecondMoment(m, f, dt, got, 64);
                assertArrayEquals(got, resumed.sum(), 0.0, "restored as saved");
                NDArray more = m.randomNormal(new Shape(40, f)).toType(dt, false);
                blocked.add(more);
                resumed.add(more);
                assertArrayEquals(blocked.sum(), resumed.sum(), 0.0, "resumed bit for bit");
                assertTrue(got[0] > 0, "a sum of squares");
            }
        }
    }
}
