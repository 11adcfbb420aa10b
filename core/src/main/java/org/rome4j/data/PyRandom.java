package org.rome4j.data;

/**
 * Python's {@code random.Random(seed)} (MT19937, seeded by {@code init_by_array}) as far as
 * {@code shuffle} needs it, so a seeded sample picks the same items as the original code's
 * {@code FixedRandomSubsetSampler} ({@code random.Random(seed).shuffle(list(range(n)))}).
 */
final class PyRandom {
    private static final int N = 624;
    private static final int M = 397;
    private final int[] mt = new int[N];
    private int mti;

    /** {@code random.Random(seed)} for an integer seed (Python seeds with the 32-bit words of |seed|). */
    PyRandom(long seed) {
        long a = Math.abs(seed);
        int words = a == 0 ? 1 : (64 - Long.numberOfLeadingZeros(a) + 31) / 32;
        int[] key = new int[words];
        for (int i = 0; i < words; i++) key[i] = (int) (a >>> (32 * i));
        initByArray(key);
    }

    private void initGenrand(int s) {
        mt[0] = s;
        for (mti = 1; mti < N; mti++) mt[mti] = 1812433253 * (mt[mti - 1] ^ (mt[mti - 1] >>> 30)) + mti;
    }

    private void initByArray(int[] key) {
        initGenrand(19650218);
        int i = 1;
        int j = 0;
        for (int k = Math.max(N, key.length); k > 0; k--) {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >>> 30)) * 1664525)) + key[j] + j;   // uint32 arithmetic wraps like int
            i++;
            j++;
            if (i >= N) {
                mt[0] = mt[N - 1];
                i = 1;
            }
            if (j >= key.length) j = 0;
        }
        for (int k = N - 1; k > 0; k--) {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >>> 30)) * 1566083941)) - i;
            i++;
            if (i >= N) {
                mt[0] = mt[N - 1];
                i = 1;
            }
        }
        mt[0] = 0x80000000;
        mti = N;
    }

    /** {@code genrand_uint32}, as an unsigned value. */
    long nextUint32() {
        if (mti >= N) {
            for (int kk = 0; kk < N; kk++) {
                int y = (mt[kk] & 0x80000000) | (mt[(kk + 1) % N] & 0x7fffffff);
                mt[kk] = mt[(kk + M) % N] ^ (y >>> 1) ^ ((y & 1) != 0 ? 0x9908b0df : 0);
            }
            mti = 0;
        }
        int y = mt[mti++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y & 0xffffffffL;
    }

    /** {@code _randbelow(n)}: rejection sampling on {@code getrandbits(n.bit_length())}. */
    int randBelow(int n) {
        int k = 32 - Integer.numberOfLeadingZeros(n);
        long r = nextUint32() >>> (32 - k);
        while (r >= n) r = nextUint32() >>> (32 - k);
        return (int) r;
    }

    /** {@code shuffle(x)} in place. */
    void shuffle(int[] x) {
        for (int i = x.length - 1; i > 0; i--) {
            int j = randBelow(i + 1);
            int t = x[i];
            x[i] = x[j];
            x[j] = t;
        }
    }
}
