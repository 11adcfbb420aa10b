// Run by environment/test-notebooks.sh as a last cell of the notebook, in its kernel, after the reader's cells:
// checks stay out of the tutorial, and still see its values.
// checks
if (!found.keySet().equals(Set.of("gptj", "gpt_neox", "llama"))) throw new AssertionError("families run: " + found.keySet());
for (var e : found.entrySet()) {
    double[] x = e.getValue();
    if (x[0] != 1) throw new AssertionError(e.getKey() + ": a trace score outside [0, 1]");
    if (!(x[1] < 1e-4)) throw new AssertionError(e.getKey() + ": the weight change is not rank one: " + x[1]);
    if (x[2] != 0) throw new AssertionError(e.getKey() + ": the edit changed " + (int) x[2] + " other weights");
    if (!undone.get(e.getKey())) throw new AssertionError(e.getKey() + ": undo did not restore the weights");
}
if (!(bf16Err <= 1e-4)) throw new AssertionError("bf16 logits off by " + bf16Err);
"model family checks passed"
