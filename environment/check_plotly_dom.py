#!/usr/bin/python3
"""Opens an nbconvert HTML page in headless Chromium with no network and checks that plotly.js (inlined by the
rome4j kernel) drew the interactive heatmaps: the DOM must hold Plotly's SVG with heatmap layers, one per trace.

usage: check_plotly_dom.py PAGE.html [MIN_HEATMAPS]
"""
import os
import re
import subprocess
import sys
import tempfile


def main():
    page = os.path.abspath(sys.argv[1])
    want = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    html = open(page, encoding="utf-8").read()
    scripts = re.findall(r'<script[^>]*\bsrc="(https?:[^"]+)"', html)
    if "plotly.js (cartesian - minified)" not in html:
        sys.exit("FAIL plotly.js is not inlined in " + page)
    with tempfile.TemporaryDirectory() as profile:
        cmd = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", "--user-data-dir=" + profile,
               # no network: every host resolves nowhere, so only inlined code can draw
               "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9",
               "--virtual-time-budget=20000", "--dump-dom", "file://" + page]
        dom = subprocess.run(cmd, capture_output=True, text=True, timeout=180).stdout
    svgs = dom.count('class="main-svg"')
    heat = len(re.findall(r'class="[^"]*\bhm\b', dom)) + dom.count('class="heatmaplayer')
    layers = dom.count('class="heatmaplayer')
    print("external scripts the page asks for (unreachable here): %d; plotly SVGs: %d; heatmap layers: %d"
          % (len(scripts), svgs, layers))
    if svgs < 1 or layers < want:
        sys.exit("FAIL the interactive heatmaps did not draw (want %d heatmap layers)" % want)
    print("ok   plotly drew %d heatmap layers offline" % layers)


if __name__ == "__main__":
    main()
