"""The corpus's list of sources made from local mirrors of public repositories (bare git directories, one per
repository, named ``owner+name``): every JSON file at each mirror's newest commit that is a ComfyUI workflow (UI
format with 'nodes'/'links', API format with 'class_type', or one of them one level down) and makes or edits
video (see :func:`is_video`), deduplicated by the sha256 of its bytes, written as sources.tsv (repo, commit,
path, sha256, licence, node count, format). The files themselves are not kept: fetch.py brings them back.

Usage: python -m benchmarks.corpus.collect [--mirror-root /work/.mirror] [--out benchmarks/corpus/sources.tsv]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
MAX_BYTES = 4 << 20
# a node type that makes, loads, edits or saves video (a video model's loader/sampler/latent, or a video output)
VIDEO = re.compile(r"Video|^VHS_|LTXV|AnimateDiff|^ADE_|^SaveAnimated|^SaveWEBM|Mochi|Cosmos|FramePack|^SVD_img2vid"
                   r"|^ImageOnlyCheckpointLoader| VFI|^Wan22|WanVace|WanAnimate|WanSound|EmptyHunyuanLatent|LTX2|LTXAV")
LICENCES = [("MIT License", "MIT"), ("Permission is hereby granted, free of charge", "MIT"),
            ("Apache License", "Apache-2.0"), ("GNU AFFERO GENERAL PUBLIC LICENSE", "AGPL-3.0"),
            ("GNU GENERAL PUBLIC LICENSE\n                       Version 3", "GPL-3.0"),
            ("GNU GENERAL PUBLIC LICENSE", "GPL"), ("GNU LESSER GENERAL PUBLIC", "LGPL"), ("Unlicense", "Unlicense"),
            ("BSD", "BSD"), ("Creative Commons", "CC"), ("Mozilla Public License", "MPL-2.0")]


def git(gitdir: str, *args: str) -> bytes:
    return subprocess.run(["git", "--git-dir", gitdir, *args], capture_output=True, check=True).stdout


def node_types(doc) -> tuple[str, list[str]] | None:
    """('ui' or 'api', the node types, a UI file's subgraphs' included) of a workflow, else None."""
    if isinstance(doc, dict) and not _is_wf(doc):
        inner = [v for v in doc.values() if isinstance(v, dict) and _is_wf(v)]
        doc = inner[0] if len(inner) == 1 else doc
    kind = _is_wf(doc)
    if kind == "ui":
        types = [str(n.get("type")) for n in doc["nodes"] if isinstance(n, dict)]
        for sg in ((doc.get("definitions") or {}).get("subgraphs") or []) if isinstance(doc.get("definitions"), dict) else []:
            types += [str(n.get("type")) for n in (sg.get("nodes") or []) if isinstance(n, dict)]
        return kind, types
    if kind == "api":
        return kind, [str(v.get("class_type")) for v in doc.values()]
    return None


def _is_wf(doc) -> str | None:
    if isinstance(doc, dict) and isinstance(doc.get("nodes"), list) and isinstance(doc.get("links"), list) \
            and doc["nodes"] and all(isinstance(n, dict) and "type" in n for n in doc["nodes"]):
        return "ui"
    if isinstance(doc, dict) and doc and all(isinstance(v, dict) and "class_type" in v for v in doc.values()):
        return "api"
    return None


def is_video(types: list[str]) -> bool:
    """A workflow that makes or edits video: one of its node types is a video model's or a video output's."""
    return any(VIDEO.search(t) for t in types)


def licence(gitdir: str, commit: str) -> str:
    names = git(gitdir, "ls-tree", "--name-only", commit).decode(errors="replace").split("\n")
    for name in names:
        if re.match(r"(?i)^(licen[cs]e|copying)(\.md|\.txt)?$", name):
            text = git(gitdir, "show", f"{commit}:{name}")[:4000].decode(errors="replace")
            for key, spdx in LICENCES:
                if key.lower() in text.lower():
                    return spdx
            return "other"
    return ""


def scan(gitdir: str, repo: str):
    """Rows (repo, commit, path, sha256, licence, nodes, format) of the video workflows at the mirror's HEAD."""
    try:
        commit = git(gitdir, "rev-parse", "HEAD").decode().strip()
        listing = git(gitdir, "ls-tree", "-r", "-l", commit).decode(errors="replace")
    except subprocess.CalledProcessError:
        return
    lic = None
    for line in listing.splitlines():
        meta, path = line.split("\t", 1)
        _, kind, blob, size = meta.split()
        if kind != "blob" or not path.lower().endswith(".json") or not size.isdigit() or not 200 < int(size) <= MAX_BYTES:
            continue
        if re.search(r"(^|/)(node_modules|package(-lock)?\.json|tsconfig|\.vscode|locales?/)", path):
            continue
        try:
            data = git(gitdir, "cat-file", "blob", blob)
            got = node_types(json.loads(data))
        except (subprocess.CalledProcessError, ValueError, RecursionError):
            continue
        if got is None or not is_video(got[1]):
            continue
        if lic is None:
            lic = licence(gitdir, commit)
        yield repo, commit, path, hashlib.sha256(data).hexdigest(), lic, len(got[1]), got[0]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mirror-root", default="/work/.mirror")
    ap.add_argument("--out", default=os.path.join(HERE, "sources.tsv"))
    a = ap.parse_args(argv)
    seen, rows = set(), []
    for d in sorted(os.listdir(a.mirror_root)):
        gitdir = os.path.join(a.mirror_root, d, "repo")
        if "+" not in d or not os.path.isdir(gitdir):
            continue
        for row in scan(gitdir, d.replace("+", "/", 1)):
            if row[3] not in seen:
                seen.add(row[3])
                rows.append(row)
    with open(a.out + ".part", "w", encoding="utf-8") as f:
        f.write("repo\tcommit\tpath\tsha256\tlicence\tnodes\tformat\n")
        for r in sorted(rows, key=lambda r: (r[0].lower(), r[2])):
            f.write("\t".join(str(x) for x in r) + "\n")
    os.replace(a.out + ".part", a.out)
    repos = {r[0] for r in rows}
    print(f"{len(rows)} video workflows (unique by sha256) from {len(repos)} repositories -> {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
