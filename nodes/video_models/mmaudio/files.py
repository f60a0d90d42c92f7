"""MMAudio's five files, as kijai's ComfyUI-MMAudio keeps them in ``models/mmaudio/``: the network
(mmaudio_large_44k_v2_fp16.safetensors...), the sound VAE (mmaudio_vae_44k_fp16.safetensors), the Synchformer
(mmaudio_synchformer_fp16.safetensors), CLIP (apple_DFN5B-CLIP-ViT-H-14-384_fp16.safetensors) and NVIDIA's
BigVGAN-v2 vocoder (the pack downloads nvidia/bigvgan_v2_44khz_128band_512x into ``models/mmaudio/nvidia/``: its
bigvgan_generator.pt, a torch file read as data without unpickling, with its config.json; or a .safetensors of
the same tensors). Every header is read and checked, each file against the others, before any tensor is: a
missing or wrong file is one error naming the node and the file. Safetensors read as they are; the VAE's
magnitude-preserving convolutions get their weight normalisation applied once, as MMAudio's remove_weight_norm
does (mmaudio/ext/autoencoder/edm2_utils.py @974010a: each output channel to unit norm, over sqrt(fan in); weights
already of unit norm, a file saved after it, are kept); the vocoder's weight norm (weight_g / weight_v) is
folded (g * v / |v|). The 16 kHz models (80 mel bins) take BigVGAN's first vocoder, which diffusers' MMAudioVocoder
(BigVGAN-v2) is not: refused in words."""
from __future__ import annotations

import os

from studio.core import models as model_paths
from studio.core.errors import StudioError

FOLDER = "mmaudio"  # kijai's pack: folder_paths 'mmaudio' (models/mmaudio)
NODE = "MMAudio"
VOCODER_DIR = "nvidia/bigvgan_v2_44khz_128band_512x"  # where the pack's 44k mode downloads the vocoder
NAMES = {"model": "MMAudio network", "vae": "MMAudio sound VAE", "synchformer": "Synchformer",
         "clip": "CLIP (DFN5B ViT-H-14-384)", "vocoder": "BigVGAN-v2 vocoder"}
EXAMPLES = {"model": "mmaudio_large_44k_v2_fp16.safetensors", "vae": "mmaudio_vae_44k_fp16.safetensors",
            "synchformer": "mmaudio_synchformer_fp16.safetensors",
            "clip": "apple_DFN5B-CLIP-ViT-H-14-384_fp16.safetensors", "vocoder": VOCODER_DIR}
TORCH_FILES = (".pt", ".pth", ".ckpt", ".bin")


class MMAudioError(StudioError):
    pass


def refuse(why: str) -> MMAudioError:
    return MMAudioError(f"{NODE}: {why}")


def find(param: str, name: str, base_dir: str | None = None, dirs: list[str] | None = None) -> str:
    """The file (the vocoder: a file or its folder) a setting names, in the models folders' mmaudio/."""
    if not name.strip():
        raise refuse(f"no {NAMES[param]} chosen: set '{param}' to its file in a models folder's {FOLDER}/, e.g. "
                     f"{EXAMPLES[param]}")
    if param == "vocoder":
        path = model_paths.resolve(name, base_dir, dirs, folders=(FOLDER,))
        if path and os.path.isdir(path):
            return path
    return model_paths.model_file(name, base_dir, dirs, FOLDER, MMAudioError, NAMES[param],
                                  ".safetensors file", EXAMPLES[param], prefix=f"{NODE}: ")


def _header(path: str, what: str) -> dict:
    """name -> shape of a .safetensors file's tensors (its header only)."""
    from studio.core.errors import ModelError
    from studio.core.safetensors_header import read_safetensors_header
    if not path.lower().endswith((".safetensors", ".sft")):
        raise refuse(f"'{path}' is not a .safetensors file: the {what} is read from one")
    try:
        header = read_safetensors_header(path)[0]
    except ModelError as e:
        raise refuse(f"the {what} '{path}': {e}") from None
    return {k: tuple(v["shape"]) for k, v in header.items() if k != "__metadata__" and isinstance(v, dict)}


def _vocoder_source(path: str) -> tuple[str, dict]:
    """(the vocoder's tensor file, its config.json's settings or {}) for a file or NVIDIA's folder."""
    conf = {}
    if os.path.isdir(path):
        names = sorted(os.listdir(path))
        picks = [n for n in names if n.endswith((".safetensors", ".sft"))] or \
            [n for n in names if n.startswith("bigvgan_generator") and n.endswith(TORCH_FILES)]
        if not picks:
            raise refuse(f"the folder '{path}' holds no BigVGAN-v2 vocoder (bigvgan_generator.pt or a .safetensors)")
        conf_path = os.path.join(path, "config.json")
        if os.path.isfile(conf_path):
            from studio.core import json_limits
            with open(conf_path, encoding="utf-8") as f:
                try:
                    conf = json_limits.loads(f.read())
                except ValueError:
                    raise refuse(f"'{conf_path}' is not JSON") from None
        path = os.path.join(path, picks[0])
    return path, conf if isinstance(conf, dict) else {}


def _fold(sd: dict) -> dict:
    """weight_g / weight_v pairs (torch's weight norm, the old or the parametrised names) as their weights."""
    out = {}
    for k, v in sd.items():
        for g_name, v_name in ((".weight_g", ".weight_v"), (".parametrizations.weight.original0",
                                                            ".parametrizations.weight.original1")):
            if k.endswith(g_name):
                base = k[:-len(g_name)]
                vv = sd[base + v_name].float()
                norm = vv.flatten(1).norm(dim=1).view(-1, *([1] * (vv.dim() - 1)))
                out[base + ".weight"] = sd[k].float().view(-1, *([1] * (vv.dim() - 1))) * vv / norm
                break
            if k.endswith(v_name):
                break
        else:
            out[k] = v
    return out


def _vocoder_tensors(path: str) -> dict:
    if path.lower().endswith(TORCH_FILES):
        from studio.engine.torch_zip import TorchFileError, read_torch_file
        try:
            sd = read_torch_file(path, f"{NODE}: {NAMES['vocoder']}")
        except TorchFileError as e:
            raise refuse(str(e)) from None
        sd = sd.get("generator", sd) if isinstance(sd, dict) else sd
        if not isinstance(sd, dict):
            raise refuse(f"'{path}' holds a {type(sd).__name__}, not a table of tensors")
        return sd
    from safetensors.torch import load_file
    return load_file(path, device="cpu")


def _vocoder_shapes(path: str, keep: dict) -> dict:
    """The vocoder's shapes with weight norm folded (a torch file has no header: read whole, its tensors kept in
    ``keep['state']`` for the load)."""
    if path.lower().endswith(TORCH_FILES):
        sd = keep["state"] = _fold(_vocoder_tensors(path))
        return {k: tuple(v.shape) for k, v in sd.items() if hasattr(v, "shape")}
    shapes = _header(path, NAMES["vocoder"])
    for k in list(shapes):
        for g_name, v_name in ((".weight_g", ".weight_v"),
                               (".parametrizations.weight.original0", ".parametrizations.weight.original1")):
            if k.endswith(v_name):
                shapes[k[:-len(v_name)] + ".weight"] = shapes.pop(k)
            elif k.endswith(g_name):
                shapes.pop(k)
    if any(k.startswith("vocoder.") for k in shapes):  # Kandinsky 6's audio file: the same vocoder under vocoder.
        shapes = {k[len("vocoder."):]: v for k, v in shapes.items() if k.startswith("vocoder.")}
    return shapes


def check(paths: dict) -> dict:
    """Every file's header read and checked, and the files against each other; the settings read
    ({'net', 'sync', 'clip', 'vae', 'vocoder', 'vocoder_file', 'mode'}). Nothing large read (the vocoder's torch file
    aside: it has no header)."""
    from ..base.errors import ModelError
    from ..families.kandinsky6 import audio_file

    from . import clip_file, net, sync_net

    def parse(key, fn, shapes, wants: str):
        try:
            return fn(shapes)
        except (KeyError, IndexError, ValueError, ZeroDivisionError) as e:
            raise refuse(f"'{paths[key]}' is not {wants} (no '{e.args[0] if e.args else e}' of its shape): set "
                         f"'{key}' to the {NAMES[key]} ({EXAMPLES[key]} in models/{FOLDER}/)") from None
    n_shapes = _header(paths["model"], NAMES["model"])
    cfg = parse("model", net.config_from_shapes, n_shapes, "MMAudio's network")
    s_shapes = _header(paths["synchformer"], NAMES["synchformer"])
    scfg = parse("synchformer", sync_net.config_from_shapes, s_shapes, "Synchformer's video feature extractor")
    c_shapes = _header(paths["clip"], NAMES["clip"])
    ccfg = parse("clip", clip_file.config, c_shapes, "an open_clip CLIP model")
    v_shapes = {("vae." + k if not k.startswith("vae.") else k): v for k, v in
                _header(paths["vae"], NAMES["vae"]).items()}
    try:
        vcfg = audio_file.vae_config(v_shapes, paths["vae"])
    except (ModelError, KeyError, IndexError) as e:
        raise refuse(f"'{paths['vae']}' is not MMAudio's sound VAE ({e})") from None
    if vcfg["mel_bins"] != 128:
        raise refuse(f"'{paths['vae']}' makes {vcfg['mel_bins']} mel bins: a 16 kHz MMAudio VAE, whose vocoder "
                     "(BigVGAN's first) Studio does not read; give the 44.1 kHz files (mmaudio_vae_44k, "
                     "mmaudio_large_44k_v2)")
    vcfg.update(sample_rate=44_100, n_fft=2048, hop_length=512)  # MMAudio's 44k mel (ext/mel_converter.py)
    voc_file, voc_conf = _vocoder_source(paths["vocoder"])
    kept: dict = {}
    try:
        ocfg = audio_file.vocoder_config(_vocoder_shapes(voc_file, kept), voc_conf, voc_file)
    except (ModelError, KeyError, IndexError) as e:
        raise refuse(f"'{voc_file}' is not a BigVGAN-v2 vocoder ({e})") from None
    pairs = (("network's latent channels", cfg["latent_dim"], "VAE's", vcfg["latent_channels"], "vae"),
             ("network's CLIP width", cfg["clip_dim"], "CLIP's projection", ccfg.projection_dim, "clip"),
             ("network's text width", cfg["text_dim"], "CLIP's text width", ccfg.text_config.hidden_size, "clip"),
             ("network's Synchformer width", cfg["sync_dim"], "Synchformer's", scfg["dim"], "synchformer"),
             ("VAE's mel bins", vcfg["mel_bins"], "vocoder's", ocfg["num_mels"], "vocoder"))
    for a, x, b, y, key in pairs:
        if x != y:
            raise refuse(f"the {a} ({x}) and the {b} ({y}) differ: '{paths[key]}' is not the {NAMES[key]} of "
                         f"'{os.path.basename(paths['model'])}'")
    return {"net": cfg, "sync": scfg, "clip": ccfg, "vae": vcfg, "vocoder": ocfg, "vocoder_file": voc_file,
            "vocoder_state": kept.get("state")}


def _safetensors(path: str) -> dict:
    from safetensors.torch import load_file
    return load_file(path, device="cpu")


def _own(cls_build, sd: dict, dtype, path: str):
    """A network of this package built on the meta device, the file's tensors assigned (strict), its computed
    buffers made."""
    import torch
    with torch.device("meta"):
        model = cls_build()
    want = model.state_dict()
    sd = {k: v.to(dtype) if v.is_floating_point() else v for k, v in sd.items() if k in want}
    missing = [k for k in want if k not in sd]
    if missing:
        raise refuse(f"'{path}' lacks {len(missing)} of the network's tensors (e.g. {', '.join(missing[:3])})")
    bad = [k for k in want if tuple(want[k].shape) != tuple(sd[k].shape)]
    if bad:
        raise refuse(f"'{path}': '{bad[0]}' is {tuple(sd[bad[0]].shape)}, the network takes {tuple(want[bad[0]].shape)}")
    model.load_state_dict(sd, assign=True, strict=True)
    if hasattr(model, "computed_buffers"):
        model.computed_buffers()
    return model.eval()


class DecoderOnly:
    """diffusers' MMAudioVAE without its encoder (MMAudio only decodes): lean_load's ``cls``."""
    _keep_in_fp32_modules = None

    @staticmethod
    def from_config(cfg):
        from diffusers import MMAudioVAE
        model = MMAudioVAE.from_config(cfg)
        model.vae.encoder = None
        return model


def normalised(w):
    """MMAudio's remove_weight_norm on one magnitude-preserving weight (edm2_utils.py's normalize, then / sqrt fan in:
    each output channel of norm 1). A weight whose channels are of norm 1 already (a file saved after it) is kept:
    applying it again would shrink each by its eps (1e-4 of sqrt fan in)."""
    import math

    import torch
    x = w.float()
    norm = torch.linalg.vector_norm(x, dim=list(range(1, x.ndim)), keepdim=True)
    if (norm.mean() - 1).abs() < 0.05:
        return x
    fan_in = x[0].numel()
    return x / (1e-4 + norm / math.sqrt(fan_in)) / math.sqrt(fan_in)


def load(paths: dict, found: dict, dtype) -> dict:
    """The five models, on the CPU in ``dtype`` (fp32: the sound VAE and vocoder), from ``check``'s answer."""
    import torch

    from ..files.single_file import lean_load
    from ..files.weight_formats import WeightFile
    from transformers import CLIPModel

    from . import clip_file, net, sync_net
    out = {"net": _own(lambda: net.MMAudioNet(**found["net"]), _safetensors(paths["model"]), dtype, paths["model"]),
           "sync": _own(lambda: sync_net.Synchformer(**found["sync"]),
                        {k: v for k, v in _safetensors(paths["synchformer"]).items() if k.startswith("vfeat_extractor.")},
                        dtype, paths["synchformer"])}
    blank = lambda p: WeightFile(path=p, kind="safetensors", tensors={}, scales={})  # noqa: E731
    clip_sd = clip_file.renamed(_safetensors(paths["clip"]), found["clip"])
    out["clip"] = lean_load(CLIPModel, found["clip"], blank(paths["clip"]), dtype, state=clip_sd)
    vae_sd = {}
    for k, v in _safetensors(paths["vae"]).items():
        k = k if k.startswith("vae.") else "vae." + k
        if k.startswith("vae.encoder."):
            continue
        if k.startswith("vae.decoder.") and k.endswith(".weight"):
            v = normalised(v)
        if k in ("vae.data_mean", "vae.data_std"):
            v = v.float().reshape(1, -1, 1)
        vae_sd[k] = v
    out["vae"] = lean_load(DecoderOnly, found["vae"], blank(paths["vae"]), torch.float32, state=vae_sd)
    voc = found.get("vocoder_state") or _fold(_vocoder_tensors(found["vocoder_file"]))
    if any(k.startswith("vocoder.") for k in voc):
        voc = {k[len("vocoder."):]: v for k, v in voc.items() if k.startswith("vocoder.")}
    from diffusers import MMAudioVocoder
    out["vocoder"] = lean_load(MMAudioVocoder, found["vocoder"], blank(found["vocoder_file"]), torch.float32, state=voc)
    return out
