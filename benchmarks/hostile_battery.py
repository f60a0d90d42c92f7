"""The hostile-input battery (issue 115 item 8): each case a fresh process on one of Studio's surfaces (``main.py
convert / validate / render / queue``, and the window's estimate, the engine's sound path and the guardrail's check
through a short Python driver), under a time limit and a memory limit (RLIMIT_AS), its verdict printed in columns:

    case  surface  verdict  time  peak

verdict: ``clean`` (refused or done in Studio's words, as the case expects), ``hang`` (past the time limit),
``over-2GB`` (peak resident memory), ``traceback``, ``library-words`` (a library's raw message reached the user),
``outside-read`` (a file outside the folders a graph may read was opened: the drivers record every open), ``wrong``
(a result the case does not expect: a bad value taken without a word). Every case runs in its own temporary folders
(settings, cache, models, project); nothing of the machine's is read.

    .venv/bin/python benchmarks/hostile_battery.py [--only SUBSTRING] [--timeout 120] [--json OUT]

Cases needing real model weights (LTX-2 at 32x32, Cosmos 1.0 Video to Video at 17 frames, Helios under 33 frames,
a Mochi of 10^6 widths) are not here: they need the models' files."""
from __future__ import annotations

import argparse
import copy
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import wave
from dataclasses import dataclass, field
from typing import Callable

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

GB = 1 << 30
MEMORY_LIMIT = 8 * GB  # RLIMIT_AS of each case (torch's import alone reserves a few GB of address space)
OVER = 2 * GB  # the peak resident memory a case may reach
LIBRARY_WORDS = re.compile(r"size of tensor|Storage size calculation|Error\(s\) in loading|Cannot copy out of meta|"
                           r"\bRuntimeError\b|\bKeyError\b|\bIndexError\b|\bAttributeError\b|\bTypeError: |"
                           r"\bValueError: |\bOverflowError\b|\bRecursionError\b|\bMemoryError\b|site-packages")

# the driver every Python case runs under: every path opened is recorded, and one under SECRET is said
DRIVER = r"""
import builtins, os, sys
SECRET = os.environ["BATTERY_SECRET"]
_open, _os_open = builtins.open, os.open
def _seen(p):
    try:
        if os.path.realpath(os.fspath(p)).startswith(SECRET):
            print("OUTSIDE-READ " + os.fspath(p), flush=True)
    except TypeError:
        pass
builtins.open = lambda p, *a, **k: (_seen(p), _open(p, *a, **k))[1]
os.open = lambda p, *a, **k: (_seen(p), _os_open(p, *a, **k))[1]
sys.path.insert(0, os.getcwd())
"""


@dataclass
class Case:
    name: str
    surface: str
    argv: Callable[[str], list[str]]  # the work folder -> the command's arguments after the Python executable
    expect: Callable[[int, str, str], str | None] = lambda rc, out, work: None  # '' or None: as expected, else why
    setup: Callable[[str], None] = lambda work: None
    env: dict = field(default_factory=dict)


def _py(code: str) -> Callable[[str], list[str]]:
    return lambda work: ["-c", DRIVER + code]


def _main(*args: str) -> Callable[[str], list[str]]:
    return lambda work: [os.path.join(ROOT, "main.py"), *[a.replace("{w}", work) for a in args]]


def _says(*words: str, rc: int | None = None, absent: tuple[str, ...] = ()) -> Callable[[int, str, str], str | None]:
    def check(code: int, out: str, work: str) -> str | None:
        text = out + _files_text(work)
        if rc is not None and code != rc:
            return f"exit {code}, expected {rc}"
        miss = [w for w in words if w not in text]
        if miss:
            return f"not said: {miss[0]!r}"
        seen = [w for w in absent if w in text]
        return f"said: {seen[0]!r}" if seen else None
    return check


def _files_text(work: str) -> str:
    """What the case wrote as graphs (a converted workflow's notes)."""
    out = []
    for f in sorted(os.listdir(work)):
        if f.endswith(".studio.json"):
            with open(os.path.join(work, f), encoding="utf-8") as fh:
                out.append(fh.read())
    return "\n".join(out)


# -- the cases' inputs -------------------------------------------------------------------------------------------
def _write(work: str, name: str, doc) -> str:
    path = os.path.join(work, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(doc if isinstance(doc, str) else json.dumps(doc))
    return path


def _extend_chain(index, length=1) -> dict:
    from tests.convert.test_comfy_extend import _chain
    d = _chain(2, index)
    d["105"]["inputs"]["length"] = length
    return d


def _helios(distilled) -> dict:
    from tests.convert.test_comfy_helios import HELIOS
    d = copy.deepcopy(HELIOS)
    d["7"]["inputs"]["distilled"] = distilled
    return d


def _k6(fps) -> dict:
    from tests.convert.test_comfy_kandinsky6 import T2VA
    d = copy.deepcopy(T2VA)
    del d["9"]["inputs"]["fps"]
    d["6"]["inputs"]["fps"] = fps
    return d


def _model_folder(path: str, den: dict, vae: dict) -> str:
    for part in ("transformer", "vae"):
        os.makedirs(os.path.join(path, part), exist_ok=True)
    _write(path, "model_index.json", {"_class_name": "WanPipeline", "transformer": ["diffusers", "WanTransformer3DModel"],
                                      "vae": ["diffusers", "AutoencoderKLWan"]})
    _write(os.path.join(path, "transformer"), "config.json", {"_class_name": "WanTransformer3DModel", **den})
    _write(os.path.join(path, "vae"), "config.json", {"_class_name": "AutoencoderKLWan", **vae})
    return path


ESTIMATE = r"""
import torch, diffusers  # as in the window after a run: the estimate may build meta copies
from nodes.video_models.estimates.foresee_time import Asked, words_for
from nodes.video_models.estimates import step_shape, vae_work
p = os.path.join(os.environ["BATTERY_WORK"], "models", "m")
print(words_for(Asked(path=p, title="Wan", frame_pixels=64 * 64, frames=5, windows=1, steps=2, guided=False)))
print("modules", step_shape.module_count(p), "decode", vae_work.folder_decode_cost(p, 64, 64, 5))
"""

RECORDS = r"""
from nodes.video_models.estimates import times
from nodes.video_models.estimates.foresee_time import Asked, words_for
p = os.path.join(os.environ["BATTERY_WORK"], "models", "mine")
print(words_for(Asked(path=p, title="Wan", frame_pixels=64 * 64, frames=5, windows=1, steps=2, guided=False)))
print("records", len(times.load()))
"""


def _records(work: str, how: str) -> None:
    cache = os.path.join(work, "cache")
    os.makedirs(cache, exist_ok=True)
    path = os.path.join(cache, "video_model_times.jsonl")
    _model_folder(os.path.join(work, "models", "mine"), {"num_layers": 2, "num_attention_heads": 2,
                                                         "attention_head_dim": 8}, {})
    if how == "fifo":
        os.mkfifo(path)
    elif how == "zero":
        os.symlink("/dev/zero", path)
    else:  # a record naming a folder outside: the estimate must not read its configs
        secret = _model_folder(os.path.join(work, "secret", "model"), {"num_layers": 2, "num_attention_heads": 2,
                                                                        "attention_head_dim": 8}, {})
        key = "|".join([secret, "Secret model", "cpu x2", "", "float32", "no-cfg", "compile=auto",
                        "attention=native", "cache=off", "node=abc", "64x64x5"])
        rec = {"key": key, "pixels": 64 * 64 * 5, "steps": 2, "seconds": 1.0, "before": 0.1, "encode": 0.1,
               "step": 0.3, "decode": 0.2, "other": 0.1, "weights": 1000}
        _write(cache, "video_model_times.jsonl", json.dumps(rec) + "\n")


def _linked_config(work: str) -> None:
    outside = os.path.join(work, "secret")
    os.makedirs(outside, exist_ok=True)
    _write(outside, "model_index.json", {"_class_name": "WanPipeline", "transformer": ["diffusers",
                                                                                       "WanTransformer3DModel"]})
    m = os.path.join(work, "models", "linked")
    os.makedirs(m, exist_ok=True)
    os.symlink(os.path.join(outside, "model_index.json"), os.path.join(m, "model_index.json"))
    from studio.core.fileformat import graph_to_dict
    from studio.core.graph import Graph
    g = Graph()
    g.add_node("video_models.load", {"model": m}, node_id="load")
    g.add_node("video_models.text_to_video", {"frames": 5, "width": 64, "height": 64}, node_id="gen")
    g.add_node("io.save_video", {"path": "out.mp4"}, node_id="save")
    g.connect("load", "model", "gen", "model")
    g.connect("gen", "video", "save", "video")
    _write(os.path.join(work, "project"), "g.json", graph_to_dict(g))


SOUND = r"""
import resource
from studio.core.graph import Graph
from studio.engine.executor import Executor
from tests.encoders.test_speech import _wav2vec2
w = os.path.join(os.environ["BATTERY_WORK"], "project")  # a folder a graph may read
g = Graph()
g.add_node("io.load_audio", {"path": os.path.join(w, "long.wav")}, node_id="voice")
g.add_node("preprocess.load", {"kind": "speech", "model": _wav2vec2(os.path.join(w, "w2v"))}, node_id="w2v")
g.add_node("encode.speech", {"layers": "all", "align": "encoder input"}, node_id="speech")
g.add_node("video_models.infinitetalk", {"frames": 5}, node_id="talk")
for a, b, c, d in (("voice", "audio", "speech", "audio"), ("w2v", "model", "speech", "model"),
                   ("speech", "features", "talk", "speech")):
    g.connect(a, b, c, d)
f = Executor().run(g, targets=["speech"], device="cpu", use_cache=False).value("speech", "features")
print("features", len(f), "encoder_frames", f.extras["encoder_frames"])
"""


def _long_wav(work: str, minutes: float = 20.0) -> None:
    os.makedirs(os.path.join(work, "project"), exist_ok=True)
    with wave.open(os.path.join(work, "project", "long.wav"), "wb") as f:
        f.setnchannels(1)
        f.setsampwidth(2)
        f.setframerate(16000)
        import numpy as np
        block = (300 * np.sin(np.arange(16000) * 2 * np.pi * 220 / 16000)).astype("<i2").tobytes()
        for _ in range(int(minutes * 60)):
            f.writeframes(block)


FAMILY = r"""
import numpy as np
from benchmarks.child_env import own_tiny_cosmos
own_tiny_cosmos()  # its own tiny, random Cosmos: the guardrail's test stand-in, handed on by this live process
from studio.engine.clip import ArrayClip
from studio.engine.executor import Executor
from tests.sources import source
from tests.video_models.graphs import model_graph, render
import importlib
w = os.path.join(os.environ["BATTERY_WORK"], "project")
mod, fn, kw, node, params, n = CASE
path = getattr(importlib.import_module(mod), fn)(os.path.join(w, "m"), **kw)
feeds = {}
if n:
    feeds["video"] = (source("battery.clip", "video", "Video", lambda p: ArrayClip(
        np.random.RandomState(1).rand(n, 32, 32, 3).astype(np.float32), 16.0)), "video")
g = model_graph(path or os.path.join(w, "m"), node, dict(params, steps=1, prompt="x", previews=False,
                                                        preview_size="off"), **feeds)
try:
    clip, said = render(Executor(), g)
    print("made", clip.n_frames, "|", " / ".join(said))
except Exception as e:
    print("refused:", e)
"""


def _family(mod: str, fn: str, kw: dict, node: str, params: dict, n: int = 0) -> Callable[[str], list[str]]:
    return _py(f"CASE = {(mod, fn, kw, node, params, n)!r}\n" + FAMILY)


MOCHI = r"""
import diffusers
from nodes.video_models.base.config_check import skeleton
try:
    skeleton(diffusers.MochiTransformer3DModel, {"num_attention_heads": 10 ** 6, "attention_head_dim": 10 ** 6,
             "num_layers": 1, "in_channels": 12, "text_embed_dim": 8, "pooled_projection_dim": 8}, "config.json")
except Exception as e:
    print("refused:", type(e).__name__, e)
"""


GUARD = r"""
from nodes.video_models.base.capabilities import unavailable
from nodes.video_models.base.registry import FAMILIES
print("why:", unavailable(FAMILIES["cosmos2"]) or "RUNS UNCHECKED")
"""


def _queue_damaged(work: str) -> None:
    q = os.path.join(work, "queue")
    os.makedirs(os.path.join(q, "jobs"), exist_ok=True)
    _write(os.path.join(q, "jobs"), "0001.json", "{not json")
    _write(os.path.join(q, "jobs"), "0002.json", json.dumps({"id": "x" * 10_000, "state": 10 ** 400 // 10 ** 390}))
    os.mkfifo(os.path.join(q, "jobs", "0003.json"))


CASES = [
    # converter (hooks: values through the ledger)
    Case("image-from-batch index 'last'", "convert", _main("convert", "{w}/wf.json"),
         _says("batch_index 'last' is not a whole number", rc=0), lambda w: _write(w, "wf.json", _extend_chain("last"))),
    Case("image-from-batch index -10^12", "convert", _main("convert", "{w}/wf.json"),
         _says("is not a whole number from -1", rc=0), lambda w: _write(w, "wf.json", _extend_chain(-10 ** 12))),
    Case("a 10^9-frame pick", "convert", _main("convert", "{w}/wf.json"),
         _says("frames picked are more than take 1's 33", rc=0, absent=("-999999967",)),
         lambda w: _write(w, "wf.json", _extend_chain(0, 10 ** 9))),
    Case("helios distilled 'yes'", "convert", _main("convert", "{w}/wf.json"),
         _says("distilled 'yes' is not true or false", rc=0), lambda w: _write(w, "wf.json", _helios("yes"))),
    Case("kandinsky6 fps [1,2,3]", "convert", _main("convert", "{w}/wf.json"),
         _says("is not a frame rate", rc=0), lambda w: _write(w, "wf.json", _k6([1, 2, 3]))),
    Case("kandinsky6 fps 864", "convert", _main("convert", "{w}/wf.json"),
         _says("'fps' 864.0 not taken", rc=0), lambda w: _write(w, "wf.json", _k6(864))),
    Case("kandinsky6 fps wired from itself", "convert", _main("convert", "{w}/wf.json"),
         _says("is not a frame rate", rc=0), lambda w: _write(w, "wf.json", _k6(["6", 1]))),
    Case("workflow nested 100,000 deep", "convert", _main("convert", "{w}/wf.json"), _says(rc=1),
         lambda w: _write(w, "wf.json", "[" * 100_000 + "]" * 100_000)),
    Case("workflow of 10^400 numbers", "convert", _main("convert", "{w}/wf.json"), _says(rc=0),
         lambda w: _write(w, "wf.json", json.dumps(_helios(True)).replace('"noise_seed": 9', '"noise_seed": 1' + "0" * 400))),
    # queue files
    Case("queue of damaged, huge and FIFO job files", "queue", _main("queue", "--folder", "{w}/queue", "list"),
         setup=_queue_damaged),
    # estimates (the window's, torch and diffusers imported)
    Case("estimate: 10^12 layers", "estimate", _py(ESTIMATE), _says("not estimated", "1,000,000,000,000"),
         lambda w: _model_folder(os.path.join(w, "models", "m"), {"num_layers": 10 ** 12}, {})),
    Case("estimate: a VAE of 10^9 res blocks", "estimate", _py(ESTIMATE), _says("not estimated", "num_res_blocks"),
         lambda w: _model_folder(os.path.join(w, "models", "m"), {"num_layers": 2}, {"num_res_blocks": 10 ** 9})),
    Case("estimate: records file a FIFO", "estimate", _py(RECORDS), _says("records 0"), lambda w: _records(w, "fifo")),
    Case("estimate: records file -> /dev/zero", "estimate", _py(RECORDS), _says("records 0"),
         lambda w: _records(w, "zero")),
    Case("estimate: a record naming a folder outside", "estimate", _py(RECORDS), _says("records 1"),
         lambda w: _records(w, "secret")),
    Case("validate: model_index.json linked out of the models folder", "validate", _main("validate", "{w}/project/g.json"),
         _says("outside the folders a graph may read", rc=1), _linked_config),
    # sound
    Case("20-minute voice for a 5-frame InfiniteTalk take", "engine", _py(SOUND),
         _says("features 30 encoder_frames 30"), _long_wav),
    # guardrail
    Case("guardrail stand-in switch set by a user", "guardrail", _py(GUARD), _says("runs only with NVIDIA's"),
         env={"STUDIO_TEST_COSMOS_STAND_IN": "1"}),
    Case("guardrail sentence under HF_HOME", "guardrail", _py(GUARD), _says("elsewhere/hub"),
         env={"HF_HOME": "{w}/elsewhere", "HF_HUB_CACHE": ""}),
    # families: sizes and lengths they cannot take (tiny models built from configs, the real compression's VAE)
    Case("LTX-2 at 32x32", "families", _family("tests.video_models.tiny_ltx2", "build_ltx2",
                                                 {"real_compression": True, "audio_encoder": True}, "video_models.ltx2",
                                                 {"width": 32, "height": 32, "frames": 9}),
         _says("cannot make 32x32", "make both sides 64 or more")),
    Case("Cosmos 1.0 Video to Video at 17 frames", "families", _family(
        "tests.video_models.tiny_cosmos", "build_cosmos1", {}, "video_models.video_to_video",
        {"width": 32, "height": 32, "frames": 17}, 17), _says("Cosmos 1.0 cannot take 17 frames a call")),
    Case("Helios Video to Video of 9 frames", "families", _family(
        "tests.video_models.tiny_helios", "build_helios", {}, "video_models.video_to_video",
        {"width": 32, "height": 32, "frames": 9}, 9), _says("made 9", "last frame repeated to 33")),
    Case("a Mochi config of 10^6 widths", "families", _py(MOCHI), _says("refused: ModelError", "too large to exist")),
    # surfaces that list
    Case("families listed", "families", _main("families"), _says(rc=0)),
]


def _env(work: str, extra: dict) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STUDIO_", "HF_", "XDG_"))}
    for d in ("config", "cache", "project", "models", "data", "home"):
        os.makedirs(os.path.join(work, d), exist_ok=True)
    env.update(STUDIO_CONFIG_DIR=os.path.join(work, "config"), STUDIO_CACHE_DIR=os.path.join(work, "cache"),
               STUDIO_PROJECT_DIR=os.path.join(work, "project"), STUDIO_MODELS=os.path.join(work, "models"),
               STUDIO_ALLOWED_DIRS=os.path.join(work, "project"), XDG_DATA_HOME=os.path.join(work, "data"),
               XDG_CONFIG_HOME=os.path.join(work, "config"), HF_HUB_CACHE=os.path.join(work, "hf"),
               BATTERY_WORK=work, BATTERY_SECRET=os.path.join(work, "secret"), PYTHONPATH=ROOT,
               OMP_NUM_THREADS="1", STUDIO_DISK_CACHE_GB="0", STUDIO_NO_AUDIO_DEVICE="1",
               QT_QPA_PLATFORM="offscreen")
    for k, v in extra.items():
        if v == "":
            env.pop(k, None)
        else:
            env[k] = v.replace("{w}", work)
    return env


def _limits() -> None:
    os.setsid()
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_case(case: Case, timeout: float) -> dict:
    work = os.path.realpath(tempfile.mkdtemp(prefix="battery-"))
    try:
        env = _env(work, case.env)
        case.setup(work)
        args = [sys.executable, *case.argv(work)]
        t0 = time.perf_counter()
        p = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             preexec_fn=_limits)
        chunks: list[bytes] = []
        reader = threading.Thread(target=lambda: chunks.append(p.stdout.read()), daemon=True)
        reader.start()
        hung = False
        while True:  # wait4: this child's own peak (RUSAGE_CHILDREN holds the largest of all so far)
            pid, status, usage = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - t0 > timeout:
                hung = True
                os.killpg(p.pid, signal.SIGKILL)
                pid, status, usage = os.wait4(p.pid, 0)
                break
            time.sleep(0.05)
        took = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        reader.join(10)
        text = b"".join(chunks).decode("utf-8", "replace")
        own_peak = usage.ru_maxrss * 1024  # kilobytes on Linux
        if hung:
            verdict, why = "hang", f"past {timeout:.0f} s"
        elif own_peak > OVER:
            verdict, why = "over-2GB", ""
        elif "Traceback (most recent call last)" in text:
            verdict, why = "traceback", text.strip().splitlines()[-1][:120]
        elif "OUTSIDE-READ" in text:
            verdict, why = "outside-read", next(l for l in text.splitlines() if "OUTSIDE-READ" in l)[:120]
        elif LIBRARY_WORDS.search(text):
            verdict, why = "library-words", LIBRARY_WORDS.search(text).group(0)
        else:
            why = case.expect(p.returncode, text, work)
            verdict = "wrong" if why else "clean"
        return {"case": case.name, "surface": case.surface, "verdict": verdict, "time": round(took, 2),
                "peak_mb": round(own_peak / 1e6), "why": why or "", "out": text[-400:]}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", default="", help="run the cases whose name holds this")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds a case may take (past it: hang)")
    ap.add_argument("--json", default="", help="write the rows here too")
    a = ap.parse_args()
    rows = []
    print(f"{'case':58} {'surface':9} {'verdict':13} {'time':>7} {'peak':>9}")
    for case in CASES:
        if a.only and a.only not in case.name:
            continue
        r = run_case(case, a.timeout)
        rows.append(r)
        print(f"{r['case'][:58]:58} {r['surface']:9} {r['verdict']:13} {r['time']:6.1f}s {r['peak_mb']:6d} MB"
              + (f"  ({r['why']})" if r["why"] else ""), flush=True)
    counts: dict = {}
    for r in rows:
        counts[r["verdict"]] = counts.get(r["verdict"], 0) + 1
    print(f"{len(rows)} cases: " + ", ".join(f"{v} {n}" for v, n in sorted(counts.items())))
    if a.json:
        with open(a.json, "w", encoding="utf-8") as f:
            json.dump(rows, f, indent=1)
    return 0 if set(counts) <= {"clean"} else 1


if __name__ == "__main__":
    sys.exit(main())
