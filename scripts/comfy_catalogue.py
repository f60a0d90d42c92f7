"""Make the catalogue of ComfyUI node types (studio/convert/catalogue/data/comfy_types.json.gz) from node packs'
own sources, read without running them (the extractor in studio/convert/catalogue).

    python -m scripts.comfy_catalogue [--out FILE] SOURCE [SOURCE ...]
    python -m scripts.comfy_catalogue --add [--out FILE] CORE SOURCE [SOURCE ...]
    python -m scripts.comfy_catalogue --refresh [--core CORE] [--only lazy|dynamic] SOURCE [SOURCE ...]

Each SOURCE is a clone of a pack, its working folder or a bare git directory (read at HEAD), optionally
``owner/name=PATH`` to name its repository; ComfyUI itself (the folder holding nodes.py) goes first, as its
constants (MAX_RESOLUTION) and V3 io kinds are what the packs import. A working folder (no git) may hold a
``SOURCE.json`` saying where its files come from: ``{"commit", "date", "origin"}`` (a folder of the pack's files at
upstream's commit as a fork's snapshot holds it; the date left empty where the stored copy does not tell it). The
committed data's sources, in order, and where each was read: data/sources.tsv beside it. Only facts are kept:
names, types, widgets, ranges, defaults, choices, categories, display names, and each pack's repository@commit.

``--add`` (additive): the committed catalogue is loaded and kept as it is; CORE (ComfyUI, first) gives the constants
and V3 io kinds the new sources are read with, and only the SOURCES after it are read. A type a new source declares
is added under its repository where no type of that name is catalogued; every catalogued entry and pack record
stays the same (a name already there is counted, not merged). A source whose repository is already a pack (a newer
ComfyUI, a pack read further) adds only its missing types, each carrying its own ``commit`` and ``date``; CORE itself
adds its missing types only when it is named again among the SOURCES. Each new source's row for data/sources.tsv is
printed; ``--skip FILE`` leaves the names it lists out (data/add_skipped.txt: types Studio reads by name)."""
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
        found = extract_pack(sources, core_consts, io_types, types)
        packs[repo] = {"commit": info["commit"], "date": info["date"], "types": len(found), "lazy": True}
        for name, rec in sorted(found.items()):
            if name in types:
                types[name].setdefault("also", []).append(repo)
                continue
            types[name] = {"pack": repo, **rec}
        print(f"{repo}@{info['commit'][:12]}: {len(found)} node types", file=sys.stderr)
    return {"packs": packs, "types": types}


def refresh(old: dict, specs: list[str], core: str | None = None, fields: tuple = ("lazy", "dynamic")) -> dict:
    """``old`` (the committed data) with what this reader now records of an input beyond the rest (its 'lazy'; a
    dynamic combo's choices and the inputs each shows, 'dynamic', where ``core``, ComfyUI's folder, gives the V3 io
    kinds to read them by; ``fields``: which of the two) read again from the packs ``specs`` names, each at the commit
    the data records for its types (a pack's, or a type's own where an --add read it from a newer commit: only the
    types recorded at the source's commit are set; a source at no recorded commit is refused), and set on the same
    inputs of their types (a type another pack declared first left as it is); nothing else changed (the packs are
    read without ComfyUI's constants here, so their other fields are kept as the full build read them). ComfyUI
    itself (``Comfy-Org/ComfyUI``) is read as the full build reads it (nodes.py, comfy_extras/, comfy_api_nodes/). The
    pack is marked lazy-read only where 'lazy' is among ``fields``."""
    packs, types = dict(old["packs"]), dict(old["types"])
    consts, io_types = {}, {}
    if core:
        core_sources, _ = read_sources(_repo_name(core, {})[1], True)
        consts, io_types = constants_of(core_sources), io_types_of(core_sources)
    for spec in specs:
        repo, path = _repo_name(spec, {})
        sources, info = read_sources(path, repo == "Comfy-Org/ComfyUI")
        at = {name for name, t in types.items() if t.get("pack") == repo and repo in packs
              and (t.get("commit") or packs[repo]["commit"]) == info["commit"]}
        if not at:
            raise SystemExit(f"{repo}@{info['commit'][:12]}: not the commit the catalogue records: build it all")
        found, n = extract_pack(sources, consts or None, io_types or None), 0
        for name, rec in found.items():
            extra = {i["name"]: {k: i[k] for k in fields if k in i} for i in rec.get("inputs") or []
                     if isinstance(i, dict) and any(i.get(k) for k in fields)}
            if extra and name in at and isinstance(types[name].get("inputs"), list):
                types[name] = {**types[name], "inputs": [{**i, **extra[i["name"]]} if isinstance(i, dict) and
                                                         i.get("name") in extra else i for i in types[name]["inputs"]]}
                n += 1
        if "lazy" in fields:
            packs[repo] = {**packs[repo], "lazy": True}
        print(f"{repo}@{info['commit'][:12]}: {n} node types with {' or '.join(fields)} inputs", file=sys.stderr)
    return {"packs": packs, "types": types}


def load(path: str) -> dict:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return json.load(fh)


def add(data: dict, specs: list[str], skip: frozenset = frozenset()) -> list:
    """``data`` with the types of ``specs[1:]`` that it lacks added (``specs[0]``: ComfyUI, read for its constants
    and io kinds only); nothing already in ``data`` changes. Returns [(repo, commit, date, found, added)], in order."""
    packs, types = data["packs"], data["types"]
    core_path = _repo_name(specs[0], {})[1]
    core_sources, core_info = read_sources(core_path, True)
    core_consts, io_types = constants_of(core_sources), io_types_of(core_sources)
    report = []
    for spec in specs[1:]:
        repo, path = _repo_name(spec, {})
        core = os.path.normpath(path) == os.path.normpath(core_path) or repo == "Comfy-Org/ComfyUI"
        sources, info = (core_sources, core_info) if path == core_path else read_sources(path, core)
        found = extract_pack(sources, core_consts, io_types, types)
        known = packs.get(repo)
        added = 0
        for name, rec in sorted(found.items()):
            if name in types or name in skip:
                continue
            rec = {"pack": repo, **rec}
            if known is not None and known.get("commit") != info["commit"]:
                rec.update(commit=info["commit"], date=info["date"])  # a newer read of a catalogued pack
            types[name] = rec
            added += 1
        if known is None:
            packs[repo] = {"commit": info["commit"], "date": info["date"], "types": len(found)}
        report.append((repo, info["commit"], info["date"], len(found), added))
        print(f"{repo}@{info['commit'][:12]}: {len(found)} node types, {added} added", file=sys.stderr)
    return report


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=OUT)
    ap.add_argument("--refresh", action="store_true", help="read only these packs again into the data at --out")
    ap.add_argument("--add", action="store_true", help="keep the catalogue in --out and add the sources' new types")
    ap.add_argument("--skip", help="with --add: a file of names not to add (one a line, '#' comments)")
    ap.add_argument("--core", help="with --refresh: ComfyUI's folder, its V3 io kinds read (a dynamic combo's choices)")
    ap.add_argument("--only", choices=("lazy", "dynamic"), help="with --refresh: set only this field (the pack's lazy "
                    "mark left as it is unless 'lazy')")
    ap.add_argument("sources", nargs="+")
    a = ap.parse_args(argv)
    if a.refresh:
        data = refresh(load(a.out), a.sources, a.core, (a.only,) if a.only else ("lazy", "dynamic"))
    elif a.add:
        data = load(a.out)
        skip = frozenset()
        if a.skip:
            with open(a.skip, encoding="utf-8") as fh:
                skip = frozenset(x.strip() for x in fh if x.strip() and not x.startswith("#"))
        for repo, commit, date, found, added in add(data, a.sources, skip):
            print(f"{repo}\t{commit}\t{date or 'unknown'}\t{added}\t(added: {added} of its {found} types)")
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
