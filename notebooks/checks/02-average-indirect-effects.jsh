// Run by environment/test-notebooks.sh as a last cell of the notebook, in its kernel, after the reader's cells:
// checks stay out of the tutorial, and still see its values.
// checks: every traced fact counted once per kind, averages are probabilities, the clean run beats the corrupted one
var res = avg.result();
if (res.traced() < 1) throw new AssertionError("no fact was traced");
for (Kind k : List.of(Kind.RESID, Kind.MLP, Kind.ATTN))
    if (res.results(k).size() != res.traced()) throw new AssertionError("missing traces for " + k);
if (!(res.meanHigh() >= res.meanLow())) throw new AssertionError("corrupted runs average above clean runs");
"average indirect effect checks passed"
