"""Preprocessor models: a folder in the Hugging Face layout (config.json, model.safetensors,
preprocessor_config.json), found like the video models are (studio.core.models), checked for its
files and its kind before anything is read, loaded with transformers (never downloaded) and kept
in the engine's model cache (the loader node's ``keeps_model``)."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from studio.core import json_limits
from studio.core import models as model_paths
from studio.core.errors import StudioError
from studio.core.limits import regular_file_problem
from studio.core.params import Choice, Int, Path
from studio.core.spec import SOURCE, Node, Out
from studio.core.values import ModelRef

from .hf_weights import WeightsError, check_weights

CATEGORY = "Preprocess"
# Frames through a model at once. On the CPU one at a time is the fastest (measured 2026-11-24 on 2 cores:
# RT-DETR r50vd at 512x512, 8 frames as one batch took 1.6x the time of 8 calls of one: the batch's
# activations leave the caches); on a GPU a batch fills the card.
BATCH = Int("batch", 0, min=0, max=256, special="auto",
            help="frames through the model at once; 0 (auto): 8 on a GPU, 1 on the CPU (one at a time is "
                 "faster there)")


def batch_for(ref, asked: int) -> int:
    """The frames per model call: ``asked``, or for 0 (auto) the device's best (see BATCH)."""
    if asked:
        return int(asked)
    return 1 if str(getattr(ref, "device", "cpu")).split(":")[0] == "cpu" else 8
FILES = ("config.json", "model.safetensors", "preprocessor_config.json")


@dataclass(frozen=True)
class Kind:
    title: str
    model_types: tuple[str, ...]
    model_class: str
    processor_class: str
    example: str
    classes: tuple[tuple[str, str], ...] = ()  # (model_type, class) where a kind takes more than one model
    processors: tuple[tuple[str, str], ...] = ()  # (model_type, processor class) likewise
    takes: str = "video"  # what its node reads ("video", "audio")


KINDS = {
    "people": Kind("person detector (RT-DETR)", ("rt_detr", "rt_detr_v2"), "RTDetrForObjectDetection",
                   "RTDetrImageProcessor", "PekingU/rtdetr_r50vd_coco_o365"),
    "pose": Kind("pose model (ViTPose)", ("vitpose",), "VitPoseForPoseEstimation", "VitPoseImageProcessor",
                 "usyd-community/vitpose-base-simple"),
    "depth": Kind("depth model (Depth Anything)", ("depth_anything",), "DepthAnythingForDepthEstimation",
                  "DPTImageProcessor", "depth-anything/Depth-Anything-V2-Small-hf"),
    # the SAM 2 and SAM 3 video processors need torchvision: Segment prepares frames from
    # preprocessor_config.json (and tokenises a SAM 3 phrase with the folder's tokenizer)
    "segment": Kind("video segmenter (SAM 2 or SAM 3 video)", ("sam2_video", "sam2", "sam3_video"), "Sam2VideoModel",
                    "", "facebook/sam2.1-hiera-tiny", classes=(("sam3_video", "Sam3VideoModel"),)),
    # the speech encoders the voice-driven video models were trained on (Speech Features,
    # nodes/encoders/speech.py): wav2vec2 (InfiniteTalk, Wan S2V) and Whisper's encoder (HuMo)
    "speech": Kind("speech encoder (wav2vec2 or Whisper)", ("wav2vec2", "whisper"), "Wav2Vec2Model",
                   "Wav2Vec2FeatureExtractor", "facebook/wav2vec2-base-960h",
                   classes=(("whisper", "WhisperModel"),), processors=(("whisper", "WhisperFeatureExtractor"),),
                   takes="audio"),
}


class PreprocessModelError(StudioError):
    pass


def base_dir(ctx) -> str | None:
    """The folder of the graph being run (relative paths in it mean next to it), if it has one."""
    return getattr(ctx.options.get("graph"), "base_dir", None)


def find_folder(name: str, base_dir: str | None, want: str) -> str:
    """The model folder ``name`` resolves to, with every file a load needs, or an error naming the
    folder and the files expected (nothing is downloaded)."""
    k = KINDS[want]
    files = ", ".join(FILES)
    if not name.strip():
        raise PreprocessModelError(f"no {k.title} chosen: set 'model' to a folder in the Hugging Face layout "
                                   f"({files}), e.g. {k.example} under a models folder")
    path = model_paths.resolve(name, base_dir)
    if path is None:
        path = _hf_snapshot(name)
        if path is None:
            raise PreprocessModelError(
                f"{k.title} '{name}' not found: looked in {', '.join(model_paths.model_dirs())}. Wanted a folder "
                f"'{name}' with {files} (Edit > Preferences… sets the models folders, or STUDIO_MODELS). "
                "Studio never downloads.")
    if not os.path.isdir(path):
        raise PreprocessModelError(f"{k.title} '{path}' is not a folder: wanted a folder with {files}")
    odd = [(f, why) for f in FILES if os.path.lexists(os.path.join(path, f))
           and (why := regular_file_problem(os.path.join(path, f)))]
    if odd:  # a FIFO in a file's place would block the load; named before anything is opened
        raise PreprocessModelError(f"the {k.title} folder '{path}': " + "; ".join(f"{f}: {w}" for f, w in odd))
    missing = [f for f in FILES if not os.path.isfile(os.path.join(path, f))]
    if "model.safetensors" in missing and os.path.isfile(os.path.join(path, "model.safetensors.index.json")):
        missing.remove("model.safetensors")
    if missing:
        raise PreprocessModelError(f"the {k.title} folder '{path}' lacks {', '.join(missing)} (a folder in the "
                                   f"Hugging Face layout has {files})")
    if check_kind(path, want).get("model_type") == "sam3_video":
        check_tokenizer(path)
    return path


def _hf_snapshot(name: str) -> str | None:
    """A Hugging Face cache snapshot of 'org/name' that has a config.json (the models resolver
    only takes diffusers snapshots)."""
    for root in model_paths.model_dirs():
        snaps = os.path.join(root, "models--" + name.strip("/").replace("/", "--"), "snapshots")
        if os.path.isdir(snaps):
            for r in sorted((os.path.join(snaps, x) for x in os.listdir(snaps)), key=os.path.getmtime, reverse=True):
                if os.path.isfile(os.path.join(r, "config.json")):
                    return r
    return None


def read_config(path: str) -> dict:
    """A model folder's config.json as a dict; a FIFO, device or folder in its place is refused
    before it is opened (opening a FIFO would block the run)."""
    cfg_path = os.path.join(path, "config.json")
    if os.path.lexists(cfg_path) and (why := regular_file_problem(cfg_path)):
        raise PreprocessModelError(f"cannot read {cfg_path}: {why}")
    try:
        cfg = json_limits.load_file(cfg_path)
    except (OSError, ValueError) as e:
        raise PreprocessModelError(f"cannot read {os.path.join(path, 'config.json')}: {e}") from None
    if not isinstance(cfg, dict):
        raise PreprocessModelError(f"{os.path.join(path, 'config.json')} is not a JSON object")
    return cfg


def check_kind(path: str, want: str) -> dict:
    """config.json says a model of kind ``want`` (its model_type, or its architectures), or an
    error naming what the folder holds instead."""
    cfg = read_config(path)
    k = KINDS[want]
    mt, archs = cfg.get("model_type", ""), cfg.get("architectures") or []
    if mt in k.model_types or k.model_class in archs or any(c in archs for _, c in k.classes):
        return cfg
    held = next((x.title for x in KINDS.values() if mt in x.model_types), None)
    what = f"a {held}" if held else f"model_type '{mt or '?'}' ({', '.join(archs) or 'no architectures'})"
    raise PreprocessModelError(f"'{path}' holds {what}, not a {k.title}: this slot wants model_type "
                               f"{' or '.join(k.model_types)} ({k.model_class})")


@dataclass
class PreprocessModel(ModelRef):
    """A loaded preprocessor: the transformers model, its image processor (SAM 3: the phrase's tokenizer),
    where it runs."""
    processor: Any = None
    path: str = ""
    device: Any = None
    shared: dict = field(default_factory=dict, repr=False)

    @property
    def model_device(self) -> str:
        return str(self.device)

    def release(self) -> None:
        if self.shared.get("released"):
            return
        self.module.to("meta")
        self.shared["released"] = True

    def check(self, want: str, node: str) -> "PreprocessModel":
        if self.kind != want:
            got = KINDS[self.kind].title if self.kind in KINDS else self.kind or "model"
            raise PreprocessModelError(f"{node} needs a {KINDS[want].title} on its model input, got a {got} "
                                       f"('{self.path}')")
        if self.shared.get("released"):
            raise PreprocessModelError(f"the {KINDS[want].title} '{self.path}' was unloaded to make room for "
                                       "another: run again to load it")
        return self


def model_input(value: Any, want: str, node: str) -> PreprocessModel:
    if not isinstance(value, PreprocessModel):
        raise PreprocessModelError(f"{node} needs a {KINDS[want].title} from Load Preprocessor on its model "
                                   f"input, got {type(value).__name__}")
    return value.check(want, node)


def processor_class(want: str, model_type: str = ""):
    """The processor of kind ``want`` (for ``model_type`` where the kind takes several models): an
    image processor is the torchvision one where torchvision is installed, else the PIL one
    transformers would fall back to (said once by transformers as a warning); an audio feature
    extractor is itself."""
    import importlib.util

    import transformers
    k = KINDS[want]
    name = dict(k.processors).get(model_type, k.processor_class)
    if k.takes == "audio":
        return getattr(transformers, name)
    return getattr(transformers, name if importlib.util.find_spec("torchvision") else name + "Pil")


TOKENIZER_FILES = (("tokenizer.json",), ("vocab.json", "merges.txt"))


def check_tokenizer(path: str) -> None:
    if not any(all(os.path.isfile(os.path.join(path, f)) for f in fs) for fs in TOKENIZER_FILES):
        raise PreprocessModelError(f"the SAM 3 folder '{path}' has no tokenizer: wanted tokenizer.json, or vocab.json "
                                   "and merges.txt (with tokenizer_config.json), as the published folders have")


def load_tokenizer(path: str):
    """The CLIP tokenizer in a SAM 3 folder (tokenizer.json, or vocab.json and merges.txt)."""
    from transformers import AutoTokenizer
    check_tokenizer(path)
    return AutoTokenizer.from_pretrained(path, local_files_only=True)


def load(path: str, want: str, device) -> PreprocessModel:
    """The model and its image processor from ``path`` (local files only), in eval mode on ``device``."""
    # offline: never a download (Sam3VideoModel, for one, asks the hub for a kernel where `kernels` is installed)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import transformers
    k = KINDS[want]
    cfg = check_kind(path, want)
    cls = dict(k.classes).get(cfg.get("model_type"), k.model_class)
    try:  # shards inside the folder and regular files; the config's layer counts within the weights
        check_weights(path, cfg, k.title)
    except WeightsError as e:
        raise PreprocessModelError(str(e)) from None
    model = getattr(transformers, cls).from_pretrained(path, local_files_only=True, use_safetensors=True)
    model = model.to(device).eval()
    processor = (processor_class(want, cfg.get("model_type", "")).from_pretrained(path, local_files_only=True)
                 if k.processor_class else None)
    if cls == "Sam3VideoModel":  # the phrase's tokenizer (the SAM 3 processor itself needs torchvision)
        processor = load_tokenizer(path)
    return PreprocessModel(module=model, config=cfg, kind=want, processor=processor, path=path, device=device)


class LoadPreprocessor(Node):
    """Open a preprocessor model from your disk: a folder in the Hugging Face layout (config.json,
    model.safetensors, preprocessor_config.json) for Detect People (RT-DETR), Pose Estimate
    (ViTPose, ViTPose++ whole-body), Depth (Depth Anything V2), Segment (SAM 2 video, or SAM 3
    video for a phrase) or Speech Features (wav2vec2, Whisper). Kept loaded between runs; never downloads."""
    id = "preprocess.load"
    title = "Load Preprocessor"
    category = CATEGORY
    timing = SOURCE
    outputs = (Out("model", "Model"),)
    params = (Choice("kind", "pose", choices=tuple(KINDS), help="what the model does: people (RT-DETR), "
                                                               "pose (ViTPose), depth (Depth Anything), "
                                                               "segment (SAM 2 or SAM 3 video), speech (wav2vec2 or Whisper)"),
              Path("model", "", mode="dir", lookup=True, help="a Hugging Face layout folder, or a name under "
                                                             "the models folders (org/name)"),
              Choice("device", "auto", choices=("auto", "cuda", "mps", "cpu"), help="auto: the graph's device"))

    keeps_model = True

    @classmethod
    def model_families(cls) -> list[dict]:
        """One record per kind of preprocessor model (KINDS): `main.py families`, Help > Model families."""
        return [{"kind": "preprocessor", "family": key, "name": k.title, "variants": list(k.model_types),
                 "tasks": [key], "inputs": {key: [k.takes]},
                 "formats": ["Hugging Face transformers folder (.safetensors)"]} for key, k in KINDS.items()]

    @classmethod
    def preflight(cls, params, base_dir):
        try:
            find_folder(params.get("model") or "", base_dir, params.get("kind", "pose"))
        except PreprocessModelError as e:
            return [str(e)]
        return []

    @classmethod
    def signature_files(cls, params, base_dir=None) -> list[str]:
        v = params.get("model") or ""
        p = (model_paths.resolve(v, base_dir) or _hf_snapshot(v)) if v.strip() else None
        names = FILES + tuple(f for fs in TOKENIZER_FILES for f in fs)
        return [os.path.join(p, f) for f in names if p and os.path.isfile(os.path.join(p, f))]

    @classmethod
    def model_footprint(cls, params, device, base_dir=None) -> tuple[str, int]:
        dev = str(device) if params.get("device", "auto") == "auto" else params["device"]
        files = cls.signature_files(params, base_dir)
        return dev, sum(os.path.getsize(f) for f in files if f.endswith(".safetensors"))

    def run(self, ctx):
        from studio.engine.device import resolve_device
        p = ctx.params
        path = find_folder(p.model, base_dir(ctx), p.kind)
        device = ctx.device if p.device == "auto" else resolve_device(p.device)
        ref = load(path, p.kind, device)
        n = sum(t.numel() for t in ref.module.parameters())
        ctx.info(f"{KINDS[p.kind].title} '{os.path.basename(path.rstrip(os.sep))}': {n:,} parameters on {device}")
        return {"model": ref}
