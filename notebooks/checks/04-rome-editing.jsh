// Run by environment/test-notebooks.sh as a last cell of the notebook, in its kernel, after the reader's cells:
// checks stay out of the tutorial, and still see its values.
// the edit raised its target, undo restored the prediction, and the comparison holds what each evaluation measured
if (!(edit.edit().post().targetProb() > 0.5 && edit.edit().pre().targetProb() < 0.01))
    throw new AssertionError("edit: p(optics) " + edit.edit().pre().targetProb() + " -> " + edit.edit().post().targetProb());
var now = NextTokens.of(Session.global().model(), "Elena Kai Costa works in the field of", 1);
if (!now.tokens().get(0).strip().equals("botany")) throw new AssertionError("undo did not restore botany: " + now.tokens());
for (var r : List.of(first, traced, late, last)) {
    if (r.cases() != 8) throw new AssertionError("expected 8 cases, got " + r.cases());
    if (r.metrics("pre").get("ES") != 0.0 || r.metrics("pre").get("NS") != 100.0) throw new AssertionError("pre: " + r.metrics("pre"));
}
// the layer after which nothing reads the subject's position cannot change the prediction
if (last.metrics("post").get("ES") != 0.0) throw new AssertionError("an edit at the last layer changed the prediction: " + last.metrics("post"));
"rome editing checks passed"
