"""The figures and lists in the docs that come from the code, so that they stay true: how many
templates ship, which video model families Studio reads, how large the video-model rooms are.

In a page each fact stands between two HTML comments, invisible once rendered:
``<!-- fact:templates -->31<!-- /fact -->``. ``python -m scripts.doc_facts`` writes today's values
into README.md, docs/architecture.md and docs/models-folder.md (so a new family edits no list of families
there); tests/test_docs.py fails, naming this command, when a page
says other than the code."""
from __future__ import annotations

import glob
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PAGES = ("README.md", os.path.join("docs", "architecture.md"), os.path.join("docs", "models-folder.md"))
FACT = re.compile(r"<!-- fact:([a-z_]+) -->(.*?)<!-- /fact -->", re.S)


def _templates() -> str:
    """The templates File > New from template lists: the shipped graphs with a ``ui.template`` (the demo
    graph is not one: counting every file said 37 where the browser listed 36, issue 104's walk)."""
    import json
    n = 0
    for p in glob.glob(os.path.join(ROOT, "assets", "graphs", "*.json")):
        try:
            with open(p, encoding="utf-8") as f:
                n += isinstance(json.load(f).get("ui", {}).get("template"), dict)
        except (OSError, ValueError, AttributeError):
            continue
    return str(n)


def _families() -> list:
    import nodes.video_models.families  # noqa: F401  (every family registers itself)
    from nodes.video_models.base.registry import all_families
    return all_families()


def _family_folders() -> list[str]:
    """The folders of nodes/video_models/families that hold a family (a family.py)."""
    base = os.path.join(ROOT, "nodes", "video_models", "families")
    return sorted(d for d in os.listdir(base) if os.path.isfile(os.path.join(base, d, "family.py")))


def _video_model_rooms() -> list[str]:
    base = os.path.join(ROOT, "nodes", "video_models")
    return sorted(d for d in os.listdir(base) if os.path.isfile(os.path.join(base, d, "__init__.py")))


def _video_model_files() -> dict[str, int]:
    """Each module of nodes/video_models (its path there, '/'-separated) -> its lines: the tree read once."""
    base = os.path.join(ROOT, "nodes", "video_models")
    out = {}
    for path in glob.glob(os.path.join(base, "**", "*.py"), recursive=True):
        with open(path, encoding="utf-8") as f:
            out[os.path.relpath(path, base).replace(os.sep, "/")] = sum(1 for _ in f)
    return out


def _largest_files(files: dict[str, int], n: int = 2) -> str:
    """The ``n`` largest modules of the generic rooms (outside families/), with their lines."""
    generic = sorted(((lines, name) for name, lines in files.items() if not name.startswith("families/")),
                     reverse=True)
    return ", ".join(f"{name}, {lines:,}" for lines, name in generic[:n])


def _largest_room(files: dict[str, int]) -> str:
    """The generic room holding the most modules besides its __init__.py, with their count."""
    counts: dict[str, int] = {}
    for name in files:
        room, _, rest = name.partition("/")
        if rest and "/" not in rest and rest != "__init__.py" and room != "families":
            counts[room] = counts.get(room, 0) + 1
    room, n = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
    return f"{room}/, {n} modules"


def facts() -> dict[str, str]:
    """Each fact's name -> its text as the pages show it."""
    fams, files = _families(), _video_model_files()
    return {
        "templates": _templates(),
        "families_count": str(len(fams)),
        "families": ", ".join(f.title for f in fams),
        "family_keys": ", ".join(f.key for f in fams),
        "family_folders": ", ".join(_family_folders()),
        "video_models_lines": f"{round(sum(files.values()), -3):,}",
        "video_models_rooms": str(len(_video_model_rooms())),
        "video_models_largest_files": _largest_files(files),
        "video_models_largest_room": _largest_room(files),
    }


def rewrite(text: str, known: dict[str, str]) -> str:
    """``text`` with every fact it holds set to ``known``'s value (a fact ``known`` lacks is an error)."""
    def one(m: re.Match) -> str:
        name = m.group(1)
        if name not in known:
            raise KeyError(f"unknown fact '{name}' (known: {', '.join(sorted(known))})")
        return f"<!-- fact:{name} -->{known[name]}<!-- /fact -->"
    return FACT.sub(one, text)


def stale(known: dict[str, str] | None = None) -> list[str]:
    """'page: fact says X, the code Y' for each fact a page gets wrong."""
    known = facts() if known is None else known
    out = []
    for page in PAGES:
        with open(os.path.join(ROOT, page), encoding="utf-8") as f:
            for m in FACT.finditer(f.read()):
                want = known.get(m.group(1))
                if want != m.group(2):
                    out.append(f"{page}: '{m.group(1)}' says {m.group(2)!r}, the code {want!r}")
    return out


def main() -> int:
    known = facts()
    for page in PAGES:
        path = os.path.join(ROOT, page)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        new = rewrite(text, known)
        if new != text:
            tmp = path + ".tmp"
            with open(tmp, "w", encoding="utf-8") as f:
                f.write(new)
            os.replace(tmp, path)
            print(f"updated {page}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
