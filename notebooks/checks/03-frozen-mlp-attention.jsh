// Run by environment/test-notebooks.sh as a last cell of the notebook, in its kernel, after the reader's cells:
// checks stay out of the tutorial, and still see its values.
// checks: one value per layer for each of the three lines, each a probability
var fr = frozen.result();
int layers = Session.global().model().nLayer();
for (double[] line : List.of(fr.plain(), fr.attnSevered(), fr.mlpSevered())) {
    if (line.length != layers) throw new AssertionError("expected " + layers + " layers, got " + line.length);
    for (double v : line) if (v < 0 || v > 1) throw new AssertionError("not a probability: " + v);
}
// the average: one value per layer and variant, each an effect on a probability
for (double[] line : sum) {
    if (line.length != layers) throw new AssertionError("expected " + layers + " layers");
    for (double v : line) if (!(v >= -1 && v <= 1)) throw new AssertionError("not an effect on a probability: " + v);
}
// this model's finding (see the note above): at layers 1-4 severing the MLPs costs more than severing attention
double mlpDrop = 0, attnDrop = 0;
for (int l = 1; l <= 4; l++) { mlpDrop += sum[0][l] - sum[2][l]; attnDrop += sum[0][l] - sum[1][l]; }
if (!(mlpDrop > attnDrop)) throw new AssertionError("MLP drop " + mlpDrop + " vs attention drop " + attnDrop);
"frozen trace checks passed"
