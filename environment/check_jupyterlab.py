"""Opens executed notebooks in JupyterLab 4 and Notebook 7 themselves (headless Chromium driven by Playwright, offline)
and measures every figure as a reader sees it: it must be drawn (a Plotly SVG of non-zero height, not a blank box)
and fit its output area (no figure wider than the area, so nothing hides behind a scrollbar). JupyterLab is opened
with its file browser open at a 1,400 px window (the narrowest output area the issue measured); Notebook 7 at its
default layout. Saves a screenshot of each notebook in each front end.

Figures are drawn by the HTML form (the inlined plotly.js) unless the plotly package's extension jupyterlab-plotly is
installed in the same environment, which draws the plotly JSON (and showed a bundle's PNG instead of the figure until
the mouse passed over it); the report says how many each drew. install-deps.sh installs no plotly, so the test
covers the HTML form; with `pip install plotly` in that environment it covers the extension.

usage: check_jupyterlab.py OUT_DIR NOTEBOOK.ipynb [...]
Needs: JupyterLab 4 and Notebook 7 (`jupyter lab`, `jupyter notebook` of the same Python), Playwright, Chromium
(install-deps.sh installs them).
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

from playwright.sync_api import sync_playwright

CHROMIUM = os.environ.get("ROME4J_CHROMIUM", shutil.which("chromium") or shutil.which("chromium-browser") or "chromium")

# In the page: every Plotly figure, its drawn size, and its output area's width.
MEASURE = """() => {
  const out = [];
  document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output').forEach((area) => {
    // jupyterlab-plotly draws into the output node itself; the HTML form draws into a div inside it
    (area.matches('.js-plotly-plot') ? [area] : Array.from(area.querySelectorAll('.js-plotly-plot'))).forEach((fig) => {
      const svg = fig.querySelector('.main-svg');
      const r = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
      const a = area.getBoundingClientRect();
      const title = fig.querySelector('.g-gtitle text');
      out.push({title: title ? title.textContent : '', width: r.width, height: r.height, areaWidth: a.width,
                byExtension: fig === area,
                scrolls: area.scrollWidth > area.clientWidth + 1});
    });
  });
  return out;
}"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def figures_in(nb_path):
    """Plotly figures the saved notebook holds (outputs with the plotly JSON)."""
    nb = json.load(open(nb_path, encoding="utf-8"))
    return sum(1 for c in nb["cells"] for o in c.get("outputs", [])
               if "application/vnd.plotly.v1+json" in o.get("data", {}))


def serve_and_measure(work, root, env, notebooks, out_dir, suffix):
    """Starts JupyterLab, opens each notebook in JupyterLab and Notebook 7, measures its figures; the problems found."""
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root", "--port", str(port),
                               "--ServerApp.token=", "--ServerApp.password=", "--ServerApp.root_dir=" + root,
                               "--ServerApp.disable_check_xsrf=True", "--LabApp.news_url=None"],
                              env=env, stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "server.log"), "w"))
    problems = []
    try:
        base = "http://127.0.0.1:%d" % port
        for _ in range(120):
            try:
                urllib.request.urlopen(base + "/api/status", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        else:
            sys.exit("FAIL jupyter lab did not start: " + open(os.path.join(work, "server.log")).read()[-2000:])
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            for front, url, size in [("jupyterlab" + suffix, base + "/lab/tree/%s?reset", (1400, 900)),
                                     ("notebook7" + suffix, base + "/notebooks/%s", (1400, 900))]:
                for nb in notebooks:
                    name = os.path.basename(nb)
                    want = figures_in(nb)
                    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
                    page.goto(url % name)
                    page.wait_for_selector(".jp-OutputArea-output", timeout=120_000)
                    # no kernel is needed to look at saved outputs: answer the kernel dialog with "No Kernel"
                    try:
                        page.get_by_role("button", name="No Kernel").click(timeout=5000)
                    except Exception:
                        pass
                    deadline = time.time() + 90
                    found = []
                    while time.time() < deadline:
                        found = page.evaluate(MEASURE)
                        if len(found) >= want and all(f["height"] > 0 for f in found):
                            break
                        time.sleep(1)
                    page.wait_for_timeout(1500)   # let responsive figures settle to their width
                    found = page.evaluate(MEASURE)
                    tall = page.evaluate("() => Math.max(900, ...Array.from(document.querySelectorAll("
                                         "'.jp-WindowedPanel-outer, .jp-Notebook')).map(e => e.scrollHeight + 200))")
                    page.set_viewport_size({"width": size[0], "height": min(int(tall), 16000)})
                    page.wait_for_timeout(1000)
                    for _ in range(5):   # the kernel dialog may have opened only now (there is no kernel to pick)
                        if page.locator(".jp-Dialog").count() == 0:
                            break
                        try:
                            page.locator(".jp-Dialog button", has_text="No Kernel").first.click(timeout=2000)
                        except Exception:
                            page.keyboard.press("Escape")
                        page.wait_for_timeout(500)
                    shot = os.path.join(out_dir, "%s-%s.png" % (front, name[:-len(".ipynb")]))
                    page.screenshot(path=shot)
                    page.close()
                    if len(found) < want:
                        problems.append("%s %s: %d of %d figures drawn" % (front, name, len(found), want))
                    for f in found:
                        if f["height"] <= 0:
                            problems.append("%s %s: figure '%s' is blank" % (front, name, f["title"]))
                        if f["width"] > f["areaWidth"] + 1 or f["scrolls"]:
                            problems.append("%s %s: figure '%s' is %d px wide in a %d px output area"
                                            % (front, name, f["title"], f["width"], f["areaWidth"]))
                    print("%s %s: %d figures drawn (%d by jupyterlab-plotly), widest %d px in output areas of %d px; screenshot %s"
                          % (front, name, len(found), sum(f["byExtension"] for f in found), max([f["width"] for f in found] or [0]),
                             min([f["areaWidth"] for f in found] or [0]), shot))
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    return problems


def main():
    out_dir = os.path.abspath(sys.argv[1])
    notebooks = [os.path.abspath(p) for p in sys.argv[2:]]
    os.makedirs(out_dir, exist_ok=True)
    work = tempfile.mkdtemp(prefix="rome4j-lab-")
    env = dict(os.environ, JUPYTER_CONFIG_DIR=os.path.join(work, "config"), JUPYTER_DATA_DIR=os.path.join(work, "data"),
               JUPYTER_RUNTIME_DIR=os.path.join(work, "runtime"))
    # every cell rendered (JupyterLab 4 renders only the cells in view by default), no news or update pop-ups
    settings = os.path.join(work, "config", "lab", "user-settings")
    for plugin, value in {"@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
                          "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false",
                                                                                              "checkForUpdates": False}}.items():
        path = os.path.join(settings, plugin)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        json.dump(value, open(path, "w"))
    root = os.path.join(work, "notebooks")
    os.makedirs(root)
    for nb in notebooks:
        shutil.copy(nb, root)
        # executed here by the test: trusted, so their HTML outputs run as they did when the cells ran
        subprocess.run([sys.executable, "-m", "jupyter", "trust", os.path.join(root, os.path.basename(nb))], env=env,
                       check=True, capture_output=True)
    problems = []
    problems += serve_and_measure(work, root, env, notebooks, out_dir, "")
    shutil.rmtree(work, ignore_errors=True)
    for p in problems:
        print("FAIL " + p)
    if problems:
        sys.exit(1)
    print("ok   every figure drawn and inside its output area in JupyterLab 4 and Notebook 7")


if __name__ == "__main__":
    main()
