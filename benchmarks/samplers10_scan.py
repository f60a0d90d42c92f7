"""Every converted generator's 'sampler' against what its family's pipeline can run (issue 112, samplers10).

    python -m benchmarks.samplers10_scan dump OUT.json [--all] DIR...   # convert each workflow, list its samplers
    python -m benchmarks.samplers10_scan judge OUT.json [OUT.json...]   # count the pairs the pipelines refuse

``dump`` only converts (so it runs on a baseline worktree too, which lacks the check): each generator set to a sampler
other than 'auto', with its family and node type, one record a generator. Without ``--all`` only the workflows whose
text names a DPM sampler are converted: the one sampler a pipeline refuses today is 'dpm++' (DPMSolverMultistep takes
no sigmas), which the converter gives only for a ComfyUI sampler named dpmpp_2m / dpmpp_3m or a pack scheduler named
for DPM (their tables); ``judge`` asks base/sampler_fit.py of each record, whatever the sampler."""
from __future__ import annotations

import json
import os
import signal
import sys


def _files(dirs: list[str], every: bool) -> list[str]:
    out = []
    for d in dirs:
        for root, _, files in os.walk(os.path.expanduser(d)):
            for f in sorted(files):
                if f.endswith(".json"):
                    p = os.path.join(root, f)
                    if every or "dpm" in open(p, encoding="utf-8", errors="replace").read().lower():
                        out.append(p)
    return sorted(out)


def _alarm(*_):
    raise TimeoutError("conversion past 60 s")


def dump(out: str, dirs: list[str], every: bool) -> int:
    from studio.convert.mapping.file import convert_file
    records, errors = [], 0
    files = _files(dirs, every)
    signal.signal(signal.SIGALRM, _alarm)
    for path in files:
        signal.alarm(60)
        try:
            c = convert_file(path)
        except Exception as e:  # noqa: BLE001 - a file the converter refuses: counted, not a sampler
            errors += 1
            records.append({"file": path, "error": repr(e)[:200]})
            continue
        finally:
            signal.alarm(0)
        fams = {t.get("generator"): t.get("family") for t in c.tasks}
        for nid, n in c.graph.nodes.items():
            s = (n.params or {}).get("sampler")
            if isinstance(s, str) and s != "auto" and n.type_id in fams:
                records.append({"file": path, "node": nid, "type": n.type_id, "family": fams[n.type_id], "sampler": s})
    with open(out, "w", encoding="utf-8") as fh:
        json.dump({"files": len(files), "errors": errors, "records": records}, fh, indent=1)
    print(f"{len(files)} files converted ({errors} refused), {sum('sampler' in r for r in records)} generators "
          "with a sampler set")
    return 0


def judge(paths: list[str]) -> int:
    from nodes.video_models.base.comfy_samplers import refused
    from studio.convert.mapping.sampler_taken import family_mapping
    for p in paths:
        d = json.load(open(p, encoding="utf-8"))
        bad = []
        for r in d["records"]:
            if "sampler" not in r:
                continue
            m = family_mapping(r["family"])
            why = refused(m.key, r["type"], r["sampler"]) if m is not None else None
            if why:
                bad.append(f"{os.path.relpath(r['file'], os.path.expanduser('~/.cache/studio'))} #{r['node']} "
                           f"{r['family']} {r['type']} '{r['sampler']}': {why}")
        print(f"{p}: {d['files']} files, {sum('sampler' in r for r in d['records'])} generators with a sampler set, "
              f"{len(bad)} refused by their pipeline")
        for line in bad:
            print("  " + line)
    return 0


def main(argv: list[str] | None = None) -> int:
    a = list(sys.argv[1:] if argv is None else argv)
    if a[:1] == ["dump"]:
        every = "--all" in a
        rest = [x for x in a[2:] if x != "--all"]
        return dump(a[1], rest, every)
    if a[:1] == ["judge"]:
        return judge(a[1:])
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
