"""LivePortrait's five files as ComfyUI users keep them (Kijai/LivePortrait_safetensors, in a models
folder's liveportrait/: appearance_feature_extractor, motion_extractor, warping_module, spade_generator,
stitching_retargeting_module .safetensors): each header read first, the network's config read from its
tensor shapes, the shapes compared with the network's own on the meta device (nothing allocated), and
only then the weights read. The stitching file holds the release's three MLPs under
``retarget_shoulder`` (stitching), ``retarget_mouth`` (lip) and ``retarget_eye`` (eye). Pickles
(the release's .pth) are refused unopened."""
from __future__ import annotations

import os

import torch

from studio.core.errors import ModelError
from studio.core.safetensors_header import numbered, read_safetensors_header, refuse_pickle

from .motion_net import MotionExtractor
from .networks import AppearanceFeatureExtractor, SPADEDecoder, StitchingRetargetingNetwork, WarpingNetwork

PARTS = ("appearance", "motion", "warping", "generator", "stitching")
FILE_NAMES = {"appearance": "appearance_feature_extractor.safetensors",
              "motion": "motion_extractor.safetensors", "warping": "warping_module.safetensors",
              "generator": "spade_generator.safetensors", "stitching": "stitching_retargeting_module.safetensors"}
SIGN = {"appearance": "first.conv.weight", "motion": "detector.fc_kp.weight",
        "warping": "dense_motion_network.mask.weight", "generator": "fc.weight"}  # one tensor each file must hold
MLPS = {"stitching": "retarget_shoulder", "lip": "retarget_mouth", "eye": "retarget_eye"}


def header_shapes(path: str) -> dict[str, tuple]:
    refuse_pickle(path)
    header = read_safetensors_header(path)[0]
    return {k: tuple(v["shape"]) for k, v in header.items() if k != "__metadata__"}


def _need(shapes: dict, key: str, path: str, part: str) -> tuple:
    if key not in shapes:
        held = ", ".join(list(shapes)[:3]) or "no tensors"
        raise ModelError(f"'{os.path.basename(path)}' is not LivePortrait's {part} file: it holds no '{key}' "
                         f"(it holds {held}...)")
    return shapes[key]


def config(part: str, shapes: dict, path: str) -> dict:
    """A network's config from its file's tensor shapes (the release's models.yaml for its own files)."""
    if part == "appearance":
        e = _need(shapes, SIGN[part], path, part)[0]
        cap = _need(shapes, "second.weight", path, part)[0]
        rc = _need(shapes, "resblocks_3d.3dr0.conv1.weight", path, part)[0]
        return dict(image_channel=3, block_expansion=e, max_features=cap, reshape_channel=rc,
                    reshape_depth=max(1, cap // max(1, rc)), num_down_blocks=numbered(shapes, "down_blocks.", path,
                                                                                      same=False),
                    num_resblocks=numbered(shapes, "resblocks_3d.3dr", path, same=False))
    if part == "motion":
        k3 = _need(shapes, SIGN[part], path, part)[0]
        n = numbered(shapes, "detector.stages.", path, same=False)
        dims = tuple(_need(shapes, f"detector.downsample_layers.{i}.{0 if i == 0 else 1}.weight", path, part)[0]
                     for i in range(n))
        depths = tuple(numbered(shapes, f"detector.stages.{i}.", path, same=False) for i in range(n))
        return dict(dims=dims, depths=depths, num_kp=k3 // 3,
                    num_bins=_need(shapes, "detector.fc_pitch.weight", path, part)[0])
    if part == "warping":
        p = "dense_motion_network."
        k = _need(shapes, SIGN[part], path, part)[0] - 1
        comp = _need(shapes, p + "compress.weight", path, part)
        n = numbered(shapes, p + "hourglass.encoder.down_blocks.", path, same=False)
        outs = [_need(shapes, f"{p}hourglass.encoder.down_blocks.{i}.conv.weight", path, part) for i in range(n)]
        filters = _need(shapes, p + "hourglass.decoder.conv.weight", path, part)[0]  # expansion + its input's
        if not outs:
            raise ModelError(f"'{os.path.basename(path)}' is not LivePortrait's warping file: its dense-motion "
                             "hourglass has no blocks")
        third = _need(shapes, "third.conv.weight", path, part)
        return dict(num_kp=k, compress=comp[0], reshape_channel=comp[1], dense_blocks=n,
                    dense_expansion=filters - outs[0][1], dense_max_features=max(o[0] for o in outs), max_features=third[1], block_expansion=third[0],
                    num_down_blocks=0,
                    reshape_depth=max(1, _need(shapes, p + "occlusion.weight", path, part)[1] // max(1, filters)))
    if part == "generator":
        return dict(input_channels=_need(shapes, SIGN[part], path, part)[1],
                    out_channels=_need(shapes, "up_1.conv_1.weight_orig", path, part)[0],
                    upscale=2 if "conv_img.0.weight" in shapes else 1,
                    spade_hidden=_need(shapes, "G_middle_0.norm_0.mlp_shared.0.weight", path, part)[0])
    raise ValueError(part)


def mlp_tensors(shapes: dict, path: str) -> dict[str, dict[str, str]]:
    """Each of the stitching file's MLPs: its own tensor names ('mlp.0.weight'...) -> the file's."""
    out = {}
    for name, prefix in MLPS.items():
        own = {k[k.index("mlp."):]: k for k in shapes if k.startswith(prefix) and "mlp." in k}
        if not own:
            raise ModelError(f"'{os.path.basename(path)}' is not LivePortrait's stitching_retargeting_module file: "
                             f"it holds no '{prefix}' MLP")
        out[name] = own
    return out


def mlp_config(own: dict, shapes: dict, path: str) -> tuple:
    """(input size, hidden sizes, output size) of an MLP whose Linear layers are mlp.0, mlp.2, ... (a ReLU
    between each, holding nothing); at most 64 layers, none missing."""
    idx = sorted(int(k.split(".")[1]) for k in own if k.endswith(".weight") and k.split(".")[1].isdigit()
                 and len(k.split(".")[1]) < 4)
    if len(idx) < 2 or len(idx) > 64 or idx != list(range(0, 2 * len(idx), 2)):
        raise ModelError(f"'{os.path.basename(path)}': an MLP of the stitching file is not Linear layers "
                         "mlp.0, mlp.2, ... (at least two)")
    layers = [shapes[own[f"mlp.{i}.weight"]] for i in idx]
    return layers[0][1], tuple(w[0] for w in layers[:-1]), layers[-1][0]


def build(part: str, cfg) -> torch.nn.Module:
    if part == "appearance":
        return AppearanceFeatureExtractor(cfg)
    if part == "motion":
        return MotionExtractor(cfg)
    if part == "warping":
        return WarpingNetwork(cfg)
    if part == "generator":
        return SPADEDecoder(cfg)
    return StitchingRetargetingNetwork(*cfg)


def check(part: str, cfg, shapes: dict, path: str, names: dict | None = None) -> None:
    """The network built on the meta device (no memory) and its tensors compared with the file's:
    every one present with the same shape (BatchNorm's step counters may be absent)."""
    with torch.device("meta"):
        net = build(part, cfg)
    names = names or {k: k for k in shapes}
    for k, v in net.state_dict().items():
        if k not in names:
            if k.endswith("num_batches_tracked"):
                continue
            raise ModelError(f"'{os.path.basename(path)}' is not a LivePortrait {part} file Studio reads: it holds no "
                             f"'{k}'")
        if tuple(v.shape) != tuple(shapes[names[k]]):
            raise ModelError(f"'{os.path.basename(path)}': '{names[k]}' is {list(shapes[names[k]])}, the network "
                             f"read from its other shapes wants {list(v.shape)}")


def plan(paths: dict[str, str]) -> dict:
    """Every file's header read and checked; the configs, with nothing loaded. A file that is not the
    part asked for (or a part's file missing a tensor) is one ModelError naming it."""
    out = {}
    for part in PARTS:
        path = paths[part]
        shapes = header_shapes(path)
        if part == "stitching":
            own = mlp_tensors(shapes, path)
            cfgs = {name: mlp_config(names, shapes, path) for name, names in own.items()}
            for name, names in own.items():
                check(part, cfgs[name], shapes, path, names)
            out[part] = (cfgs, own)
        else:
            cfg = config(part, shapes, path)
            check(part, cfg, shapes, path)
            out[part] = (cfg, None)
    w, m = out["warping"][0], out["motion"][0]
    if w["num_kp"] != m["num_kp"]:
        raise ModelError(f"the motion extractor gives {m['num_kp']} keypoints, the warping module takes "
                         f"{w['num_kp']}: the files are of different models")
    return out


def _read(path: str, names: dict, device, dtype) -> dict:
    from safetensors import safe_open
    out = {}
    with safe_open(path, framework="pt", device="cpu") as f:
        for k, v in names.items():
            t = f.get_tensor(v)
            out[k] = t.to(device=device, dtype=dtype if t.is_floating_point() else None)
    return out


def load(paths: dict[str, str], planned: dict, device, dtype=torch.float32) -> dict:
    """The five networks (stitching: a dict of the three MLPs), in eval mode on ``device``."""
    nets = {}
    for part in PARTS:
        cfg, own = planned[part]
        if part == "stitching":
            mlps = {}
            for name, names in own.items():
                net = build(part, cfg[name])
                net.load_state_dict(_read(paths[part], names, device, dtype))
                mlps[name] = net.to(device=device, dtype=dtype).eval()
            nets[part] = mlps
            continue
        net = build(part, cfg)
        shapes = header_shapes(paths[part])
        state = _read(paths[part], {k: k for k in net.state_dict() if k in shapes}, device, dtype)
        net.load_state_dict(state, strict=False)
        nets[part] = net.to(device=device, dtype=dtype).eval()
    return nets
