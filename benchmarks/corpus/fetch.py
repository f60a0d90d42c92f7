"""Fills a local cache folder with the corpus's workflows listed in sources.tsv (repo, commit, path, sha256, ...):
each file is taken from a local mirror of its repository (a bare git directory ``<mirror-root>/owner+name/repo``,
read with ``git show commit:path``) or, with ``--network``, from GitHub's raw file address at that commit; its
sha256 is checked and a file that differs is not kept. Files already in the cache with the right sha256 are
left as they are. Nothing is downloaded unless ``--network`` is given.

The cache holds ``<dest>/<owner>+<name>/<path>``; benchmarks/corpus_convert.py reads it.

Usage: python -m benchmarks.corpus.fetch [--sources benchmarks/corpus/sources.tsv] [--dest ~/.cache/studio/corpus]
                                         [--mirror-root /work/.mirror] [--network] [--prune]
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import os
import subprocess
import sys
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DEST = os.path.join(os.path.expanduser("~"), ".cache", "studio", "corpus")
RAW = "https://raw.githubusercontent.com/{repo}/{commit}/{path}"


def read_sources(path: str) -> list[dict]:
    """The rows of a sources list (a TSV with a header: repo, commit, path, sha256, ...)."""
    with open(path, encoding="utf-8", newline="") as f:
        return [r for r in csv.DictReader(f, delimiter="\t") if r.get("repo") and r.get("sha256")]


def cache_path(dest: str, row: dict) -> str:
    """Where a source's file lies in the cache."""
    return os.path.join(dest, row["repo"].replace("/", "+", 1), *row["path"].split("/"))


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def from_mirror(root: str, row: dict) -> bytes | None:
    gitdir = os.path.join(root, row["repo"].replace("/", "+", 1), "repo")
    if not os.path.isdir(gitdir):
        return None
    got = subprocess.run(["git", "--git-dir", gitdir, "show", f"{row['commit']}:{row['path']}"], capture_output=True)
    return got.stdout if got.returncode == 0 else None


def from_github(row: dict, timeout: float = 60.0) -> bytes | None:
    url = RAW.format(repo=row["repo"], commit=row["commit"], path=urllib.parse.quote(row["path"]))
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:  # noqa: S310 - a fixed https address
            return r.read()
    except OSError:
        return None


def fetch(rows: list[dict], dest: str, mirror_root: str | None, network: bool) -> dict[str, list[str]]:
    """Each row's file into the cache; {'kept', 'fetched', 'missing', 'mismatch'} -> the rows' names."""
    out: dict[str, list[str]] = {"kept": [], "fetched": [], "missing": [], "mismatch": []}
    for row in rows:
        name, target = f"{row['repo']}:{row['path']}", cache_path(dest, row)
        if os.path.isfile(target):
            with open(target, "rb") as f:
                if _sha(f.read()) == row["sha256"]:
                    out["kept"].append(name)
                    continue
        data = from_mirror(mirror_root, row) if mirror_root else None
        if data is None and network:
            data = from_github(row)
        if data is None:
            out["missing"].append(name)
            continue
        if _sha(data) != row["sha256"]:
            out["mismatch"].append(name)
            continue
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target + ".part", "wb") as f:
            f.write(data)
        os.replace(target + ".part", target)
        out["fetched"].append(name)
    return out


def prune(rows: list[dict], dest: str) -> list[str]:
    """The .json files in the cache that the list does not name, removed (a list changed since the cache was
    filled: the benchmark reads every .json file there); their paths."""
    listed = {os.path.normpath(cache_path(dest, r)) for r in rows}
    gone = []
    for root, _, files in os.walk(dest):
        for f in files:
            p = os.path.normpath(os.path.join(root, f))
            if f.lower().endswith(".json") and p not in listed:
                os.remove(p)
                gone.append(p)
    return gone


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sources", default=os.path.join(HERE, "sources.tsv"))
    ap.add_argument("--dest", default=DEFAULT_DEST)
    ap.add_argument("--mirror-root", default="/work/.mirror" if os.path.isdir("/work/.mirror") else None)
    ap.add_argument("--network", action="store_true", help="fetch what no mirror holds from GitHub")
    ap.add_argument("--prune", action="store_true", help="remove the cache's .json files the list does not name")
    a = ap.parse_args(argv)
    rows = read_sources(a.sources)
    out = fetch(rows, a.dest, a.mirror_root, a.network)
    if a.prune:
        print(f"{a.dest}: {len(prune(rows, a.dest))} files the list does not name removed")
    print(f"{a.dest}: {len(out['kept'])} already there, {len(out['fetched'])} fetched, "
          f"{len(out['missing'])} missing (no mirror{'' if a.network else ', --network not given'}), "
          f"{len(out['mismatch'])} not kept (sha256 differs)")
    for k in ("missing", "mismatch"):
        for name in out[k][:20]:
            print(f"  {k}: {name}")
    return 0 if not out["mismatch"] else 1


if __name__ == "__main__":
    sys.exit(main())
