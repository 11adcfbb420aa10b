"""Writes a copy of a notebook with its checks (notebooks/checks/NAME.jsh) as a last code cell, for the notebook test.

The tutorials show prose, figures and one-line results; the checks that their numbers are right run in the same
kernel after the reader's cells, so they see every value the notebook made. Usage: with_checks.py NOTEBOOK OUT_DIR
(prints the copy's path; a notebook without checks is copied as it is).
"""
import json
import os
import sys

nb_path, out_dir = sys.argv[1], sys.argv[2]
name = os.path.basename(nb_path)
checks = os.path.join(os.path.dirname(os.path.abspath(nb_path)), "checks", name[:-len(".ipynb")] + ".jsh")
with open(nb_path, encoding="utf-8") as f:
    nb = json.load(f)
if os.path.exists(checks):
    with open(checks, encoding="utf-8") as f:
        src = f.read()
    nb["cells"].append({"cell_type": "code", "execution_count": None, "id": "rome4j-checks",
                        "metadata": {"tags": ["rome4j-checks"]}, "outputs": [], "source": src.splitlines(True)})
os.makedirs(out_dir, exist_ok=True)
out = os.path.join(out_dir, name)
with open(out, "w", encoding="utf-8") as f:
    json.dump(nb, f, indent=1, ensure_ascii=False)
print(out)
