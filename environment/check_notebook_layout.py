#!/usr/bin/python3
"""Looks at executed notebooks as a reader does: opens their nbconvert HTML in headless Chromium (offline),
lets the inlined plotly.js draw, then measures the drawn figures in the DOM and saves a screenshot.

Fails when a bug a reader would see shows up:
  - a colour-bar title overlaps a panel title or another figure title (Fig. 1 triptych),
  - panel titles run into each other,
  - a colour-bar title lies over a panel or its labels,
  - a heatmap panel has no token labels, or a heatmap or line panel no x-axis title,
  - a token label is cut at the figure's left edge ("ubject token"),
  - a line plot has a tick between layers (layer 0.5),
  - a displayed table shows more than a head of rows or a 17-digit number.

usage: check_notebook_layout.py OUT_DIR PAGE.html [PAGE.html ...]   (screenshots: OUT_DIR/<page>.png)
"""
import json
import os
import re
import subprocess
import sys
import tempfile

# Runs in the page once plotly has drawn; writes its findings into <pre id="rome4j-layout">.
PROBE = r"""
<script>
(function () {
  function box(e) { var r = e.getBoundingClientRect(); return {l: r.left, r: r.right, t: r.top, b: r.bottom, w: r.width, h: r.height}; }
  function overlap(a, b) { return a.w > 0 && b.w > 0 && a.l < b.r - 1 && b.l < a.r - 1 && a.t < b.b - 1 && b.t < a.b - 1; }
  function texts(root, sel) { return Array.prototype.filter.call(root.querySelectorAll(sel), function (e) { return e.textContent.trim() !== ''; }); }
  function probe() {
    var out = {figures: [], tables: []};
    document.querySelectorAll('.js-plotly-plot').forEach(function (fig, i) {
      var f = {index: i, problems: [], heatmaps: fig.querySelectorAll('.heatmaplayer image, .hm image').length, svgLeft: box(fig.querySelector('.main-svg')).l};
      var cb = texts(fig, '.cbtitle text');
      var titles = texts(fig, '.annotation-text-g text, .annotation text, .g-gtitle text');
      cb.forEach(function (c) { titles.forEach(function (t) { if (overlap(box(c), box(t))) f.problems.push('colour-bar title "' + c.textContent + '" overlaps title "' + t.textContent + '"'); }); });
      var areas = fig.querySelectorAll('.draglayer .nsewdrag');
      var ticks = texts(fig, '.yaxislayer-above text');
      cb.forEach(function (c) {
        areas.forEach(function (a) { if (overlap(box(c), box(a))) f.problems.push('colour-bar title "' + c.textContent + '" lies over a panel'); });
        ticks.forEach(function (t) { if (overlap(box(c), box(t))) f.problems.push('colour-bar title "' + c.textContent + '" overlaps token label "' + t.textContent + '"'); });
      });
      var notes = texts(fig, '.annotation');
      for (var a = 0; a < notes.length; a++) for (var b = a + 1; b < notes.length; b++)
        if (overlap(box(notes[a]), box(notes[b]))) f.problems.push('panel titles overlap: "' + notes[a].textContent + '" / "' + notes[b].textContent + '"');
      var plots = fig.querySelectorAll('.cartesianlayer > .subplot');
      plots.forEach(function (sp) {
        var id = Array.prototype.find.call(sp.classList, function (c) { return /^x\d*y\d*$/.test(c); }) || '?';
        var hasHeat = fig.querySelectorAll('.heatmaplayer').length > 0;
        var yt = texts(sp, '.yaxislayer-above text');
        var xt = texts(sp, '.xaxislayer-above text');
        if (hasHeat && yt.length === 0) f.problems.push('panel ' + id + ' has no token labels');
        var xname = id.replace(/y\d*$/, '');
        var xtitle = texts(fig, '.g-' + xname + 'title text');
        var lines = sp.querySelectorAll('.scatterlayer .trace').length > 0;
        if ((hasHeat || lines) && xtitle.length === 0) f.problems.push('panel ' + id + ' has no x-axis title');
        yt.forEach(function (t) { if (box(t).l < f.svgLeft - 0.5) f.problems.push('token label "' + t.textContent + '" cut at the left edge'); });
        if (lines) xt.forEach(function (t) { var v = Number(t.textContent.replace('\u2212', '-')); if (!isNaN(v) && v !== Math.round(v)) f.problems.push('line plot tick at layer ' + t.textContent); });
      });
      out.figures.push(f);
    });
    document.querySelectorAll('.rome4j-table table, table.dataframe').forEach(function (t, i) {
      var rows = t.querySelectorAll('tbody tr').length;
      var long = Array.prototype.filter.call(t.querySelectorAll('td'), function (td) { return /\d{9,}/.test(td.textContent); }).length;
      out.tables.push({index: i, rows: rows, longNumbers: long});
    });
    var pre = document.createElement('pre');
    pre.id = 'rome4j-layout';
    pre.textContent = JSON.stringify(out);
    document.body.appendChild(pre);
  }
  window.addEventListener('load', function () { setTimeout(probe, 4000); });
})();
</script>
"""

CHROMIUM = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run",
            "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9", "--hide-scrollbars"]
MAX_TABLE_ROWS = 20


def chromium(args, profile):
    return subprocess.run(CHROMIUM + ["--user-data-dir=" + profile] + args, capture_output=True, text=True, timeout=240)


def check(page, out_dir):
    html = open(page, encoding="utf-8").read()
    name = os.path.splitext(os.path.basename(page))[0]
    probed = os.path.join(out_dir, name + ".probe.html")
    with open(probed, "w", encoding="utf-8") as f:
        f.write(html.replace("</body>", PROBE + "</body>", 1))
    with tempfile.TemporaryDirectory() as profile:
        dom = chromium(["--virtual-time-budget=30000", "--window-size=1400,9000", "--dump-dom", "file://" + probed], profile).stdout
        shot = os.path.join(out_dir, name + ".png")
        chromium(["--virtual-time-budget=30000", "--window-size=1400,9000", "--screenshot=" + shot, "file://" + page], profile)
    os.remove(probed)
    m = re.search(r'<pre id="rome4j-layout">(.*?)</pre>', dom, re.S)
    if not m:
        return ["%s: the layout probe did not run (plotly did not draw?)" % name]
    found = json.loads(m.group(1).replace("&quot;", '"').replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">"))
    problems = []
    for f in found["figures"]:
        problems += ["%s figure %d: %s" % (name, f["index"], p) for p in f["problems"]]
    for t in found["tables"]:
        if t["rows"] > MAX_TABLE_ROWS:
            problems.append("%s table %d shows %d rows (a head and a row count expected)" % (name, t["index"], t["rows"]))
        if t["longNumbers"]:
            problems.append("%s table %d shows %d unrounded numbers" % (name, t["index"], t["longNumbers"]))
    print("%s: %d figures, %d tables measured; screenshot %s" % (name, len(found["figures"]), len(found["tables"]), shot))
    return problems


def main():
    out_dir = os.path.abspath(sys.argv[1])
    os.makedirs(out_dir, exist_ok=True)
    problems = []
    for page in sys.argv[2:]:
        problems += check(os.path.abspath(page), out_dir)
    for p in problems:
        print("FAIL " + p)
    if problems:
        sys.exit(1)
    print("ok   no overlapping titles, every panel labelled, no cut labels, whole-layer ticks, short rounded tables")


if __name__ == "__main__":
    main()
