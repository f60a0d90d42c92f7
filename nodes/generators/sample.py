"""Sampling: a trained generator, a prompt (or Features from the encoders and fusion), a seed,
steps and guidance -> clips, with progressive previews of denoising."""
from __future__ import annotations

import numpy as np
import torch

from studio.core.errors import StudioError
from studio.core.params import Float, Int, Seed, Text
from studio.core.spec import CLIP, In, Node, Out
from studio.core.values import Features, ModelRef
from studio.engine.clip import ArrayClip

from .conditioning import encode_with
from .nets import to_frames
from nodes.training.shared import filmstrip


def features_to_cond(features, config: dict, n: int = 1) -> torch.Tensor:
    x = features.data if isinstance(features, Features) else features
    x = torch.as_tensor(np.asarray(x) if not isinstance(x, torch.Tensor) else x).float()
    if not torch.isfinite(x).all():
        raise StudioError("the conditioning features contain NaN or infinite values")
    if x.ndim == 2 and isinstance(features, Features) and features.per_frame:
        x = x.mean(0)  # per-frame features: the clip's average
    if x.ndim == 1:
        x = x[None]
    if x.shape[-1] != config["cond_dim"]:
        c = config.get("conditioning", {})
        if c.get("kind") == "audio+image":
            raise StudioError(f"the features are {x.shape[-1]}-d but the model takes its {config['cond_dim']}-d "
                              "audio+image conditioning from the Audio + Image Fusion node: connect that node")
        raise StudioError(f"the features are {x.shape[-1]}-d but the model was trained on {config['cond_dim']}-d "
                          f"'{c.get('kind')}' conditioning ({c.get('encoder')}): connect the same encoder")
    if x.shape[0] == 1 and n > 1:
        x = x.expand(n, -1)
    return x


def prompt_tokens(model: ModelRef, prompts: list[str] | None, features=None) -> dict:
    """The token inputs of a model that cross-attends to text tokens: a connected Text Encoder's
    ``tokens`` output as it is, else the prompts (a connected feature's own prompt included)
    encoded the way the model was trained; none for other models, or for features without text
    (fused image/audio features: the pooled vector is the one token)."""
    if not getattr(model.module, "uses_tokens", False):
        return {}
    cfg = model.config
    if isinstance(features, Features) and not features.per_frame and getattr(features.data, "ndim", 1) == 2:
        tk = torch.as_tensor(np.asarray(features.data) if not isinstance(features.data, torch.Tensor)
                             else features.data).float()
        if tk.shape[-1] != cfg.get("token_dim", cfg["cond_dim"]):
            raise StudioError(f"the token features are {tk.shape[-1]}-d, the model attends to "
                              f"{cfg.get('token_dim', cfg['cond_dim'])}-d tokens: connect the same text encoder")
        n = min(tk.shape[0], cfg.get("tokens", 48))
        out = torch.zeros(1, cfg.get("tokens", 48), tk.shape[-1])
        out[0, :n] = tk[:n]
        mask = torch.zeros(1, out.shape[1])
        mask[0, :n] = 1
        return {"tokens": out, "token_mask": mask}
    if not prompts or not all(p.strip() for p in prompts) or (cfg.get("conditioning") or {}).get("kind") not in \
            ("text", "caption-parser"):
        return {}
    from .conditioning import encode_tokens
    tk, mask = encode_tokens(cfg["conditioning"], prompts, cfg.get("tokens", 48))
    return {"tokens": tk, "token_mask": mask}


def sample_clips(model: ModelRef, cond: torch.Tensor, seed: int, steps: int = 25, guidance: float = 2.0,
                 device="cpu", progress=None, batch: int = 16, image: torch.Tensor | None = None,
                 extra: dict | None = None) -> np.ndarray:
    """[N, T, H, W, 3] in [0, 1]. The same seed gives the same clips. ``image``: the stills
    [N or 1, 3, H, W] in [-1, 1] of a model that starts from one (audio+image conditioning).
    ``extra``: more per-clip inputs [N or 1, ...] (the text tokens of a model that attends to them)."""
    net = model.module
    out = []
    g = torch.Generator(device="cpu")
    g.manual_seed(int(seed))
    for a in range(0, cond.shape[0], batch):
        c = cond[a:a + batch].to(device)
        kw = {} if image is None else {"image": (image if image.shape[0] == 1 else image[a:a + batch]).to(device)}
        for k, v in (extra or {}).items():
            v = v if v.shape[0] > 1 else v.expand(cond.shape[0], *v.shape[1:])
            kw[k] = v[a:a + batch].to(device)
        vid = net.sample(c, g, steps=steps, guidance=guidance, progress=progress, **kw)
        out.append(to_frames(vid))
    return np.concatenate(out)


def grid_clip(videos: np.ndarray, fps: float, cols: int | None = None) -> ArrayClip:
    """Variations tiled side by side (rows of ``cols``), one clip."""
    n, t, h, w, c = videos.shape
    cols = cols or int(np.ceil(np.sqrt(n)))
    rows = int(np.ceil(n / cols))
    pad = np.zeros((rows * cols - n, t, h, w, c), np.float32)
    v = np.concatenate([videos, pad]).reshape(rows, cols, t, h, w, c)
    return ArrayClip(v.transpose(2, 0, 3, 1, 4, 5).reshape(t, rows * h, cols * w, c), fps)


class Sample(Node):
    """Make clips with a trained generator from a prompt (or conditioning Features from the
    encoders and fusion nodes). Same seed, same clips. Shows denoising as it goes."""
    id = "gen.sample"
    title = "Sample Generator"
    category = "Generate"
    timing = CLIP
    disk_cache = True  # denoising steps: the clips are kept between runs and processes
    inputs = (In("model", "Model"),
              In("features", "Features", optional=True, help="conditioning; overrides the prompt parameter (the "
                                                            "prompt is encoded the way the model was trained "
                                                            "only when nothing is connected here)"),
              In("image", "Image", optional=True, help="audio+image models: the still the clip starts from "
                                                      "(the one its features were made from)"))
    outputs = (Out("video", "Video"), Out("variations", "Video"), Out("prompt", "Text"))
    params = (Text("prompt", "a red circle moving left",
                   help="used only when no features are connected (connected features override it)"),
              Seed("seed", 0),
              Int("steps", 25, min=1, max=1000, help="denoising steps (diffusion)"),
              Float("guidance", 2.0, min=0.0, max=30.0, help="classifier-free guidance scale (diffusion)"),
              Int("variations", 1, min=1, max=64, help="clips from the same prompt with different noise"))

    def run(self, ctx, model, features=None, image=None):
        p = ctx.params
        if not isinstance(model, ModelRef) or not hasattr(model.module, "sample"):
            raise StudioError("the model input is not a trained generator")
        cfg = model.config
        if cfg.get("trained_steps") == 0:
            raise StudioError("the model has not been trained (0 steps): its weights are random; train it first")
        still = None
        if getattr(model.module, "needs_image", False):
            if image is None or features is None:
                raise StudioError("this model makes clips from a still and a sound: connect the still to the image "
                                  "input and the Audio + Image Fusion node to the features input")
            from .av_conditioning import still_tensor
            still = still_tensor(image, cfg["width"], cfg["height"])
            maps = features.extras.get("image_maps") if isinstance(features, Features) else None
            if maps is not None:
                model.module.check_still(image, maps)
        elif image is not None:
            c = cfg.get("conditioning", {})
            raise StudioError(f"this model was trained on '{c.get('kind')}' conditioning and takes no image: "
                              "disconnect the image input, or use a model trained with conditioning 'audio+image'")
        if features is not None:
            if isinstance(features, Features) and not features.per_frame and getattr(features.data, "ndim", 1) == 2 \
                    and getattr(model.module, "uses_tokens", False):
                # the Text Encoder's tokens: the pooled vector is their mean, as the encoder pools
                toks = features.data if isinstance(features.data, torch.Tensor) else torch.as_tensor(features.data)
                cond = features_to_cond(Features(toks.float().mean(0), extras=features.extras), cfg, p.variations)
                if cfg["conditioning"].get("encoder") == "encode.text":
                    cond = torch.nn.functional.normalize(cond, dim=-1)
            else:
                cond = features_to_cond(features, cfg, p.variations)
            prompt = p.prompt if not isinstance(features, Features) else (features.extras.get("prompt") or p.prompt)
            if still is not None:  # made from a still and a sound: no prompt to report
                prompt = (features.extras.get("prompt") or "") if isinstance(features, Features) else ""
            if p.prompt.strip() and p.prompt.strip() != (prompt or "").strip():
                used = f"'{prompt}'" if prompt else "the connected features (no prompt text)"
                ctx.warn(f"its own prompt '{p.prompt}' is not used: the features input overrides it; "
                         f"sampling {used}")
        else:
            if not p.prompt.strip():
                raise StudioError("no prompt and no features: type a prompt or connect features")
            cond = encode_with(cfg["conditioning"], [p.prompt]).expand(p.variations, -1)
            prompt = p.prompt
        ctx.info(f"sampling '{prompt}'" if prompt else "sampling from the connected features")
        if cfg.get("keyframe") == "slots":
            ctx.info("this model draws its key frame from the caption's objects (Train > keyframe 'slots'): "
                     "steps and guidance are not used")

        def progress(k, n, x):
            prev = filmstrip(to_frames(x[:1])[0]) if (k == n or k % max(1, n // 5) == 0) else None
            ctx.progress(k, n, preview=prev)
        extra = prompt_tokens(model, [prompt] if prompt else None, features)
        if "token_mask" in extra and int(extra["token_mask"][0].sum()) >= extra["token_mask"].shape[1] > 1:
            ctx.warn(f"the prompt fills all {extra['token_mask'].shape[1]} tokens the model reads: words past "
                     "that are cut off")
        vids = sample_clips(model, cond, ctx.seed, p.steps, p.guidance, ctx.device, progress, image=still, extra=extra)
        fps = float(cfg.get("fps", 8.0))
        return {"video": ArrayClip(vids[0], fps), "variations": grid_clip(vids, fps), "prompt": prompt}
