"""ChronoEdit Image Edit: a picture edited by an instruction, by ChronoEditPipeline in one call; the edited picture
is the last frame of the short clip it makes (both are outputs). 'reasoning_steps' above 0 turns on its temporal
reasoning: those first steps denoise a 'reasoning_frames' clip, the rest only its first and last frames. The
LoRAs of the Video LoRA nodes before it are put on for the call (ChronoEdit's LoRAs have Wan's names, read by
its pipeline's Wan loader); its Draft adds the release's 8-step distilled LoRA with its steps, guidance and
shift (draft.py)."""
from __future__ import annotations

import math
import os

import numpy as np

from studio.core.errors import StudioError
from studio.core.params import Choice, Float, Int, Path, Seed, Text
from studio.core.spec import CLIP, In, Node, Out
from studio.engine.clip import ArrayClip
from studio.engine.stack import fresh_stack

from ...base.drafts import QUALITIES
from ...base.errors import ModelError
from ...loading.inputs import graph_base_dir, video_model_input
from ...loading.node import CATEGORY, model_choices
from .draft import DISTILLED, FILE, NOT_FOUND, distill_lora
from .family import NODE, PIPELINE

MAX_AREA = 1280 * 720  # the size made from the picture's when none is set (diffusers' example: its area cap)


def edit_size(w: int, h: int, width: int, height: int, multiple: int) -> tuple[int, int]:
    """The size asked, or the picture's aspect at its area (at most MAX_AREA), in multiples of ``multiple``."""
    if width and height:
        return width // multiple * multiple, height // multiple * multiple
    area, aspect = min(w * h, MAX_AREA), h / w
    return (max(multiple, round(math.sqrt(area / aspect)) // multiple * multiple),
            max(multiple, round(math.sqrt(area * aspect)) // multiple * multiple))


class ChronoEditImageEdit(Node):
    """Edit a picture by an instruction with ChronoEdit (a video model: the edit is its clip's last frame)."""
    id = "video_models.chronoedit"
    title = NODE
    category = CATEGORY
    keywords = ("chronoedit", "image edit", "edit", "instruction", "nvidia", "physics", "picture edit")
    timing = CLIP
    disk_cache = True  # minutes on a GPU: kept between runs and processes
    inputs = (In("model", "Video Model", help="a ChronoEdit model (ChronoEditPipeline)"),
              In("image", "Image", help="the picture to edit"),
              In("prompt", "Text", optional=True, help="the edit instruction"))
    outputs = (Out("video", "Video", help="the clip it made: the picture first, the edit last"),
               Out("image", "Image", help="the edited picture (the clip's last frame)"))
    params = (Text("prompt", "turn the cup into a glass of orange juice"), Text("negative_prompt", ""),
              Int("width", 0, min=0, max=4096, help="0: the picture's aspect at up to 1280x720's area"),
              Int("height", 0, min=0, max=4096, help="0: the picture's aspect at up to 1280x720's area"),
              Int("steps", 50, min=1, max=500), Float("guidance", 5.0, min=0.0, max=30.0),
              Int("reasoning_steps", 0, min=0, max=500, help="temporal reasoning: these first steps denoise the "
                                                             "whole 'reasoning_frames' clip (0: off, 5 frames)"),
              Int("reasoning_frames", 29, min=5, max=201, help="the reasoning clip's frames (4k + 1)"),
              Choice("quality", "final", choices=QUALITIES,
                     help=f"draft: the release's 8-step distilled LoRA ('distill_lora') at {DISTILLED.words()}, "
                          "in place of steps and guidance; final: the model as it is, with the settings here"),
              Path("distill_lora", "", mode="open", filters="LoRA (*.safetensors)", models="lora", lookup=True,
                   help=f"Draft's distilled LoRA ({FILE}); empty: the file of that name in the models "
                        "folders' loras"),
              Seed("seed", 0))
    model_choices = staticmethod(model_choices)

    @classmethod
    def preflight(cls, params, base_dir):
        """Draft's LoRA, where one is named, is found where the run would look, or validate says so (none named
        and none found by its name: the run says so and runs the final settings)."""
        if params.get("quality") != "draft":
            return []
        from ...loading.node import part_problems
        picked = params.get("distill_lora") or ""
        return part_problems("lora", picked, base_dir) if picked.strip() else []

    @classmethod
    def signature_files(cls, params, base_dir=None):
        """Draft: the models folders' LoRA folders (the distilled LoRA added or removed there re-runs it)."""
        from ...sampling.draft import draft_folders, drafting
        return draft_folders() if drafting(params) else []

    def run(self, ctx, model, image, prompt=None):
        import torch

        from ...sampling.sampler import to_pil
        from ...base.schedulers import scheduler_applied
        from ...loading.loras import loras_applied
        ref = video_model_input(model)
        pipe = ref.module
        if ref.fam.key != "chronoedit" or type(pipe).__name__ != PIPELINE:
            raise ModelError(f"model '{ref.path}' is a {ref.fam.title} model: {NODE} needs a ChronoEdit model")
        p = ctx.params
        text = prompt if isinstance(prompt, str) and prompt.strip() else p.prompt
        if not text.strip():
            raise StudioError("no instruction: type one, or connect a Text input")
        steps, guidance, shift = p.steps, p.guidance, 0.0
        path = distill_lora(p.distill_lora, graph_base_dir(ctx)) if p.quality == "draft" else None  # before the run
        if p.quality == "draft" and path is None:
            ctx.info(NOT_FOUND)
        elif path is not None:
            ref = ref.with_lora(path, DISTILLED.strength)
            steps, guidance, shift = DISTILLED.steps, DISTILLED.cfg, DISTILLED.shift
            ctx.info(f"draft: {DISTILLED.title} ('{os.path.basename(path)}', strength {DISTILLED.strength:g}): "
                     f"{DISTILLED.words()}")
        elif p.distill_lora.strip():
            ctx.info("'distill_lora' is Draft's: Final runs without it (a Video LoRA before this node puts a LoRA "
                     "on at Final)")
        still = np.asarray(image.frame(0) if hasattr(image, "frame") else image, np.float32)[..., :3]
        w, h = edit_size(still.shape[1], still.shape[0], p.width, p.height,
                         pipe.vae_scale_factor_spatial * pipe.transformer.config.patch_size[1])
        reasoning = p.reasoning_steps > 0
        call = {"image": to_pil(still), "prompt": text, "negative_prompt": p.negative_prompt or None, "height": h,
                "width": w, "num_frames": p.reasoning_frames if reasoning else 5, "num_inference_steps": steps,
                "guidance_scale": guidance, "enable_temporal_reasoning": reasoning,
                "num_temporal_reasoning_steps": p.reasoning_steps}

        def on_step(pipe_, i, t, kw):
            ctx.progress(i + 1, steps)  # raises Cancelled on a Stop
            return kw
        pipe.set_progress_bar_config(disable=True)
        # the LoRAs on the shared pipeline and Draft's shift for this call only: the cached model is left as it was
        with loras_applied(ref, pipe, ctx.warn, ctx.info), scheduler_applied(ctx, pipe, {"shift": shift}), \
                torch.inference_mode():
            out = fresh_stack(pipe, **call, generator=ctx.torch_generator(device="cpu", salt=0), output_type="np",
                              callback_on_step_end=on_step).frames[0]
        made = np.clip(np.asarray(out, np.float32), 0, 1)
        ctx.info(f"edited at {w}x{h}, {steps} steps" + (f", {p.reasoning_steps} of them reasoning over "
                                                            f"{p.reasoning_frames} frames" if reasoning else ""))
        return {"video": ArrayClip(made, 16.0), "image": made[-1]}
