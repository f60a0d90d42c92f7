"""The image operations a conversion leaves not converted or passes with a sentence, ranked and grouped by what they
do (fx2, issue 112): every workflow of the folders given converted as benchmarks.corpus_convert converts it (forked,
its nodes' states kept), the node types that are not converted or passed kept where they are image operations (an
IMAGE in and an IMAGE out by the catalogue; for a type it lacks, by the sockets the UI file saves), grouped by their
declared inputs and widgets (two pictures and a transition word: a transition; a reference picture and a method: a
colour match; two pictures and 'blend': a blend; a LUT, grain, vignette, sharpen, blur, grade...).

    PYTHONPATH=. python -m benchmarks.effects_rank [--json PATH] DIR [DIR ...]

Prints the kinds (workflows, instances, types) and the finishing types' rows as Markdown tables."""
from __future__ import annotations

import argparse
import collections
import json
import os
import re
import sys

from benchmarks import corpus_convert as cc

FIN = {"transition", "colour match", "blend", "LUT", "film grain", "vignette", "sharpen", "chromatic aberration", "blur",
       "colour / grade", "composite"}


def kind(t, ins: dict, widgets: list, words: str) -> str:
    """What an image operation does, told by its declared picture sockets, widgets and words (category, name)."""
    w = " ".join(x for x in widgets if not x.endswith(("_color", "_colour"))).lower()
    ws = f"{w} {words.lower()}"
    nimg = list(ins.values()).count("IMAGE")
    for k, pattern, two in (
            ("transition", r"transition|fade|dissolve|wipe", True),
            ("colour match", r"colou?r.?(match|transfer)|match.?colou?r|image_ref", True),
            ("blend", r"blend", True),
            ("geometry / size (not finishing)", r"interpolat|vfi|upscal|super.?res|resolution|resize|scale|crop|\bpad"
                                                r"|rotate|flip|outpaint", False),
            ("LUT", r"\bluts?\b", False), ("film grain", r"grain", False), ("vignette", r"vignette", False),
            ("sharpen", r"sharp", False), ("chromatic aberration", r"chromatic|aberration", False),
            ("blur", r"blur", False),
            ("colour / grade", r"grade|grading|colou?r.?correct|hue|saturat|bright|contrast|levels|curve|exposure"
                               r"|gamma|tone", False),
            ("composite", r"composite|paste", True)):
        if (nimg >= 2 or not two) and re.search(pattern, ws):
            return k
    return "other (frames, masks, models, preprocessors)"


def _records(folder: str) -> dict[str, dict]:
    import studio.convert.mapping.file  # noqa: F401 - imported once, before the forks
    return {os.path.relpath(p, folder): cc.run_one(p, 30.0) for p in cc.workflows(folder)}


def rank(folders: list[str], records: dict[str, dict[str, dict]]) -> str:
    from studio.convert import catalogue
    from studio.convert.mapping.file import read_json
    from studio.convert.reading.workflow import Workflow, enveloped
    rows = collections.defaultdict(lambda: {"inst": 0, "wfs": set(), "states": collections.Counter()})
    info = {}
    for root in folders:
        for path, r in records[root].items():
            nodes = r.get("nodes") or []
            if not any(s in ("passed", "not") for _, s in nodes):
                continue
            try:
                wf = Workflow.read(enveloped(read_json(os.path.join(root, path)))[0])
            except Exception:  # noqa: BLE001 - a file the reader refuses: nothing to rank in it
                continue
            by_cls = collections.defaultdict(list)
            for n in wf.nodes.values():
                by_cls[n.shown_cls].append(n)
            for cls, st in nodes:
                if st not in ("passed", "not"):
                    continue
                t = catalogue.node_type(cls)
                if t is not None and t.inputs is not None:
                    if not catalogue.image_operation(t):
                        continue
                    ins, widgets = {i.name: i.type for i in t.sockets}, [i.name for i in t.widgets]
                    words = f"{t.category} {t.display} {cls}"
                else:
                    ex = by_cls.get(cls, [None])[0]
                    if ex is None or "IMAGE" not in ex.in_types.values() or "IMAGE" not in ex.out_types:
                        continue
                    ins = {k: v for k, v in ex.in_types.items() if k not in ex.widgets}
                    widgets, words = list(ex.widgets), cls + " (uncatalogued)"
                rows[cls]["inst"] += 1
                rows[cls]["wfs"].add(f"{root}:{path}")
                rows[cls]["states"][st] += 1
                info[cls] = (kind(t, ins, widgets, words), ins, widgets)
    kinds = collections.defaultdict(lambda: [0, set(), []])
    for cls, r in rows.items():
        k = kinds[info[cls][0]]
        k[0] += r["inst"]
        k[1] |= r["wfs"]
        k[2].append(cls)
    out = ["| kind | workflows | instances | types (workflows) |", "| --- | --- | --- | --- |"]
    for k, (inst, wfs, clss) in sorted(kinds.items(), key=lambda x: -len(x[1][1])):
        ts = ", ".join(f"{x} ({len(rows[x]['wfs'])})" for x in sorted(clss, key=lambda x: -len(rows[x]["wfs"])))
        out.append(f"| {k} | {len(wfs)} | {inst} | {ts if len(ts) < 700 else ts[:700] + ' ...'} |")
    out += ["", "| type | kind | workflows | instances | not / passed | declared inputs | widgets |",
            "| --- | --- | --- | --- | --- | --- | --- |"]
    for cls, r in sorted(rows.items(), key=lambda x: -len(x[1]["wfs"])):
        k, ins, widgets = info[cls]
        if k in FIN:
            out.append(f"| {cls} | {k} | {len(r['wfs'])} | {r['inst']} | {r['states']['not']} / {r['states']['passed']} "
                       f"| {', '.join(f'{a}:{b}' for a, b in ins.items())} | {', '.join(widgets)} |")
    return "\n".join(out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folders", nargs="+")
    ap.add_argument("--json", help="also write each folder's records (with their nodes' states) here")
    a = ap.parse_args(argv)
    records = {f: _records(f) for f in a.folders}
    if a.json:
        with open(a.json, "w", encoding="utf-8") as fh:
            json.dump(records, fh, default=list)
    print(rank(a.folders, records))
    return 0


if __name__ == "__main__":
    sys.exit(main())
