"""Make the catalogue of ComfyUI node types (studio/convert/catalogue/data/comfy_types.json.gz) from node packs'
own sources, read without running them (the extractor in studio/convert/catalogue).

    python -m scripts.comfy_catalogue [--out FILE] SOURCE [SOURCE ...]

Each SOURCE is a clone of a pack, its working folder or a bare git directory (read at HEAD), optionally
``owner/name=PATH`` to name its repository; ComfyUI itself (the folder holding nodes.py) goes first, as its
constants (MAX_RESOLUTION) and V3 io kinds are what the packs import. A working folder (no git) may hold a
``SOURCE.json`` saying where its files come from: ``{"commit", "date", "origin"}`` (a folder of the pack's files at
upstream's commit as a fork's snapshot holds it; the date left empty where the stored copy does not tell it). The
committed data's sources, in order, and where each was read: data/sources.tsv beside it. Only facts are kept:
names, types, widgets, ranges, defaults, choices, categories, display names, and each pack's repository@commit."""
from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys

from studio.convert.catalogue.mappings import constants_of, extract_pack, io_types_of

OUT = os.path.join("studio", "convert", "catalogue", "data", "comfy_types.json.gz")
CORE_FILES = ("nodes.py", "comfy_extras/", "comfy_api_nodes/", "comfy_api/latest/_io.py")
MAX_FILE = 3_000_000  # bytes: a larger Python file is data, not declarations
SKIP = {"tests", "test", "node_modules", ".github"}  # folders of no declarations


def _git(gitdir: str, *args: str) -> str:
    return subprocess.run(["git", f"--git-dir={gitdir}", *args], check=True, capture_output=True,
                          text=True, errors="replace").stdout


def _gitdir(path: str) -> str | None:
    for cand in (os.path.join(path, ".git"), path, os.path.join(path, "repo")):
        if os.path.isdir(cand) and os.path.exists(os.path.join(cand, "HEAD")) and \
                os.path.isdir(os.path.join(cand, "objects")):
            return cand
    return None


def _wanted(rel: str, core: bool) -> bool:
    if not rel.endswith(".py") or SKIP & set(rel.split("/")[:-1]):
        return False
    return not core or any(rel == c or (c.endswith("/") and rel.startswith(c) and rel.count("/") == 1)
                           for c in CORE_FILES)


def read_sources(path: str, core: bool) -> tuple[dict[str, str], dict]:
    """({relative path: text} of the pack's Python files, {commit, date, origin})."""
    gitdir = _gitdir(path)
    if gitdir:
        listing = _git(gitdir, "ls-tree", "-r", "-l", "HEAD").splitlines()
        files = {}
        for line in listing:
            meta, rel = line.split("\t", 1)
            size = meta.split()[3]
            if _wanted(rel, core) and size.isdigit() and int(size) < MAX_FILE:
                files[rel] = _git(gitdir, "show", f"HEAD:{rel}")
        commit, date = _git(gitdir, "log", "-1", "--format=%H %cs").split()
        try:
            origin = _git(gitdir, "config", "remote.origin.url").strip()
        except subprocess.CalledProcessError:
            origin = ""
        return files, {"commit": commit, "date": date, "origin": origin}
    files = {}
    for d, _, names in os.walk(path):
        for n in names:
            rel = os.path.relpath(os.path.join(d, n), path).replace(os.sep, "/")
            if _wanted(rel, core) and os.path.getsize(os.path.join(d, n)) < MAX_FILE:
                with open(os.path.join(d, n), encoding="utf-8", errors="replace") as fh:
                    files[rel] = fh.read()
    return files, _manifest(path)


def _manifest(path: str) -> dict:
    """A working folder's SOURCE.json (see the module's docstring), or no commit and no date."""
    try:
        with open(os.path.join(path, "SOURCE.json"), encoding="utf-8") as fh:
            m = json.load(fh)
    except (OSError, ValueError):
        return {"commit": "", "date": "", "origin": ""}
    return {k: str(m.get(k, "")) for k in ("commit", "date", "origin")}


def _repo_name(spec: str, info: dict) -> tuple[str, str]:
    if "=" in spec:
        name, path = spec.split("=", 1)
        return name, path
    base = os.path.basename(os.path.normpath(spec))
    if base == "repo":  # a mirror: <owner>+<name>/repo
        base = os.path.basename(os.path.dirname(os.path.normpath(spec)))
    return base.replace("+", "/"), spec


def build(specs: list[str]) -> dict:
    """The catalogue's data: {"packs": {repo: {commit, date, types}}, "types": {name: record with "pack"}}."""
    packs, types, core_consts, io_types = {}, {}, {}, {}
    for i, spec in enumerate(specs):
        repo, path = _repo_name(spec, {})
        core = i == 0
        sources, info = read_sources(path, core)
        if core:
            core_consts, io_types = constants_of(sources), io_types_of(sources)
        found = extract_pack(sources, core_consts, io_types)
        packs[repo] = {"commit": info["commit"], "date": info["date"], "types": len(found), "lazy": True}
        for name, rec in sorted(found.items()):
            if name in types:
                types[name].setdefault("also", []).append(repo)
                continue
            types[name] = {"pack": repo, **rec}
        print(f"{repo}@{info['commit'][:12]}: {len(found)} node types", file=sys.stderr)
    return {"packs": packs, "types": types}


def refresh(old: dict, specs: list[str]) -> dict:
    """``old`` (the committed data) with what this reader now records of an input beyond the rest (its 'lazy') read
    again from the packs ``specs`` names, each at the commit the data records (else refused), and set on the same
    inputs of their types (a type another pack declared first left as it is); nothing else changed (the packs are
    read without ComfyUI's constants here, so their other fields are kept as the full build read them)."""
    packs, types = dict(old["packs"]), dict(old["types"])
    for spec in specs:
        repo, path = _repo_name(spec, {})
        sources, info = read_sources(path, False)
        if repo not in packs or packs[repo]["commit"] != info["commit"]:
            raise SystemExit(f"{repo}@{info['commit'][:12]}: not the commit the catalogue records: build it all")
        found, n = extract_pack(sources), 0
        for name, rec in found.items():
            lazy = {i["name"] for i in rec.get("inputs") or [] if isinstance(i, dict) and i.get("lazy")}
            if lazy and name in types and types[name].get("pack") == repo and isinstance(types[name].get("inputs"), list):
                types[name] = {**types[name], "inputs": [{**i, "lazy": True} if isinstance(i, dict) and i.get("name")
                                                         in lazy else i for i in types[name]["inputs"]]}
                n += 1
        packs[repo] = {**packs[repo], "lazy": True}
        print(f"{repo}@{info['commit'][:12]}: {n} node types with lazy inputs", file=sys.stderr)
    return {"packs": packs, "types": types}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=OUT)
    ap.add_argument("--refresh", action="store_true", help="read only these packs again into the data at --out")
    ap.add_argument("sources", nargs="+")
    a = ap.parse_args(argv)
    if a.refresh:
        with gzip.open(a.out, "rt", encoding="utf-8") as fh:
            data = refresh(json.load(fh), a.sources)
    else:
        data = build(a.sources)
    os.makedirs(os.path.dirname(a.out) or ".", exist_ok=True)
    tmp = a.out + ".part"
    with gzip.GzipFile(tmp, "wb", mtime=0) as fh:  # no time stamp: the same sources make the same bytes
        fh.write(json.dumps(data, separators=(",", ":"), sort_keys=True).encode())
    os.replace(tmp, a.out)
    print(f"{len(data['types'])} node types from {len(data['packs'])} packs -> {a.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
