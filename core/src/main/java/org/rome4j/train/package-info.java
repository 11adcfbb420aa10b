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
 * nice -n 10 mvn -B -q -pl core compile exec:java -Dexec.mainClass=org.rome4j.train.TrainTinyFacts \
 *   -Dexec.args="--seed 1 --out core/src/main/resources/rome4j/models/tiny-facts"
 * </pre>
 * MEASURED_TIME
 *
 * <h2>Pieces</h2>
 * <ul>
 *   <li>{@link org.rome4j.train.FactData}: the facts, each relation's phrasings (the literal
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
