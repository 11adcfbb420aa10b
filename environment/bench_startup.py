#!/usr/bin/python3
"""Start-up benchmark: kernel ready and first cell answered, with and without the class-data archive.

    bash environment/bench-startup.sh [RUNS]

Both kernelspecs are installed by the script (one with `install`, one with `install --no-cds`) and are
started alternately, RUNS times each; prints the medians and the ratio archive / no archive.
The issue's target is the first cell answered within 3 s of launch, model not loaded.
"""
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "kernel-ext", "src", "test", "python"))
from protocol_test import execute, start  # noqa: E402  (the protocol test's own start-up and execute)


def once(path):
    os.environ["JUPYTER_PATH"] = path
    km, kc, t0, ready = start()
    reply, _ = execute(kc, "1 + 1", timeout=60)
    first = time.time() - t0
    assert reply["status"] == "ok", reply
    kc.stop_channels()
    km.shutdown_kernel(now=True)
    return ready, first


def main():
    with_cds, without, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    res = {"archive": [], "no archive": []}
    for _ in range(runs):
        res["no archive"].append(once(without))
        res["archive"].append(once(with_cds))
    for k, v in res.items():
        print("%-11s ready %.2f s, first cell %.2f s (medians of %d; first cells %s)" % (
            k, statistics.median(r for r, _ in v), statistics.median(f for _, f in v), runs,
            " ".join("%.2f" % f for _, f in v)))
    ratio = statistics.median(f for _, f in res["archive"]) / statistics.median(f for _, f in res["no archive"])
    print("ratio first cell, archive / no archive: %.3f   (load per core %.2f)" % (
        ratio, os.getloadavg()[0] / (os.cpu_count() or 1)))


if __name__ == "__main__":
    main()
