/**
 * The rome4j Jupyter kernel: Java evaluated by JShell in this JVM (so cells, magics and results share
 * objects), rome4j's magics resolved in every cell, values rendered as MIME bundles, and the launcher
 * that installs the kernelspec or starts the kernel. The jjava-jupyter API (an alpha) is used only in
 * {@link org.rome4j.kernel.RomeKernel}, {@link org.rome4j.kernel.RomeExtension} and
 * {@link org.rome4j.kernel.Launcher}; JShell evaluation ({@link org.rome4j.kernel.Evaluator}) and magic
 * resolution ({@link org.rome4j.kernel.CellSource}) know nothing of it.
 */
package org.rome4j.kernel;
