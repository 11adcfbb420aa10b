/** File formats: safetensors (memory-mapped reads, HF-compatible writes) and numpy .npy. */
package org.rome4j.io;
