"""Math nodes whose values reach a size, a length, an fps, steps, a seed or a strength: each instance in a folder of
ComfyUI workflows sorted by what it is given (constants, a picture's size, a clip's count, a sound's length, another
math node) and by what Studio makes of it (its value worked out when converting; else said in the Log, or not).
Read only; prints a TSV (one row per math node instance reaching such an input) and a summary.

    PYTHONPATH=. .venv/bin/python -m benchmarks.math_survey DIR [DIR ...] > rows.tsv
"""
from __future__ import annotations

import collections
import os
import re
import sys

from studio.convert import catalogue
from studio.convert.mapping.file import convert_file, read_document
from studio.convert.reading import by_types, measured, named_ops
from studio.convert.reading.workflow import Workflow, is_workflow

MATH = {"ComfyMathExpression", "MathExpression|pysssss", "SimpleMath+", "SimpleMathFloat+", "SimpleMathInt+",
        "SimpleCalculatorKJ", "easy mathInt", "easy mathFloat", "easy simpleMath", "CM_IntBinaryOperation",
        "CM_FloatBinaryOperation", "CM_NumberBinaryOperation", "Number Operation", "JWIntegerMul",
        "LayerUtility: NumberCalculator", "LayerUtility: NumberCalculatorV2", "MathExpression"}
TARGETS = (("fps", r"fps|frame_rate|framerate"), ("steps", r"steps|start_at_step|end_at_step|split_step"),
           ("seed", r"seed"), ("strength", r"strength|denoise|weight"),
           ("length", r"length|frames|frame_count|batch_size|frame_load_cap|num_frame|video_frames|chunk"),
           ("size", r"width|height|side|resolution|size|megapixel|target_w|target_h|long|short|scale"))


def is_math(n) -> bool:
    c = n.origin or n.cls
    if c in MATH or by_types.expression(n) is not None:
        return True
    return bool(named_ops.NAMED.search(c)) or c.startswith("CM_")


def target(name: str) -> str | None:
    low = name.rpartition(".")[2].lower()
    return next((k for k, pat in TARGETS if re.search(pat, low)), None)


def out_name(n, slot: int) -> str:
    """Output ``slot``'s name, its letters, digits and '_' only (VideoHelperSuite's 'width🟨': 'width')."""
    if slot < len(n.out_names or []):
        name = n.out_names[slot] or ""
    else:
        t = catalogue.node_type(n.origin or n.cls)
        name = (t.outputs[slot].name or "") if t is not None and t.outputs and slot < len(t.outputs) else ""
    return re.sub(r"[^A-Za-z0-9_]", "", name)


def given(wf, n, slot: int) -> str:
    """What a math node's input is given: math / size / count / sound / constant / other."""
    if is_math(n):
        return "math"
    name = out_name(n, slot).lower()
    if n.cls == "GetImageSize" and slot < 2 or measured.axis(n, slot) is not None or name.endswith(("width", "height")):
        return "size"
    if "count" in name or "frames" in name or "batch" in name or n.cls == "GetImageSize" and slot == 2:
        return "count"
    if "duration" in name or "second" in name or "audio" in (n.origin or n.cls).lower():
        return "sound"
    if wf.output(n, slot) is not None:
        return "constant"
    return "other"


def survey(path: str):
    try:
        doc = read_document(path)
        if isinstance(doc, dict) and isinstance(doc.get("prompt"), dict) and is_workflow(doc["prompt"]) == "api":
            doc = doc["prompt"]
        wf = Workflow.read(doc)
    except Exception:  # noqa: BLE001 - a file not read is not surveyed
        return []
    users = collections.defaultdict(list)
    for n in wf.nodes.values():
        if n.enabled:
            for k, (src, slot) in n.links.items():
                users[src].append((n, k, slot))
    rows = []
    for n in wf.nodes.values():
        if not n.enabled or not is_math(n):
            continue
        reached, seen, todo = [], {n.id}, [n.id]
        while todo:
            for u, k, slot in users.get(todo.pop(), ()):
                if is_math(u):
                    if u.id not in seen:
                        seen.add(u.id)
                        todo.append(u.id)
                elif (t := target(k)) is not None:
                    reached.append((u, k, t))
        if not reached:
            continue
        slots = sorted({s for u, k, s in users.get(n.id, ())})
        ins = sorted({given(wf, wf.nodes[s], sl) for s, sl in n.links.values() if s in wf.nodes}) or ["constant"]
        value = [wf.output(n, s) for s in slots]
        rows.append(dict(file=path, id=n.id, cls=n.origin or n.cls, named=n.named, ins="+".join(ins),
                         expr=str(n.widgets.get("expression", n.widgets.get("value", ""))).replace("\n", " ")[:60],
                         value=value, known=all(v is not None for v in value),
                         to=";".join(sorted({f"{u.cls}.{k}({t})" for u, k, t in reached}))[:160],
                         kinds="+".join(sorted({t for _, _, t in reached})), users={u.id for u, _, _ in reached}))
    try:  # (a resize sized by math nodes of its own picture: made as Scale's rule, tracing/math_sizes)
        from studio.convert.tracing.resizes import math_sized
    except ImportError:
        math_sized = None
    for r in rows:
        if not r["known"] and math_sized is not None and any(math_sized(wf, wf.nodes[u]) for u in r["users"]):
            r["known"], r["said"] = True, "rule"
    if any(not r["known"] for r in rows):
        try:
            conv = convert_file(path)
            text = "\n".join(conv.log)
        except Exception as e:  # noqa: BLE001
            text = f"CRASH {e}"
        for r in rows:
            r["said"] = r.get("said", "") if r["known"] else ("said" if f"#{r['id']})" in text else "said (its user)" if any(
                f"#{u})" in text for u in r["users"]) else "not said")
    return rows


def main(argv):
    files = []
    for d in argv:
        for root, _, names in os.walk(os.path.expanduser(d)):
            files += [os.path.join(root, f) for f in names if f.endswith(".json")]
    print("\t".join(("file", "id", "cls", "given", "expr", "value", "to", "kinds", "studio")))
    count = collections.Counter()
    for f in sorted(files):
        for r in survey(f):
            verdict = r.get("said") or "value" if r["known"] else r["said"]
            count[(r["ins"], verdict)] += 1
            print("\t".join((r["file"], r["id"], r["cls"], r["ins"], r["expr"], str(r["value"]), r["to"], r["kinds"],
                             verdict)), flush=True)
    for k, v in sorted(count.items()):
        print(f"# {k[0]}\t{k[1]}\t{v}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
