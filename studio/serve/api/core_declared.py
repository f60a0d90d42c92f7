"""ComfyUI's own declarations of the core node types /object_info lists and /prompt checks (checks/validate.py)
by hand: their inputs (names, types, ranges, defaults, as ComfyUI's nodes.py and comfy_extras/ declare them:
facts, no code), outputs and category, so a client is told what ComfyUI would tell it and a value outside is
refused naming its input. A model family's own nodes are declared in its folder (its hook 'comfy_declared',
nodes/video_models/families/<family>/) and merged here (CORE, OPTIONAL). Narrowed where Studio takes less
(EmptyImage is made a Solid Colour: 16 to 4096 pixels a side; test_validate checks the two agree). An input
typed "*" takes anything."""
from __future__ import annotations

from collections.abc import Iterator, Mapping, Set as AbstractSet

from studio.convert.families import registry as families

MAX_SEED = 0xFFFFFFFFFFFFFFFF
# (inputs, outputs, category) of the nodes clients send most: EmptyImage -> CreateVideo -> SaveVideo, a sampler's chain
OWN = {
    "EmptyImage": ({"width": ["INT", {"default": 512, "min": 16, "max": 4096}],
                    "height": ["INT", {"default": 512, "min": 16, "max": 4096}],
                    "batch_size": ["INT", {"default": 1, "min": 1, "max": 4096}],
                    "color": ["INT", {"default": 0, "min": 0, "max": 0xFFFFFF}]}, ["IMAGE"], "image"),
    "SaveVideo": ({"video": ["VIDEO"], "filename_prefix": ["STRING", {"default": "video/ComfyUI"}],
                   "format": [["auto", "mp4"], {"default": "auto"}], "codec": [["auto", "h264"], {"default": "auto"}]},
                  [], "image/video"),
    "KSampler": ({"model": ["MODEL"], "seed": ["INT", {"default": 0, "min": 0, "max": MAX_SEED,
                                                       "control_after_generate": True}],
                  "steps": ["INT", {"default": 20, "min": 1, "max": 10000}],
                  "cfg": ["FLOAT", {"default": 8.0, "min": 0.0, "max": 100.0}], "sampler_name": ["*"],
                  "scheduler": ["*"], "positive": ["CONDITIONING"], "negative": ["CONDITIONING"],
                  "latent_image": ["LATENT"], "denoise": ["FLOAT", {"default": 1.0, "min": 0.0, "max": 1.0}]},
                 ["LATENT"], "sampling"),
    "CLIPTextEncode": ({"text": ["STRING", {"multiline": True}], "clip": ["CLIP"]}, ["CONDITIONING"], "conditioning"),
    "VAEDecode": ({"samples": ["LATENT"], "vae": ["VAE"]}, ["IMAGE"], "latent"),
    "ModelSamplingAuraFlow": ({"model": ["MODEL"], "shift": ["FLOAT", {"default": 1.73, "min": 0.0, "max": 100.0,
                                                                       "step": 0.01}]}, ["MODEL"], "advanced/model"),
}
MAX_RESOLUTION = 16384  # ComfyUI's (nodes.py)
_SIDE = {"min": 0, "max": MAX_RESOLUTION, "step": 1}
_METHODS = [["nearest-exact", "bilinear", "area", "bicubic", "lanczos"]]
_BATCH = ["INT", {"default": 1, "min": 1, "max": 4096}]


def _latent(w: int, h: int, lo: int, step: int, length: tuple | None = None) -> dict:
    """An empty latent's inputs as ComfyUI declares them: width, height (from ``lo``, by ``step``), a video's
    length (default, step), batch_size."""
    side = {"min": lo, "max": MAX_RESOLUTION, "step": step}
    d = {"width": ["INT", {"default": w, **side}], "height": ["INT", {"default": h, **side}]}
    if length is not None:
        d["length"] = ["INT", {"default": length[0], "min": 1, "max": MAX_RESOLUTION, "step": length[1]}]
    return {**d, "batch_size": _BATCH}


# ComfyUI's core image and video nodes Studio runs node for node (studio.convert.finishing.core), and the
# generic empty latents (a family's own: its folder's, merged in CORE below), with ComfyUI's own declarations
# (nodes.py, comfy_extras/: names, types, ranges, defaults)
OWN.update({
    "SaveImage": ({"images": ["IMAGE"], "filename_prefix": ["STRING", {"default": "ComfyUI"}]}, [], "image"),
    "PreviewImage": ({"images": ["IMAGE"]}, [], "image"),
    "ImageScale": ({"image": ["IMAGE"], "upscale_method": _METHODS, "width": ["INT", {"default": 512, **_SIDE}],
                    "height": ["INT", {"default": 512, **_SIDE}], "crop": [["disabled", "center"]]},
                   ["IMAGE"], "image/upscaling"),
    "ImageScaleBy": ({"image": ["IMAGE"], "upscale_method": _METHODS,
                      "scale_by": ["FLOAT", {"default": 1.0, "min": 0.01, "max": 8.0, "step": 0.01}]},
                     ["IMAGE"], "image/upscaling"),
    "ImageInvert": ({"image": ["IMAGE"]}, ["IMAGE"], "image"),
    "ImageBatch": ({"image1": ["IMAGE"], "image2": ["IMAGE"]}, ["IMAGE"], "image"),
    "ImageFromBatch": ({"image": ["IMAGE"], "batch_index": ["INT", {"default": 0, "min": 0, "max": 4095}],
                        "length": ["INT", {"default": 1, "min": 1, "max": 4096}]}, ["IMAGE"], "image/batch"),
    "RepeatImageBatch": ({"image": ["IMAGE"], "amount": ["INT", {"default": 1, "min": 1, "max": 4096}]},
                         ["IMAGE"], "image/batch"),
    "ImageCrop": ({"image": ["IMAGE"], "width": ["INT", {"default": 512, "min": 1, "max": MAX_RESOLUTION, "step": 1}],
                   "height": ["INT", {"default": 512, "min": 1, "max": MAX_RESOLUTION, "step": 1}],
                   "x": ["INT", {"default": 0, **_SIDE}], "y": ["INT", {"default": 0, **_SIDE}]},
                  ["IMAGE"], "image/transform"),
    "ImagePadForOutpaint": ({"image": ["IMAGE"], **{k: ["INT", {"default": 0, "min": 0, "max": MAX_RESOLUTION, "step": 8}]
                                                    for k in ("left", "top", "right", "bottom")},
                             "feathering": ["INT", {"default": 40, **_SIDE}]}, ["IMAGE", "MASK"], "image"),
    "ImageBlend": ({"image1": ["IMAGE"], "image2": ["IMAGE"],
                    "blend_factor": ["FLOAT", {"default": 0.5, "min": 0.0, "max": 1.0, "step": 0.01}],
                    "blend_mode": [["normal", "multiply", "screen", "overlay", "soft_light", "difference"]]},
                   ["IMAGE"], "image/postprocessing"),
    "ImageCompositeMasked": ({"destination": ["IMAGE"], "source": ["IMAGE"], "x": ["INT", {"default": 0, **_SIDE}],
                              "y": ["INT", {"default": 0, **_SIDE}], "resize_source": ["BOOLEAN", {"default": False}],
                              "mask": ["MASK"]}, ["IMAGE"], "image"),
    "CreateVideo": ({"images": ["IMAGE"], "fps": ["FLOAT", {"default": 30.0, "min": 1.0, "max": 120.0, "step": 1.0}],
                     "audio": ["AUDIO"]}, ["VIDEO"], "image/video"),
    "UpscaleModelLoader": ({"model_name": ["STRING", {"default": ""}]}, ["UPSCALE_MODEL"], "loaders"),
    "ImageUpscaleWithModel": ({"upscale_model": ["UPSCALE_MODEL"], "image": ["IMAGE"]}, ["IMAGE"],
                              "image/upscaling"),
    "EmptyLatentImage": (_latent(512, 512, 16, 8), ["LATENT"], "latent"),
    "EmptySD3LatentImage": (_latent(1024, 1024, 16, 16), ["LATENT"], "latent/sd3"),
    "PrimitiveNode": ({}, ["*"], "utils"),  # the page's widget node: its value is put into the inputs it feeds
})
# the inputs ComfyUI declares optional (a core node's: CORE lists them with the required)
OWN_OPTIONAL = {("ImageCompositeMasked", "mask"), ("CreateVideo", "audio")}


def _catalogued(cls: str) -> tuple[dict, list, str, set[str]] | None:
    """ComfyUI's declaration of ``cls`` as the catalogue read it from its source (inputs with their types, choices,
    defaults and ranges; outputs; category; the optional inputs); None where it is not catalogued."""
    from studio.convert import catalogue
    t = catalogue.node_type(cls)
    if t is None:
        return None
    inputs: dict[str, list] = {}
    for i in t.inputs:
        if not i.widget:
            inputs[i.name] = [i.type]
            continue
        conf = {k: v for k in ("default", "min", "max", "step") if isinstance(v := getattr(i, k), (int, float, str))}
        inputs[i.name] = [list(i.options), conf] if isinstance(i.options, tuple) else [i.type, conf]
    return inputs, [o.type for o in t.outputs], t.category, {i.name for i in t.inputs if i.optional}


def _core_masks() -> None:
    """The core mask nodes and ImageStitch Studio runs node for node (finishing.core_masks), declared once: as the
    catalogue holds ComfyUI's declarations of them."""
    from studio.convert.finishing.core_masks import MASK_OPS
    for cls in MASK_OPS:
        made = _catalogued(cls)
        if made is not None and cls not in OWN:
            OWN[cls] = made[:3]
            OWN_OPTIONAL.update((cls, k) for k in made[3])


_core_masks()


class _Core(Mapping):
    """OWN and the node types the families declare whole (their hook 'comfy_declared': a family's empty latents,
    HunyuanVideo's, LTX-Video's, Wan 2.2's), merged when asked (the families' mappings may change: a test's)."""

    def _all(self) -> dict[str, tuple]:
        return {**{cls: d[:3] for cls, d in families.lookup("comfy_declared").items()}, **OWN}

    def __getitem__(self, cls: str) -> tuple:
        return OWN[cls] if cls in OWN else families.lookup("comfy_declared")[cls][:3]

    def __contains__(self, cls: object) -> bool:
        return cls in OWN or cls in families.lookup("comfy_declared")

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


class _Optional(AbstractSet):
    """OWN_OPTIONAL and the optional inputs of the node types the families declare whole: (type, input) pairs."""

    def _all(self) -> set[tuple[str, str]]:
        return OWN_OPTIONAL | {(cls, k) for cls, d in families.lookup("comfy_declared").items() for k in d[3]}

    def __contains__(self, pair: object) -> bool:
        return pair in self._all()

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


CORE: Mapping[str, tuple] = _Core()  # every core node type declared by hand: (inputs, outputs, category)
OPTIONAL: AbstractSet[tuple[str, str]] = _Optional()
# a model widget of a core node: its options are the files of that models folder here
CORE_MODELS = {("UpscaleModelLoader", "model_name"): "upscale_models"}
