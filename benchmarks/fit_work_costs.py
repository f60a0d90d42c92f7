"""base/work.py's COST weights fitted to the tiny models' measured decode / step ratios (issue 73 item 3).

Each case's first step and decode are counted in work units (a ``--trace 1`` run of bench_estimates.py
holds both counts); every bench_estimates result file holds the case's measured phases (a later step's
time, the decode's). The weights of calls, convolutions and elements are fitted (the multiply-adds' kept
at 40 GFLOP/s: only ratios matter) to the geometric mean of each case's measured ratios, by a search in
log space; each case is then predicted by a fit without it (left out), against the weights in work.py.

    .venv/bin/python benchmarks/fit_work_costs.py   # writes benchmarks/results/estimates_fit.txt"""
from __future__ import annotations

import glob
import json
import math
import os
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
import benchmarks  # noqa: E402,F401  (allows the temporary folder it works in: benchmarks/__init__.py)
KEYS = ("ops", "convs", "elements", "flops")
FLOPS_S = 2.5e-11


def cases() -> list[tuple[str, np.ndarray, np.ndarray, float, float, int]]:
    """(name, the step's units, the decode's, the measured ratio's geometric mean, its log spread, runs)."""
    res = os.path.join(ROOT, "benchmarks", "results")
    runs = [json.load(open(p))["runs"] for p in sorted(glob.glob(os.path.join(res, "estimates_cpu*.json")))
            if "emulated" not in p]
    traced = {n: r["trace"] for rs in runs for n, r in rs.items() if r.get("trace", {}).get("decode_work")}
    out = []
    for name, tr in traced.items():
        ratios = [rs[name]["phases"]["decode"] / rs[name]["phases"]["step"] for rs in runs if name in rs and
                  rs[name]["phases"].get("step", 0) > 0 and rs[name]["phases"].get("decode", 0) > 0]
        logs = np.log(ratios)
        out.append((name, np.array([tr["step_work"][k] for k in KEYS], float),
                    np.array([tr["decode_work"][k] for k in KEYS], float), math.exp(logs.mean()), logs.std(),
                    len(ratios)))
    return out


def ratio(w: np.ndarray, step: np.ndarray, dec: np.ndarray) -> float:
    return float(dec @ w) / float(step @ w)


def weights(x) -> np.ndarray:
    return np.array([math.exp(x[0]), math.exp(x[1]), math.exp(x[2]), FLOPS_S])


def loss(x, rows) -> float:
    w = weights(x)
    return sum((math.log(ratio(w, s, d)) - math.log(g)) ** 2 for _n, s, d, g, _sp, _c in rows)


def fit(rows, start) -> np.ndarray:
    """A coordinate search in log space (log_search.py), the multiply-adds' weight held."""
    from benchmarks.log_search import coordinate_search
    return np.array(coordinate_search(lambda x: loss(x, rows), start, free=range(3)))


def main() -> int:
    from nodes.video_models.base.work import COST
    now = np.array([COST[k] for k in KEYS])
    rows = cases()
    start = np.log(now[:3])
    x = fit(rows, start)
    lines = [f"cases {len(rows)}; squared log error: work.py's weights {loss(np.log(now[:3]), rows):.2f}, "
             f"fitted {loss(x, rows):.2f}",
             "fitted: " + ", ".join(f"{k} {v:.2g}" for k, v in zip(KEYS, weights(x))),
             "case: measured decode/step (geometric mean, spread x, runs); predicted by work.py's weights; by a "
             "fit without the case"]
    from benchmarks.log_search import left_out, report
    for (name, s, d, g, sp, c), out in left_out(fit, rows, x):
        lines.append(f"{name:34} {g:6.2f} (x{math.exp(sp):.1f}, {c})  work.py x{ratio(now, s, d) / g:.2f}  "
                     f"left out x{ratio(weights(out), s, d) / g:.2f}")
    report(lines, "estimates_fit.txt")
    return 0


if __name__ == "__main__":
    sys.exit(main())
