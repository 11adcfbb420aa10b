/**
 * Causal tracing (Meng et al. 2022, §2): which hidden states carry a fact. {@link org.rome4j.trace.CausalTrace}
 * traces one prompt (Fig. 1) and the frozen-path variant (Fig. 3); {@link org.rome4j.trace.DatasetTrace}
 * averages over a known_1000-format file (Fig. 2); {@code org.rome4j.bench.TraceBenchmark} (tools module) compares our
 * batched schedule with the original's.
 */
package org.rome4j.trace;
