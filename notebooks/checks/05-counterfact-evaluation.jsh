// Run by environment/test-notebooks.sh as a last cell of the notebook, in its kernel, after the reader's cells:
// checks stay out of the tutorial, and still see its values.
// checks: 10 cases; scores are percentages; each case was undone (the model's weights are the original bytes);
// the rewrite prompt's p(true) before the edit is the model's own next-token probability (an independent forward)
if (cf.cases() != 10) throw new AssertionError("expected 10 cases, got " + cf.cases());
for (String phase : List.of("pre", "post")) for (String k : List.of("ES", "PS", "NS")) {
    double v = cf.metrics(phase).get(k);
    if (!(v >= 0 && v <= 100)) throw new AssertionError(phase + " " + k + " = " + v);
}
var active = %edits
if (!active.edits().isEmpty()) throw new AssertionError("edits left active: " + active.edits().size());
var after = NextTokens.of(model, "Catalonia belongs to the continent of", 5);
if (!after.equals(before)) throw new AssertionError("weights changed: " + after + " vs " + before);
var cases = cf.casesTable();
var rec = records.get(0);
var next = NextTokens.of(model, rec.request().text(), 1);
if (!next.tokens().get(0).strip().equals(rec.request().targetTrue())) throw new AssertionError("top token " + next.tokens());
double pTrue = cases.doubleColumn("p_true_pre").get(0);
if (Math.abs(pTrue - next.probs().get(0)) > 1e-4) throw new AssertionError("p(true) " + pTrue + " vs " + next.probs().get(0));
if (!(cf.metrics("post").get("EM") > cf.metrics("pre").get("EM"))) throw new AssertionError("edits did not raise p(new) on average");
if (!(cf.metrics("pre").get("NS") > 50)) throw new AssertionError("the model should prefer true objects on neighbors");
// the finding above: the last token is more effective and less specific than the subject's last token
var last = byToken.get("last").metrics("post");
var subj = cf.metrics("post");
if (!(last.get("ES") > subj.get("ES") && last.get("NS") < subj.get("NS"))) throw new AssertionError("last " + last + " vs subject_last " + subj);
"counterfact checks passed"
