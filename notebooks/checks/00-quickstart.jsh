// Run by environment/test-notebooks.sh as a last cell of the notebook, in its kernel, after the reader's cells.
// checks: the lens' last layer is the model's own prediction, and the trace restores towards the clean run
if (!lens.lastTop(lens.layers() - 1).equals(next.tokens().get(0))) throw new AssertionError("logit lens disagrees with the model");
var r = trace.first();
if (!(r.highScore() >= r.lowScore())) throw new AssertionError("corrupted run scored above the clean run");
if (trace.results().size() != 3) throw new AssertionError("expected three kinds");
if (!(edit.edit().post().targetProb() > edit.edit().pre().targetProb())) throw new AssertionError("the edit did not raise p(target)");
if (!NextTokens.of(model, "Megan Rapinoe professionally plays the sport of", 1).tokens().equals(next.tokens().subList(0, 1)))
    throw new AssertionError("undo did not restore the prediction");
"quickstart checks passed"
