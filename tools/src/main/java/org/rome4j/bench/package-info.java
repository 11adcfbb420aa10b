/** Benchmarks (commands, not tests) that print a ratio against a baseline measured in the same process. */
package org.rome4j.bench;
