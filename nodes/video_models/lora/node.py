"""Train Video LoRA: a LoRA for an open video model (Wan 2.1, LTX-Video, CogVideoX) trained on the artist's
own captioned clips, inside the graph. Its output is the model with the LoRA on it: wire it into
Text to Video to see the adapted model at once, or into Video LoRA's 'lora' input to apply the
file to another model with a strength."""
from __future__ import annotations

import os
from dataclasses import dataclass, field, fields

from studio.core.errors import StudioError
from studio.core.spec import CLIP, In, Node, Out

from nodes.training.settings import settings_from
from nodes.training.shared import step_progress

from ..loading.load import LoRAUse, VideoModelRef
from .params import DERIVED, LORA_PARAMS
from ..loading.inputs import graph_base_dir, video_model_input
from ..loading.node import CATEGORY


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
    vals["loras"] = tuple(base.loras) + (LoRAUse(os.path.abspath(path), 1.0),)
    return VideoLoRARef(**vals, lora_file=os.path.abspath(path), lora_info=dict(info))


class TrainVideoLoRA(Node):
    """Train a LoRA for a pretrained video model (Wan 2.1, LTX-Video, CogVideoX) on a Dataset of
    captioned clips with the loss the family was trained with (flow matching; CogVideoX
    v-prediction). Latents and captions are encoded once and cached beside the LoRA; live loss and
    validation samples; Stop keeps a loadable LoRA; Run again resumes (optimizer state included).
    The output is the model with the LoRA: wire it into Text to Video. The file loads in diffusers
    (load_lora_weights) and ComfyUI. It trains in Load Video Model's memory mode: gpu, model_offload
    or fp8 (base weights stored in 8 bits: a 14B model on a 24 GB card at small clip sizes); the
    block offload modes are refused. The mode and the predicted peak are said before training."""
    id = "video_models.train_lora"
    title = "Train Video LoRA"
    category = CATEGORY
    timing = CLIP
    inputs = (In("model", "Video Model", help="a Wan, LTX-Video or CogVideoX model from Load Video Model"),
              In("dataset", "Dataset", help="captioned clips (Dataset: Folder)"))
    outputs = (Out("lora", "Video Model", help="the model with the trained LoRA: into Text to Video, or Video LoRA's "
                                         "'lora' input"),
               Out("loss", "Number"), Out("info", "Text"))
    params = LORA_PARAMS

    def run(self, ctx, model, dataset):
        from nodes.generators.dataset import VideoDataset

        from .train import LoRASettings, LoRATrainer
        ref = video_model_input(model)
        if not isinstance(dataset, VideoDataset):
            raise StudioError(f"the dataset input is not a Dataset (got {type(dataset).__name__}): connect "
                              "Dataset: Folder")
        p = ctx.params
        out = p.output.strip()
        if not out:
            raise StudioError("no output file: set 'output' to a .safetensors path")
        if not os.path.isabs(out) and graph_base_dir(ctx):
            out = os.path.join(graph_base_dir(ctx), out)
        targets = tuple(t.strip() for t in p.target_modules.split(",") if t.strip())
        s = settings_from(LoRASettings, LORA_PARAMS, p, skip=DERIVED, output=out, targets=targets, seed=ctx.seed)

        tr = LoRATrainer(ref, dataset, s, step_progress(ctx), ctx.check_cancelled, ctx.info, ctx.warn)
        ctx.note(tr.plan.said)  # the memory mode training uses and its predicted peak, under the node
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
