"""Determinism of the converter (the brief: same graph, same result): each workflow of a folder converted in two
child processes with different hash seeds (``PYTHONHASHSEED``: the order a set or frozenset of strings iterates in),
its Log, canvas notes and Studio nodes with their params compared. A difference is a sentence or a graph that
changes from run to run (caption_made named 'Sampler low' or 'Sampler high' by a frozenset's order until
2026-11-29). Prints the files that differ and their first differing lines; exit status 1 if any does.

Usage: python -m benchmarks.convert_determinism [--seeds 1 2] [--show N] DIR_OR_FILE...
"""
from __future__ import annotations

import argparse
import difflib
import json
import os
import subprocess
import sys
import tempfile


def files_of(paths: list[str]) -> list[str]:
    out = []
    for p in paths:
        if os.path.isdir(p):
            out += sorted(os.path.join(dp, f) for dp, _, fs in os.walk(p, followlinks=True) for f in fs
                          if f.endswith(".json"))
        else:
            out.append(p)
    return out


def dump(path: str) -> str:
    """One workflow's conversion as text: its Log, its notes' text and each Studio node's type and params."""
    from studio.convert.mapping.file import convert_file
    try:
        c = convert_file(path)
    except Exception as e:  # noqa: BLE001 - a refusal is a result too (compared like any other)
        return f"ERROR {type(e).__name__}: {e}"
    nodes = {k: (n.type_id, {a: str(b) for a, b in n.params.items()}) for k, n in c.graph.nodes.items()}
    return "\n".join(map(str, c.log)) + "\n" + json.dumps(nodes, sort_keys=True, ensure_ascii=False)


def differences(a: dict[str, str], b: dict[str, str], show: int = 4) -> dict[str, list[str]]:
    """The files whose text differs between two runs, each with its first ``show`` differing lines."""
    out = {}
    for k in sorted(set(a) | set(b)):
        if a.get(k) != b.get(k):
            lines = [x for x in difflib.unified_diff((a.get(k) or "").split("\n"), (b.get(k) or "").split("\n"),
                                                     lineterm="", n=0)
                     if x[:1] in "+-" and not x.startswith(("+++", "---"))]
            out[k] = lines[:show]
    return out


def _run(seed: str, files: list[str], at: str) -> dict[str, str]:
    env = dict(os.environ, PYTHONHASHSEED=seed)
    listed = os.path.join(at, f"files_{seed}.json")
    result = os.path.join(at, f"dump_{seed}.json")
    with open(listed, "w") as f:
        json.dump(files, f)
    subprocess.run([sys.executable, "-m", "benchmarks.convert_determinism", "--dump", listed, result], env=env,
                   check=True)
    with open(result) as f:
        return json.load(f)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="*")
    ap.add_argument("--seeds", nargs=2, default=["1", "2"])
    ap.add_argument("--show", type=int, default=4)
    ap.add_argument("--dump", nargs=2, metavar=("FILES_JSON", "OUT_JSON"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.dump:
        with open(args.dump[0]) as f:
            files = json.load(f)
        with open(args.dump[1], "w") as f:
            json.dump({p: dump(p) for p in files}, f)
        return 0
    files = files_of(args.paths)
    with tempfile.TemporaryDirectory() as at:
        a, b = (_run(s, files, at) for s in args.seeds)
    diff = differences(a, b, args.show)
    for k, lines in diff.items():
        print(f"== {k}")
        for x in lines:
            print("  " + x[:300])
    print(f"{len(files)} workflows, hash seeds {args.seeds[0]} and {args.seeds[1]}: {len(diff)} differ")
    return 1 if diff else 0


if __name__ == "__main__":
    sys.exit(main())
