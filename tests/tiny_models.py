"""Tiny random models for every template, under the names the templates give them.

    python -m tests.tiny_models DIR

writes into DIR, laid out as a models folder (docs/models-folder.md: 'org/name' folders), one tiny
random model for each model a shipped template names (its Load Video Model / Load Preprocessor
parameters, read by ``studio.core.template_models``), built from configs with diffusers and
transformers (never downloaded), and prints what it wrote and which templates need each. Then

    STUDIO_MODELS=DIR python main.py render assets/graphs/pose_to_video.json --preview

runs a template on a CPU in minutes. A name already in DIR is left as it is (never overwritten).
Names that one builder makes alike share one build: the others are relative links to it (copies
where links cannot be made). The template tests build theirs with ``build`` (the session fixture
``tiny_models`` of tests/video_models/conftest.py), so there is one way to make them.
"""
from __future__ import annotations

import contextlib
import glob
import os
import shutil
import sys
import time
from dataclasses import dataclass, field

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GRAPHS = os.path.join(ROOT, "assets", "graphs")

# builder key -> (module, function, keyword arguments): one tiny model of a family and variant
BUILDERS = {
    "svd": ("tests.video_models.tiny", "build_svd", {}),
    "wan-t2v": ("tests.video_models.tiny", "build_wan", {}),
    "wan-vace": ("tests.video_models.tiny_control", "build_wan_vace", {}),
    "wan-flf2v": ("tests.video_models.tiny_i2v", "build_wan_i2v", {"flf2v": True}),
    "wan-i2v": ("tests.video_models.tiny_i2v", "build_wan_i2v", {}),
    "wan-animate": ("tests.video_models.tiny_animate", "build_wan_animate", {}),
    "wan-animate-2": ("tests.video_models.tiny_wan_animate2", "build_wan_animate2", {}),
    "wan-fun": ("tests.video_models.tiny_fun", "build_wan_fun", {}),
    "wan-fun-camera": ("tests.video_models.tiny_fun", "build_wan_fun_camera", {}),
    # LTX-2's own compression (32x, 8x): at the template's preview size a step is 640 tokens, not 51,200;
    # an audio VAE that encodes a voice to the pipeline's audio latents (talking_portrait's 'sound: drive')
    "ltx2": ("tests.video_models.tiny_ltx2", "build_ltx2", {"real_compression": True, "audio_encoder": True}),
    "rtdetr": ("tests.preprocess.tiny_models", "build_rtdetr", {}),
    "vitpose-17": ("tests.preprocess.tiny_models", "build_vitpose", {}),
    "vitpose-133": ("tests.preprocess.tiny_models", "build_vitpose", {"keypoints": 133}),
    "depth-anything": ("tests.preprocess.tiny_models", "build_depth_anything", {}),
    "sam2": ("tests.preprocess.tiny_sam2", "build_sam2_video", {}),
    # finish_a_clip's files: an ESRGAN x2 (RealESRGAN_x2plus's layout) and RIFE 4.26 (tests/finishing/tiny_files.py)
    "esrgan-x2plus": ("tests.finishing.tiny_files", "build_esrgan_x2plus", {}),
    "rife-4.26": ("tests.finishing.tiny_files", "build_rife_426", {}),
    # talking_portrait_infinitetalk's: InfiniteTalk's patch file and wav2vec2 (tests/video_models/tiny_talk.py)
    "infinitetalk-patch": ("tests.video_models.tiny_talk", "build_talk_patch", {}),
    "wav2vec2": ("tests.video_models.tiny_talk", "build_wav2vec2", {}),
    # two_person_dialogue's: the multi patch and ComfyUI's single wav2vec2 file (64 wide: 128 values a frame)
    "infinitetalk-patch-128": ("tests.video_models.tiny_talk", "build_talk_patch", {"per_frame": 128}),
    "wav2vec2-file": ("tests.video_models.tiny_talk", "build_wav2vec2_file", {}),
    # dance_to_music's: Wan Dancer's global and local files for the tiny Wan I2V base (tests/video_models/tiny_dancer.py)
    "wan-dancer-file": ("tests.video_models.tiny_dancer", "build_dancer_file", {}),
    # the tests' own tiny models (the session's shelf, fixture ``tiny``): one builder a family and kind
    "wan-for-training": ("tests.video_models.tiny", "build_wan_for_training", {}),
    "ltx": ("tests.video_models.tiny", "build_ltx", {}),
    "cogvideox": ("tests.video_models.tiny", "build_cogvideox", {}),
    "wan-parts": ("tests.video_models.tiny_parts", "build", {}),          # every part writable as ComfyUI's files
    "ltx2-parts": ("tests.video_models.tiny_ltx2_parts", "build", {}),    # generation="LTX-2.3", "LTX-2.5"
    "wan22-a14b": ("tests.video_models.tiny_wan22", "build_a14b", {}),
    "minimax-h3": ("tests.video_models.tiny_minimax_h3", "build_minimax_h3", {}),
    "hunyuan": ("tests.video_models.tiny_hunyuan", "build_hunyuan", {}),
    "kandinsky5": ("tests.video_models.tiny_kandinsky5", "build_kandinsky5", {}),
    "cosmos1": ("tests.video_models.tiny_cosmos", "build_cosmos1", {}),
    "cosmos2": ("tests.video_models.tiny_cosmos", "build_cosmos2", {}),
    "mochi": ("tests.video_models.tiny_mochi", "build_mochi", {}),
    "helios": ("tests.video_models.tiny_helios", "build_helios", {}),
    "helios-distilled": ("tests.video_models.tiny_helios", "build_helios", {"pyramid": True}),
    "cosmos25": ("tests.video_models.tiny_cosmos", "build_cosmos25", {}),
    "cosmos25-transfer": ("tests.video_models.tiny_cosmos", "build_cosmos25_transfer", {}),
    "kandinsky6": ("tests.video_models.tiny_kandinsky6", "build_kandinsky6", {}),
    "kandinsky6-sr": ("tests.video_models.tiny_kandinsky6", "build_kandinsky6_sr", {}),
    "hunyuan-skyreels": ("tests.video_models.tiny_hunyuan_skyreels", "build_hunyuan_skyreels", {}),
    "framepack": ("tests.video_models.tiny_framepack", "build_framepack", {}),
    "sana-video": ("tests.video_models.tiny_sana_video", "build_sana_video", {}),
    "motif-video": ("tests.video_models.tiny_motif_video", "build_motif_video", {}),
    "cosmos3": ("tests.video_models.tiny_cosmos3", "build_cosmos3", {}),
    "cogvideox-fun-control": ("tests.video_models.tiny_cogvideox_fun", "build_cogvideox_fun_control", {}),
    "cogvideox-fun-inp": ("tests.video_models.tiny_cogvideox_fun", "build_cogvideox_fun_inp", {}),
}


def _declared(folder: str = os.path.join(ROOT, "tests", "video_models")) -> dict:
    """The builders a tiny module declares itself, so that a new family's builder needs no line above: a
    module-level ``TINY = {key: (function, keyword arguments)}`` literal in ``folder``'s tiny*.py, read with
    ast (the module is not imported). A key above wins; the same key declared twice is an error."""
    import ast
    out: dict = {}
    for path in sorted(glob.glob(os.path.join(folder, "tiny*.py"))):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        if "\nTINY = " not in text:
            continue
        for node in ast.parse(text, path).body:
            if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "TINY" for t in node.targets):
                module = "tests.video_models." + os.path.basename(path)[:-3]
                for key, (func, kwargs) in ast.literal_eval(node.value).items():
                    if key in out:
                        raise ValueError(f"tiny builder '{key}' is declared twice ({out[key][0]}, {module})")
                    out[key] = (module, func, kwargs)
    return out


BUILDERS.update({k: v for k, v in _declared().items() if k not in BUILDERS})
# the name a template gives -> the builder that makes a tiny model of it
NAMES = {
    "stabilityai/stable-video-diffusion-img2vid-xt": "svd",
    "Wan-AI/Wan2.1-T2V-1.3B-Diffusers": "wan-t2v",
    "Wan-AI/Wan2.1-VACE-1.3B-diffusers": "wan-vace",
    "Wan-AI/Wan2.1-FLF2V-14B-720P-diffusers": "wan-flf2v",
    "Wan-AI/Wan2.1-I2V-14B-480P-Diffusers": "wan-i2v",
    "Wan-AI/Wan2.2-Animate-14B-Diffusers": "wan-animate",
    "Wan-AI/Wan2.2-Animate-2-14B-Diffusers": "wan-animate-2",
    "Wan2.1-Fun-V1.1-1.3B-Control-Camera-Diffusers": "wan-fun-camera",
    "Wan2.1-Fun-1.3B-Control-Diffusers": "wan-fun",
    "nvidia/Cosmos-Transfer2.5-2B": "cosmos25-transfer",
    "Lightricks/LTX-2": "ltx2",
    "kandinskylab/Kandinsky-6.0-Pro-distill-5s-Diffusers": "kandinsky6",
    "FramePackI2V_HY-Diffusers": "framepack",
    "nvidia/ChronoEdit-14B-Diffusers": "chronoedit",
    "nvidia/Cosmos3-Nano": "cosmos3",
    "diffusers/LTX-2.3-Distilled-Diffusers": "ltx2",
    "ltx-2.3-22b-ic-lora-hdr-0.9.safetensors": "ltx2-hdr-lora",
    "PekingU/rtdetr_r50vd_coco_o365": "rtdetr",
    "usyd-community/vitpose-base-simple": "vitpose-17",
    "vitpose-wholebody": "vitpose-133",
    "depth-anything/Depth-Anything-V2-Small-hf": "depth-anything",
    "facebook/sam2.1-hiera-tiny": "sam2",
    "RealESRGAN_x2plus.pth": "esrgan-x2plus",
    "rife_v4.26.safetensors": "rife-4.26",
    "wan2.1_infiniteTalk_single_fp16.safetensors": "infinitetalk-patch",
    "TencentGameMate/chinese-wav2vec2-base": "wav2vec2",
    "wan2.1_infiniteTalk_multi_fp16.safetensors": "infinitetalk-patch-128",
    "wav2vec2-chinese-base_fp16.safetensors": "wav2vec2-file",
    "wan2.2_dancer_14b_global_fp8_scaled.safetensors": "wan-dancer-file",
    "wan2.2_dancer_14b_local_fp8_scaled.safetensors": "wan-dancer-file",
}


@dataclass
class Written:
    name: str                # as the templates give it
    path: str
    how: str                 # 'built', 'linked to NAME', 'copied from NAME', 'already there'
    seconds: float
    templates: list[str] = field(default_factory=list)


def template_needs(graphs: str = GRAPHS) -> dict[str, list[str]]:
    """Every model name the templates in ``graphs`` give -> the file stems of the templates that
    give it, in name order of first use."""
    import json

    from studio.core.registry import default_registry
    from studio.core.template_models import needed_models
    reg, out = default_registry(), {}
    for p in sorted(glob.glob(os.path.join(graphs, "*.json"))):
        with open(p, encoding="utf-8") as f:
            doc = json.load(f)
        if "template" not in doc.get("ui", {}):
            continue
        for need in needed_models(doc, reg):
            out.setdefault(need.name, []).append(os.path.basename(p)[:-5])
    return out


def _builder(key: str, **more):
    import importlib
    module, func, kwargs = BUILDERS[key]
    fn = getattr(importlib.import_module(module), func)
    return lambda path: fn(path, **{**kwargs, **more})


class Shelf:
    """The session's tiny models, each built once, when first asked for, into its own folder under
    ``root`` (a pytest tmp_path_factory folder: the session fixture ``tiny`` of tests/conftest.py).
    ``shelf(key, **settings)``: what the builder of ``key`` (BUILDERS; settings given override the
    entry's) returned for that folder: its path, or what a writer of files returns. Tests read what
    it gives and never write there: one that changes a tiny model copies it first (:meth:`copy`).
    :meth:`changed` names the folders written into since their build (tests/conftest.py checks it
    at each test module's end)."""

    def __init__(self, root: str):
        self.root = str(root)
        self._made: dict[str, object] = {}                      # folder -> what its builder returned
        self._seen: dict[str, dict[str, tuple[int, int]]] = {}  # folder -> its files' (size, mtime) as built

    def folder(self, key: str, name: str = "", **settings) -> str:
        """Where ``key`` with ``settings`` is (or will be) built: a folder ``name`` (the key's by
        default; tests that read the model's name in messages give theirs) in one of its own."""
        kind = (key + "".join(f"-{k}={v}" for k, v in sorted(settings.items()))).replace("/", "_").replace(" ", "")
        return os.path.join(self.root, kind, name or kind)

    def __call__(self, key: str, name: str = "", **settings):
        folder = self.folder(key, name, **settings)
        if folder not in self._made:
            self._made[folder] = self._built_once(folder, lambda: _builder(key, **settings)(folder))
            self._seen[folder] = _files_of(folder)
        return self._made[folder]

    @staticmethod
    def _built_once(folder: str, build):
        """What ``build`` returned for ``folder`` (a path), built by whichever process of the session asks first:
        the shelf's root may be shared by a parallel run's workers (tests/conftest.py), which wait on a lock
        beside the folder while another builds it, then read the path it wrote beside it."""
        import fcntl
        os.makedirs(os.path.dirname(folder), exist_ok=True)
        done = folder + ".built"
        with open(folder + ".lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if os.path.exists(done):
                with open(done) as f:
                    return f.read()
            made = build()
            if isinstance(made, str):  # every builder returns a path; anything else stays this process's
                with open(done + ".part", "w") as f:
                    f.write(made)
                os.replace(done + ".part", done)
            return made

    def copy(self, key: str, dst: str, **settings) -> str:
        """A copy at ``dst`` of the tiny folder ``key`` (built if not yet), for a test that writes into it."""
        self(key, **settings)
        shutil.copytree(self.folder(key, **settings), dst)
        return dst

    def changed(self) -> list[str]:
        return [f for f, seen in self._seen.items() if _files_of(f) != seen]

    def forget(self, folders) -> None:
        """Builds ``folders`` again when next asked for (they were written into)."""
        for f in folders:
            self._made.pop(f, None)
            self._seen.pop(f, None)
            with contextlib.suppress(FileNotFoundError):
                os.remove(f + ".built")
            shutil.rmtree(f, ignore_errors=True)


def _files_of(folder: str) -> dict[str, tuple[int, int]]:
    """{path: (size, mtime)} of every file under ``folder`` (or of ``folder`` itself, a file)."""
    if os.path.isfile(folder):
        st = os.stat(folder)
        return {folder: (st.st_size, st.st_mtime_ns)}
    out = {}
    for d, _, names in os.walk(folder):
        for n in names:
            st = os.stat(os.path.join(d, n))
            out[os.path.join(d, n)] = (st.st_size, st.st_mtime_ns)
    return out


def _share(src: str, dst: str) -> str:
    """``dst`` made the model at ``src``: a relative link, or a copy where links cannot be made."""
    try:
        os.symlink(os.path.relpath(src, os.path.dirname(dst)), dst, target_is_directory=True)
        return "linked to"
    except OSError:
        shutil.copytree(src, dst, symlinks=False)
        return "copied from"


def build(folder: str, needs: dict[str, list[str]] | None = None,
          shelf: Shelf | None = None) -> tuple[list[Written], dict[str, list[str]]]:
    """Writes a tiny model under each name of ``needs`` (the templates' by default) into ``folder``.
    Returns what was written, and the names no builder makes (-> the templates that need them).
    ``shelf``: the models are taken from it (built there once) and linked, not built here."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    needs = template_needs() if needs is None else needs
    done: dict[str, str] = {}  # builder key -> the name built first
    written, unknown = [], {}
    for name, temps in needs.items():
        key = NAMES.get(name)
        if key is None:
            unknown[name] = temps
            continue
        path = os.path.join(folder, *name.split("/"))
        t = time.perf_counter()
        if os.path.lexists(path):
            how = "already there"
        elif key in done:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            how = f"{_share(os.path.join(folder, *done[key].split('/')), path)} {done[key]}"
        else:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            if shelf is None:
                _builder(key)(path)
                how = "built"
            else:
                shelf(key)
                src = shelf.folder(key)
                if os.path.isdir(src):
                    how = f"{_share(src, path)} the shelf's"
                else:  # a single file: copied, under the template's name and ending
                    shutil.copyfile(src, path)
                    how = "copied from the shelf's"
        done.setdefault(key, name)
        written.append(Written(name, path, how, time.perf_counter() - t, list(temps)))
    return written, unknown


def main(argv: list[str] | None = None) -> int:
    import argparse
    ap = argparse.ArgumentParser(prog="python -m tests.tiny_models",
                                 description="Write tiny random models for every template into DIR, under "
                                             "the names the templates give them (a models folder).")
    ap.add_argument("dir", metavar="DIR", help="the models folder to write into (made if missing)")
    args = ap.parse_args(argv)
    folder = os.path.abspath(args.dir)
    os.makedirs(folder, exist_ok=True)
    t0 = time.perf_counter()
    written, unknown = build(folder)
    for w in written:
        print(f"{w.name}: {w.how} ({w.seconds:.1f} s), for {', '.join(w.templates)}")
    for name, temps in unknown.items():
        print(f"error: no tiny model is made for '{name}' (needed by {', '.join(temps)}): add its builder to "
              "tests/tiny_models.py (NAMES, BUILDERS)", file=sys.stderr)
    print(f"{len(written)} models in {folder} in {time.perf_counter() - t0:.1f} s; run a template on them with "
          f"STUDIO_MODELS={folder}")
    return 1 if unknown else 0


if __name__ == "__main__":
    sys.exit(main())
