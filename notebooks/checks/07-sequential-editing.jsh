// Run by environment/test-notebooks.sh as a last cell of the notebook, in its kernel, after the reader's cells.
// checks: every method ran every checkpoint, the scores are fractions, and undo gave back the original bytes
if (!curves.keySet().equals(editors.keySet())) throw new AssertionError("methods run: " + curves.keySet());
for (var e : curves.entrySet()) {
    for (double[] m : e.getValue()) {
        if (m == null) throw new AssertionError(e.getKey() + ": a checkpoint was not measured");
        for (int j = 0; j < 3; j++) if (!(m[j] >= 0 && m[j] <= 1)) throw new AssertionError(e.getKey() + ": score " + m[j]);
    }
    if (!restored.get(e.getKey())) throw new AssertionError(e.getKey() + ": undo did not restore the weights");
}
memit.close();
alpha.close();
"checks passed"
