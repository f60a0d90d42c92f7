"""The proxy's not-kept workflows, told by what the workflow itself makes in ComfyUI (proxymine19): for each file a
proxy JSON (benchmarks.corpus_convert --json) lists as not kept, its enabled node types read from the file (a
sampler, a video model or video latent, a video decode, a video output, a paid API's video node) say whether it
makes a video; each video-making one is converted again (studio.convert.mapping.file.convert_file) and its Log's
and notes' 'not converted'/'held' lines are listed with the proxy's blocking types.

Usage: python -m benchmarks.proxy_triage PROXY.json [--cache ~/.cache/studio/corpus] [--json OUT]
"""
from __future__ import annotations

import argparse
import json
import os
import re

SAMPLER = re.compile(r"(?i)ksampler(?!select)|sampler(?!select|s?$)|Sampler$|SamplerCustom")
NOT_SAMPLER = re.compile(r"(?i)select|extraargs|options|scheduler")
VIDEO_WORDS = re.compile(r"(?i)wan|ltx|hunyuan|hyvideo|cogvideo|mochi|framepack|skyreels|cosmos|animatediff|"
                         r"kandinsky|svd|stablevideo|videocrafter|pyramid|allegro|easyanimate|magi|seedvr|phantom|"
                         r"vace|multitalk|infinitetalk|fantasy|humo|ovi|helios|longcat|kling|veo|seedance|runway|"
                         r"minimax|hailuo|pika|luma|vidu|sora|pixverse|moonvalley")
VIDEO_LATENT = re.compile(r"(?i)latentvideo|imagetovideo|image2video|texttovideo|text2video|i2v|t2v|videoembeds|"
                          r"emptyembeds|LatentVideo|VideoLatent|ToVideo")
API_VIDEO = re.compile(r"(?i)^(kling|veo|seedance|runway|minimax|hailuo|pika|luma|vidu|sora|pixverse|moonvalley|"
                       r"bytedance|wan.*api|google).*video|videonode$|(text|image)tovideonode")
VIDEO_OUT = re.compile(r"VideoCombine|SaveVideo|SaveAnimated|SaveWEBM|Save.*Video|Video.*Save")


def _strings(v):
    if isinstance(v, str):
        yield v
    elif isinstance(v, dict):
        for x in v.values():
            yield from _strings(x)
    elif isinstance(v, (list, tuple)):
        for x in v:
            yield from _strings(x)


def makes_video(wf) -> dict:
    """What an enabled node of ``wf`` says of a video made in ComfyUI."""
    on = [n for n in wf.nodes.values() if n.enabled]
    types = sorted({n.shown_cls for n in on})
    samplers = [t for t in types if SAMPLER.search(t) and not NOT_SAMPLER.search(t)]
    files = [s for n in on if re.search(r"(?i)loader|load", n.shown_cls) for s in _strings(n.widgets or n.raw)
             if re.search(r"(?i)\.(safetensors|gguf|ckpt|pt|pth|sft)$", s)]
    video_model = [t for t in types if VIDEO_WORDS.search(t) and re.search(r"(?i)load|model", t)]
    video_model += [f for f in files if VIDEO_WORDS.search(os.path.basename(f))]
    latent = [t for t in types if VIDEO_LATENT.search(t)]
    api = [t for t in types if API_VIDEO.search(t)]
    outs = [t for t in types if VIDEO_OUT.search(t)]
    video = bool(outs) and (bool(api) or (bool(samplers) and bool(video_model or latent)))
    return dict(video=video, samplers=samplers, video_model=video_model[:4], latent=latent, api=api, outs=outs)


LINE = re.compile(r"(?i)not converted|held|not made|cannot|can't|is not|isn't|not applied|no generator|not read")


def conversion_lines(path: str) -> list[str]:
    from studio.convert.mapping.file import convert_file
    try:
        conv = convert_file(path)
    except Exception as e:  # noqa: BLE001 - a refusal is itself the cause here
        return [f"REFUSED {type(e).__name__}: {str(e)[:300]}"]
    notes = [str(n.get("text", "")) for n in conv.graph.ui.get("notes", []) if isinstance(n, dict)]
    return [x[:400] for x in list(conv.log) + notes if LINE.search(x)]


def main(argv=None) -> int:
    from studio.convert.mapping.file import read_json
    from studio.convert.reading.workflow import Workflow, enveloped
    p = argparse.ArgumentParser()
    p.add_argument("proxy")
    p.add_argument("--cache", default=os.path.expanduser("~/.cache/studio/corpus"))
    p.add_argument("--json", default="")
    a = p.parse_args(argv)
    per = json.load(open(a.proxy))["per_workflow"]
    rows = {}
    for name, rec in sorted(per.items()):
        if rec.get("kept"):
            continue
        path = os.path.join(a.cache, name)
        try:
            wf = Workflow.read(enveloped(read_json(path))[0])
        except Exception as e:  # noqa: BLE001
            rows[name] = dict(video=None, error=str(e)[:200])
            continue
        row = makes_video(wf)
        row.update(blocking=rec.get("blocking", []), generator=rec.get("generator"), tasks=rec.get("tasks"))
        if row["video"]:
            row["lines"] = conversion_lines(path)
        rows[name] = row
    if a.json:
        with open(a.json, "w") as f:
            json.dump(rows, f, indent=1)
    vids = [n for n, r in rows.items() if r.get("video")]
    print(f"not kept: {len(rows)}; making a video in ComfyUI: {len(vids)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
