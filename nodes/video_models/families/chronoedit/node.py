"""ChronoEdit Image Edit: a picture edited by an instruction, by ChronoEditPipeline in one call; the edited picture
is the last frame of the short clip it makes (both are outputs). 'reasoning_steps' above 0 turns on its temporal
reasoning: those first steps denoise a 'reasoning_frames' clip, the rest only its first and last frames. The
LoRAs of the Video LoRA nodes before it are put on for the call (ChronoEdit's LoRAs have Wan's names, read by
its pipeline's Wan loader); its Draft adds the release's 8-step distilled LoRA with its steps, guidance and
shift (draft.py). The call is made by the one Sampler (sampling/one_call.py: previews, Stop inside a step,
progress and estimates as every generator's)."""
from __future__ import annotations

import math
import os

import numpy as np

from studio.core.errors import StudioError
from studio.core.params import Choice, Int, Path, Text
from studio.core.spec import In, Out

from ...base.drafts import QUALITIES
from ...loading.inputs import graph_base_dir
from ...loading.node import model_choices
from ...sampling.generators import prompt_of
from ...sampling.one_call import RUN, Call, OneCallNode, shared
from .draft import DISTILLED, FILE, NOT_FOUND, distill_lora
from .family import NODE, PIPELINE

OUT_FRAMES = 5  # the clip it returns: the picture, the edit last (reasoning's latents end as their first and last)
MAX_AREA = 1280 * 720  # the size made from the picture's when none is set (diffusers' example: its area cap)


def edit_size(w: int, h: int, width: int, height: int, multiple: int) -> tuple[int, int]:
    """The size asked, or the picture's aspect at its area (at most MAX_AREA), in multiples of ``multiple``."""
    if width and height:
        return width // multiple * multiple, height // multiple * multiple
    area, aspect = min(w * h, MAX_AREA), h / w
    return (max(multiple, round(math.sqrt(area / aspect)) // multiple * multiple),
            max(multiple, round(math.sqrt(area * aspect)) // multiple * multiple))


class ChronoEditImageEdit(OneCallNode):
    """Edit a picture by an instruction with ChronoEdit (a video model: the edit is its clip's last frame)."""
    id = "video_models.chronoedit"
    title = NODE
    keywords = ("chronoedit", "image edit", "edit", "instruction", "nvidia", "physics", "picture edit")
    task = "i2v"
    family_key, pipelines, needs, own_draft = "chronoedit", (PIPELINE,), "a ChronoEdit model", True
    inputs = (In("model", "Video Model", help="a ChronoEdit model (ChronoEditPipeline)"),
              In("image", "Image", help="the picture to edit"),
              In("prompt", "Text", optional=True, help="the edit instruction"))
    outputs = (Out("video", "Video", help="the clip it made: the picture first, the edit last"),
               Out("image", "Image", help="the edited picture (the clip's last frame)"))
    params = (Text("prompt", "turn the cup into a glass of orange juice"), Text("negative_prompt", ""),
              Int("width", 0, min=0, max=4096, help="0: the picture's aspect at up to 1280x720's area"),
              Int("height", 0, min=0, max=4096, help="0: the picture's aspect at up to 1280x720's area"),
              *shared("steps", "guidance", steps=50, guidance=5.0),
              Int("reasoning_steps", 0, min=0, max=500, help="temporal reasoning: these first steps denoise the "
                                                             "whole 'reasoning_frames' clip (0: off, 5 frames)"),
              Int("reasoning_frames", 29, min=5, max=201, help="the reasoning clip's frames (4k + 1)"),
              Choice("quality", "final", choices=QUALITIES,
                     help=f"draft: the release's 8-step distilled LoRA ('distill_lora') at {DISTILLED.words()}, "
                          "in place of steps and guidance; final: the model as it is, with the settings here"),
              Path("distill_lora", "", mode="open", filters="LoRA (*.safetensors)", models="lora", lookup=True,
                   help=f"Draft's distilled LoRA ({FILE}); empty: the file of that name in the models "
                        "folders' loras")) + shared(*RUN)
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

    def prepared(self, ctx, ref, inputs: dict):
        """Draft: the distilled LoRA on, its steps, guidance and shift set for this run (found before the run)."""
        p = ctx.params
        path = distill_lora(p.distill_lora, graph_base_dir(ctx)) if p.quality == "draft" else None
        if p.quality == "draft" and path is None:
            ctx.info(NOT_FOUND)
        elif path is not None:
            ref = ref.with_lora(path, DISTILLED.strength)
            p["steps"], p["guidance"], p["shift"] = DISTILLED.steps, DISTILLED.cfg, DISTILLED.shift
            ctx.info(f"draft: {DISTILLED.title} ('{os.path.basename(path)}', strength {DISTILLED.strength:g}): "
                     f"{DISTILLED.words()}")
        elif p.distill_lora.strip():
            ctx.info("'distill_lora' is Draft's: Final runs without it (a Video LoRA before this node puts a LoRA "
                     "on at Final)")
        return ref

    def call(self, ctx, s, image, prompt=None) -> Call:
        from ...sampling.sampler import to_pil
        p, pipe = ctx.params, s.pipe
        text = prompt_of(ctx, prompt)
        if not text.strip():
            raise StudioError("no instruction: type one, or connect a Text input")
        still = np.asarray(image.frame(0) if hasattr(image, "frame") else image, np.float32)[..., :3]
        w, h = edit_size(still.shape[1], still.shape[0], p.width, p.height,
                         pipe.vae_scale_factor_spatial * pipe.transformer.config.patch_size[1])
        reasoning = p.reasoning_steps > 0
        n = p.reasoning_frames if reasoning else 5
        return Call({"image": to_pil(still), "prompt": text, "negative_prompt": p.negative_prompt or None, "height": h,
                     "width": w, "num_frames": n, "num_inference_steps": self.steps, "guidance_scale": p.guidance,
                     "enable_temporal_reasoning": reasoning, "num_temporal_reasoning_steps": p.reasoning_steps},
                    OUT_FRAMES, 16.0, (w, h), self.steps, made=n)

    def finish(self, ctx, s, clip, c: Call, **inputs):
        p = ctx.params
        ctx.info(f"edited at {c.size[0]}x{c.size[1]}, {self.steps} steps"
                 + (f", {p.reasoning_steps} of them reasoning over {p.reasoning_frames} frames"
                    if p.reasoning_steps > 0 else ""))
        return {"video": clip, "image": clip.frames[-1]}
