/**
 * Training the embedded default model {@code tiny-facts}: a 4-layer, 128-wide GPT-2 trained from
 * scratch, with rome4j's own model code and DJL autograd, on the 1,209 facts of ROME's
 * {@code known_1000.json} (bundled at {@code /rome4j/data/known_1000.json}).
 *
 * <h2>Retrain</h2>
 * From the repository root (seed 1 rewrites the shipped model folder; prints the accuracies):
 * <pre>
 * environment/train-tiny-facts.sh --seed 1 --out core/src/main/resources/rome4j/models/tiny-facts
 * </pre>
 * which runs
 * <pre>
 * nice -n 10 mvn -B -q -pl tools compile exec:java -Dexec.mainClass=org.rome4j.train.TrainTinyFacts \
 *   -Dexec.args="--seed 1 --out core/src/main/resources/rome4j/models/tiny-facts"
 * </pre>
 * Measured on this 2-core machine (shared with other builds, load average about 9, one intra-op
 * thread): 518 s of training, 534 s in all (about 9 minutes), for literal-prompt accuracy 0.9992
 * (1,208 of 1,209) and held-out-phrasing accuracy 0.493 (596 of 1,209). The record of the shipped
 * run, with its loss curve, is {@code tiny-facts/training.json}. A rerun of the same command under
 * heavier load took 833 s of training (869 s in all) and reached 0.9975 literal / 0.486 held-out:
 * training is seeded but not bitwise deterministic on this engine, so expect accuracies within a few
 * facts, not identical weights. A step whose gradient is not finite is skipped and counted
 * ({@code skipped_non_finite_steps}: 1 in the shipped run).
 *
 * <h2>tiny-biographies</h2>
 * A second model, trained to show the paper's finding (issue 18): made-up people with eight attributes
 * each ({@link org.rome4j.train.Biographies}), trained by {@link org.rome4j.train.TrainTinyBiographies}
 * and checked by {@link org.rome4j.train.CheckFinding} (average indirect effects by token role x layer
 * and the three criteria). One command retrains from the seed and checks, with nothing installed into
 * the local Maven repository:
 * <pre>
 * environment/train-tiny-biographies.sh --seed 1 --out /tmp/tiny-biographies
 * </pre>
 * {@code TinyBiographiesRecipeTest} trains a reduced recipe twice and checks that data and weights are
 * the same for the same seed.
 *
 * <h2>Pieces</h2>
 * <ul>
 *   <li>{@link org.rome4j.data.FactData}: the facts, each relation's phrasings (the literal
 *       template + continuation pairs of its prompts, plus three written ones) and one held-out
 *       phrasing per relation that is never trained.</li>
 *   <li>{@link org.rome4j.train.WordTokenizerBuilder}: a word-level HF {@code tokenizer.json} over
 *       GPT-2 byte-level pieces with a prefix space ({@code Ġword} everywhere, sentence-initial too);
 *       its decoder strips the added space, so decoding rebuilds a prompt exactly.</li>
 *   <li>{@link org.rome4j.train.Trainer}: AdamW written over NDArrays, loss on the tokens after the
 *       subject, gradients from DJL's {@code GradientCollector}.</li>
 *   <li>{@link org.rome4j.train.FactAccuracy}: the {@code facts} rule (greedy next token equals the
 *       first token of {@code " " + attribute}), batched.</li>
 *   <li>{@link org.rome4j.train.QuickTrace}: a small causal trace used to compare candidates.</li>
 * </ul>
 */
package org.rome4j.train;
