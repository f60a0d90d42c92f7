"""The Wan Control LoRA node: a prompt and a control clip make a video with Wan 2.1 T2V and a control LoRA (spacepxl's
wan2.1-1.3b-control-lora-tile / -depth: the clip's VAE latents read beside the noise through a widened patch
embedding; ctrl_lora.py). kijai's WanVideoWrapper reads the same things: the LoRA given to its model loader
(WanVideoLoraSelect, its strength here 'strength'), the control clip WanVideoEncode'd into WanVideoControlEmbeds
(its start_percent / end_percent here 'start' / 'end'), the take's size and length the clip's.

The control clip is read as given: a tile LoRA was trained on blurred clips (the wrapper's example blurs it with
ImageBlur first), a depth LoRA on depth maps (Studio's Depth node makes them). One take of 4k + 1 frames in one call;
the file and the model are checked before any large allocation, the file from its header."""
from __future__ import annotations

import os

from studio.core.params import Float, Path, Text
from studio.core.spec import In, Out

from ....base.errors import ModelError
from ....loading.inputs import video_model_input
from ....sampling.generators import COMMON, GeneratorNode, output_size, preview_and_steps, prompt_of, say_frame_rule
from .....model_file_checks import model_file_checks
from .ctrl_lora import FOLDER, ControlLoraError, find_file, read_file

TITLE = "Wan Control LoRA"
# one call, its own hooks on the denoiser's layers: windows, step caches and compile (which would run the layers
# otherwise) left out, with Wan 2.2's second guidance and NAG (its attention processors, not the layers', untested)
LEFT_OUT = ("window", "overlap", "long_take", "context_schedule", "hold_colour", "guidance_2", "nag_scale", "nag_tau",
            "nag_alpha", "step_cache", "compile")


class WanControlLora(GeneratorNode):
    """Make a clip that follows a control clip (a blurred clip for a tile LoRA, depth maps for a depth LoRA) from a
    prompt, with Wan 2.1 T2V and a control LoRA file. The control steers from 'start' to 'end' of the steps; outside
    them the model runs as it is."""
    id = "video_models.wan_control_lora"
    title = TITLE
    task = "t2v"
    streams_output = False  # one call makes the take
    source_ports = ("control",)
    keywords = ("control lora", "control-lora", "tile", "depth", "spacepxl", "wan 1.3b", "video to video", "wan")
    inputs = (In("model", "Video Model", help="Wan 2.1 T2V (1.3B for spacepxl's control LoRAs)"),
              In("control", "Video", help="the control clip: a blurred clip (tile), depth maps (depth)"),
              In("prompt", "Text", optional=True))
    outputs = (Out("video", "Video"),)
    params = (Path("control_lora", "", lookup=True, filters="Control LoRA (*.safetensors)",
                   help=f"the control LoRA's file, or its name in a models folder's {FOLDER}/ "
                        "(wan2.1-1.3b-control-lora-tile-v0.1_comfy.safetensors)"),
              Text("prompt", "a wolf in the snow"),
              Text("negative_prompt", ""),
              Float("strength", 1.0, min=0.0, max=10.0, help="the LoRA's strength (1: as trained)"),
              Float("start", 0.0, min=0.0, max=1.0, help="the fraction of the steps the control starts at"),
              Float("end", 1.0, min=0.0, max=1.0,
                    help="the fraction of the steps the control ends at; after it the model runs without the LoRA "
                         "(the wrapper's end_percent)")) + \
        tuple(q for q in COMMON if q.name not in LEFT_OUT)

    @classmethod
    def model_families(cls) -> list[dict]:
        return [{"kind": "video", "family": "wan-control-lora", "name": "Wan 2.1 T2V + a control LoRA",
                 "variants": ["tile", "depth"], "tasks": ["control clip to video"],
                 "inputs": {"control clip to video": ["control (a clip)", "prompt"]},
                 "formats": ["spacepxl's wan2.1-1.3b-control-lora-*.safetensors (loras/; the _comfy layout or "
                             "the trainer's)"]}]

    preflight, signature_files = model_file_checks(  # the file: its error before a run, its fingerprint
        lambda cls, params, base_dir: find_file(params.get("control_lora") or "", base_dir, cls.title),
        ControlLoraError)

    def _pairs(self, ctx, ref, tr):
        """The LoRA's pairs, read once per file (from its header first) and kept with the loaded model."""
        path = find_file(ctx.params.control_lora, getattr(ctx.options.get("graph"), "base_dir", None), self.title)
        key = ("control_lora", path, os.stat(path).st_mtime_ns)
        kept = ref.shared.own_modules
        if key not in kept:
            kept[key] = read_file(path, tr, self.title)
        return kept[key]

    def _check_model(self, ref):
        if ref.fam.key != "wan":
            raise ModelError(f"{self.title}: model '{ref.path}' is a {ref.fam.title} model: the control LoRAs are "
                             "trained on Wan 2.1 T2V")
        cfg = ref.module.transformer.config
        if int(cfg.in_channels) != int(cfg.out_channels) or cfg.get("image_dim") is not None or \
                ref.module.config.get("expand_timesteps") or getattr(ref.module, "transformer_2", None) is not None:
            raise ModelError(f"{self.title}: model '{ref.path}' is not Wan 2.1 T2V (it reads {cfg.in_channels} "
                             "channels): the control LoRAs are trained on Wan 2.1 T2V")

    def run(self, ctx, model, control, prompt=None):
        import torch

        from ....base.family import valid_frames
        from ....sampling.sampler import Sampler, filter_kwargs
        from ..fun.fun import encode_frames, fitted
        from .ctrl_lora import control_lora_applied
        ref = video_model_input(model)
        self._check_model(ref)
        p = ctx.params
        if float(p.start) > float(p.end):
            raise ControlLoraError(f"{self.title}: 'start' {float(p.start):g} is after 'end' {float(p.end):g}")
        pairs = self._pairs(ctx, ref, ref.module.transformer)  # the file checked before the sampler is made
        s = Sampler(ctx, ref, self.task)
        self.preview, self.steps = preview_and_steps(ctx, s.on_cpu)
        want = int(p.frames) or len(control)
        n = valid_frames(s.fam, want)
        a, b = s.fam.frame_multiple
        if not p.frames and n > len(control):  # the clip's own length, down to the family's rule (4k+1)
            n = max(b, (len(control) - b) // a * a + b)
        say_frame_rule(ctx, s.fam, want, n)
        w, h = output_size(ctx, s, p.width, p.height, (control.width, control.height), self.preview)
        s.fam.refuse_call(self.task, n, h, w)
        frames = fitted(control, n, w, h, ctx)
        with torch.inference_mode():
            cond = encode_frames(s.pipe, frames)
        fps = p.fps or s.fam.fps
        text = prompt_of(ctx, prompt)
        base = filter_kwargs(s.pipe, {"prompt": text, "negative_prompt": p.negative_prompt or None,
                                      "height": h, "width": w, "num_frames": n, "num_inference_steps": self.steps,
                                      "guidance_scale": p.guidance, **s.fam.rate_args(fps)}, ctx.warn)
        ctx.info(f"{TITLE}: {n} frames at {w}x{h} following the control clip, LoRA strength {float(p.strength):g}, "
                 f"the control from {float(p.start):g} to {float(p.end):g} of the steps")
        with control_lora_applied(s.pipe, pairs, cond, float(p.strength), float(p.start), float(p.end)):
            clip = s.generate(n, n, 0, lambda start, still: dict(base), fps, previews=p.previews, steps=self.steps,
                              size=(w, h))
        return self._made(ctx, clip, w, h)

