"""Train Video LoRA: a LoRA for an open video model (Wan 2.1, LTX-Video, CogVideoX) trained on the artist's
own captioned clips, inside the graph. Its output is the model with the LoRA on it: wire it into
Text to Video to see the adapted model at once, or into Video LoRA's 'lora' input to apply the
file to another model with a strength."""
from __future__ import annotations

import os
from dataclasses import dataclass, field, fields

from studio.core.errors import StudioError
from studio.core.params import Bool, Choice, Float, Int, Path, Seed, String, Text
from studio.core.spec import CLIP, In, Node, Out

from .loading import VideoModelRef
from .nodes import CATEGORY, _base_dir, _video_model


@dataclass
class VideoLoRARef(VideoModelRef):
    """The model with a trained LoRA on its stack (strength 1), and the LoRA's file and header."""
    lora_file: str = ""
    lora_info: dict = field(default_factory=dict, repr=False)

    def summary(self) -> str:
        i = self.lora_info
        return (f"LoRA {os.path.basename(self.lora_file)}: rank {i.get('rank')}, {i.get('steps')} steps on "
                f"{i.get('clips')} clips at {i.get('resolution')} x {i.get('frames')} frames, on {super().summary()}")


def lora_ref(base: VideoModelRef, path: str, info: dict) -> VideoLoRARef:
    vals = {f.name: getattr(base, f.name) for f in fields(VideoModelRef)}
    vals["loras"] = tuple(base.loras) + ((os.path.abspath(path), 1.0),)
    return VideoLoRARef(**vals, lora_file=os.path.abspath(path), lora_info=dict(info))


class TrainVideoLoRA(Node):
    """Train a LoRA for a pretrained video model (Wan 2.1, LTX-Video, CogVideoX) on a Dataset of
    captioned clips with the loss the family was trained with (flow matching; CogVideoX
    v-prediction). Latents and captions are encoded once and cached beside the LoRA; live loss and
    validation samples; Stop keeps a loadable LoRA; Run again resumes (optimizer state included).
    The output is the model with the LoRA: wire it into Text to Video. The file loads in diffusers
    (load_lora_weights) and ComfyUI."""
    id = "video_models.train_lora"
    title = "Train Video LoRA"
    category = CATEGORY
    timing = CLIP
    inputs = (In("model", "Model", help="a Wan, LTX-Video or CogVideoX model from Load Video Model"),
              In("dataset", "Dataset", help="captioned clips (Dataset: Folder)"))
    outputs = (Out("lora", "Model", help="the model with the trained LoRA: into Text to Video, or Video LoRA's "
                                         "'lora' input"),
               Out("loss", "Number"), Out("info", "Text"))
    params = (Path("output", "out/video_lora.safetensors", mode="save", filters="LoRA (*.safetensors)",
                   help="the LoRA file (diffusers layout); the resume state and the latent cache go beside it"),
              Int("rank", 16, min=1, max=512), Float("alpha", 16.0, min=0.01, max=4096.0,
                                                     help="LoRA scale is alpha / rank"),
              Float("lr", 1e-4, min=1e-7, max=1.0, step=1e-5, decimals=6, help="learning rate (AdamW)"),
              Choice("lr_schedule", "constant", choices=("constant", "cosine", "linear"),
                     help="the learning rate over the run: constant, or decaying to 0 at 'steps'"),
              Int("warmup", 0, min=0, max=1_000_000, help="steps of linear learning-rate warm-up"),
              Int("steps", 500, min=1, max=10_000_000, help="optimiser steps in all (a resumed run continues to this)"),
              Float("max_minutes", 0.0, min=0.0, max=100_000.0,
                    help="training time in all, across resumes (0: no limit; encoding the clips is not counted)"),
              Int("batch", 1, min=1, max=256, help="clips per step"),
              Int("width", 0, min=0, max=4096, help="0: the dataset's; rounded down to the family's multiple"),
              Int("height", 0, min=0, max=4096, help="0: the dataset's; rounded down to the family's multiple"),
              Int("frames", 0, min=0, max=1024, help="0: the dataset's; cut to a count the family takes (Wan 4k+1, "
                                                     "LTX 8k+1)"),
              String("target_modules", "", help="comma-separated layer names; empty: the family's attention "
                                                "projections (to_q, to_k, to_v, to_out.0)"),
              Bool("gradient_checkpointing", False, help="less memory, about a third slower"),
              Choice("mixed_precision", "auto", choices=("auto", "bf16", "no"),
                     help="auto: bf16 autocast on CUDA; the LoRA weights stay fp32"),
              Choice("timesteps", "uniform", choices=("uniform", "logit_normal"),
                     help="how noise levels are drawn (then moved by the family's shift)"),
              Float("shift", 0.0, min=0.0, max=100.0, help="flow shift; 0: the model's scheduler's own"),
              Float("max_grad_norm", 1.0, min=0.0, max=1000.0, help="gradient-norm clip"),
              Text("validation_prompt", "", help="sampled with the LoRA every 'validate_every' steps; shown in the "
                                                 "viewer"),
              Int("validate_every", 100, min=0, max=1_000_000, help="0: no validation samples"),
              Int("validation_steps", 20, min=1, max=200, help="denoising steps of a validation sample"),
              Int("checkpoint_every", 100, min=0, max=1_000_000, help="steps between saves (and at Stop, and at "
                                                                     "the end)"),
              Bool("resume", True, help="continue from the state beside the output when it matches"),
              Bool("offload_text_encoder", True, help="move the text encoder to the CPU while training (GPU)"),
              Seed("seed", 0))

    def run(self, ctx, model, dataset):
        from nodes.generators.dataset import VideoDataset

        from .lora_train import LoRASettings, LoRATrainer
        ref = _video_model(model)
        if not isinstance(dataset, VideoDataset):
            raise StudioError(f"the dataset input is not a Dataset (got {type(dataset).__name__}): connect "
                              "Dataset: Folder")
        p = ctx.params
        out = p.output.strip()
        if not out:
            raise StudioError("no output file: set 'output' to a .safetensors path")
        if not os.path.isabs(out) and _base_dir(ctx):
            out = os.path.join(_base_dir(ctx), out)
        targets = tuple(t.strip() for t in p.target_modules.split(",") if t.strip())
        s = LoRASettings(output=out, rank=p.rank, alpha=p.alpha, lr=p.lr, steps=p.steps, max_minutes=p.max_minutes,
                         batch=p.batch, frames=p.frames, width=p.width, height=p.height, targets=targets,
                         gradient_checkpointing=p.gradient_checkpointing, precision=p.mixed_precision,
                         seed=ctx.seed, validation_prompt=p.validation_prompt, validate_every=p.validate_every,
                         validation_steps=p.validation_steps, checkpoint_every=p.checkpoint_every, resume=p.resume,
                         sampling=p.timesteps, lr_schedule=p.lr_schedule, warmup=p.warmup, shift=p.shift,
                         max_grad_norm=p.max_grad_norm,
                         offload_text_encoder=p.offload_text_encoder)

        from nodes.generators.train import step_progress
        tr = LoRATrainer(ref, dataset, s, step_progress(ctx), ctx.check_cancelled, ctx.info, ctx.warn)
        res = tr.run()
        if res.step == 0:
            raise StudioError(f"trained 0 steps: the time budget (max_minutes {s.max_minutes:g}) was spent before "
                              "the first step: raise max_minutes, or turn resume off to start again")
        loss = res.final_loss
        msg = (f"trained steps {res.resumed_from}..{res.step} of {s.steps} in {res.seconds:.1f} s "
               f"(+ {res.prep_seconds:.1f} s "
               f"encoding); loss {loss:.4f} (mean of the last 20 steps); LoRA {out}")
        ctx.info(msg)
        if res.stopped_by_budget:
            ctx.warn(f"stopped by its time budget ({s.max_minutes:g} min) at step {res.step} of {s.steps}")
        info = {**res.info, "steps": res.step}
        ref_out = lora_ref(ref, out, info)
        return {"lora": ref_out, "loss": loss, "info": f"{ref_out.summary()}; {msg}"}
