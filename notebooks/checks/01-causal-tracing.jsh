// Run by environment/test-notebooks.sh as a last cell of the notebook, in its kernel, after the reader's cells:
// checks stay out of the tutorial, and still see its values.
// checks: the magic and the API agree (same seed, same noise), scores are probabilities, the figure is Fig. 1's layout
double[][] a = birth.result(Kind.MLP).scores();
double[][] b = mlp.scores();
for (int i = 0; i < a.length; i++)
    for (int l = 0; l < a[i].length; l++)
        if (Math.abs(a[i][l] - b[i][l]) > 1e-6) throw new AssertionError("magic and API differ at " + i + "," + l);
for (var t : List.of(birth, lang))
    for (var r : t.results())
        for (double[] row : r.scores()) for (double s : row)
            if (s < 0 || s > 1) throw new AssertionError("not a probability: " + s);
var fig = birth.figure().toObjectNode();
if (fig.path("data").size() != 3 || !fig.path("layout").has("xaxis3")) throw new AssertionError("expected three heatmaps");
"causal tracing checks passed"
