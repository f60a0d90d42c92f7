"""Wan FlowEdit: a clip edited by text without inversion (FlowEdit, edit.py), on a Wan text-to-video model or an
image-to-video one given its start picture: the source prompt says what the clip shows, the prompt what it should
show; what both prompts share stays.

kijai's ComfyUI-WanVideoWrapper gives the same things (WanVideoFlowEdit, Apache-2.0, read for its names):
'source_embeds' (the source prompt), 'skip_steps', 'drift_steps', 'drift_flow_shift', 'source_cfg', 'drift_cfg'
into the sampler's 'flowedit_args', with the clip encoded on its 'samples'; the converter maps them here
(comfy_flowedit.py). The model, the size and the steps are checked before anything is sampled."""
from __future__ import annotations

from studio.core.errors import StudioError
from studio.core.params import Float, Int, Text
from studio.core.spec import In, Out

from ....sampling.one_call import RUN, Call, OneCallNode, shared

TITLE = "Wan FlowEdit"
KEY = "flowedit"  # its pipeline among the model's task pipelines (the loaded components shared)
MULTIPLE = 16


class FlowEditError(StudioError):
    pass


def is_i2v(ref) -> bool:
    """Whether ``ref``'s Wan denoiser reads a start picture's channels (image to video: 16 latent channels and the
    picture's 20 beside them)."""
    tr = getattr(ref.module, "transformer", None) or getattr(ref.module, "transformer_2", None)
    cfg = getattr(tr, "config", None)
    return cfg is not None and cfg.get("in_channels") != cfg.get("out_channels")


def refused_model(ref, image: bool) -> str:
    """Why the Wan model ``ref`` cannot be edited here, in words ('' : it can): a text-to-video denoiser, or an
    image-to-video one (Wan 2.1 I2V, Wan 2.2 I2V A14B) given its start picture; no VACE blocks, not TI2V-5B."""
    pipe = ref.module
    tr = getattr(pipe, "transformer", None) or getattr(pipe, "transformer_2", None)
    cfg = getattr(tr, "config", None)
    if cfg is None:
        return "it has no Wan denoiser"
    if cfg.get("vace_layers"):
        return "it is a Wan VACE model (its control blocks); Wan FlowEdit edits with a text- or image-to-video one"
    if getattr(getattr(pipe, "config", None), "get", lambda k, d=None: d)("expand_timesteps", False):
        return "it is Wan 2.2 TI2V-5B (a timestep a token); Wan FlowEdit edits with Wan 2.1 / 2.2 text or image to video"
    if cfg.get("in_channels") not in (cfg.get("out_channels"), cfg.get("out_channels", 0) + 20):
        return f"its denoiser reads {cfg.get('in_channels')} channels (a control clip's too), which FlowEdit is not given"
    if is_i2v(ref) and not image:
        return ("it is an image-to-video model: connect its start picture to 'image' (it reads the picture's "
                "condition and CLIP states)")
    return ""


class WanFlowEdit(OneCallNode):
    """Edit a clip by text with FlowEdit on a Wan text-to-video model (or an image-to-video one, its start picture on
    'image'): 'source_prompt' says what the clip shows, 'prompt' what it should show. The clip is not inverted: each step moves it by the difference of the model's
    predictions for the two prompts, so what they share stays. 'skip_steps' leaves the first steps out (more: closer
    to the clip), 'drift_steps' samples the last steps from the prompt alone (more: freer details)."""
    id = "video_models.wan_flow_edit"
    title = TITLE
    code_version = 1
    keywords = ("flowedit", "flow edit", "edit", "text edit", "video edit", "inversion-free", "wan",
                "video to video", "restyle")
    family_key, error = "wan", FlowEditError
    wanted, how = "a Wan text- or image-to-video model", "load a Wan text-to-video model (Wan 2.1 T2V, Wan 2.2 T2V " \
        "A14B), or an image-to-video one with its start picture on 'image'"
    needs = "a Wan text-to-video model (Wan 2.1 T2V 1.3B / 14B, Wan 2.2 T2V A14B) or an image-to-video one"
    inputs = (In("model", "Video Model", help="a Wan text-to-video model, or an image-to-video one with 'image'"),
              In("video", "Video", help="the clip to edit"),
              In("prompt", "Text", optional=True, help="what the clip should show (the target)"),
              In("source_prompt", "Text", optional=True, help="what the clip shows (the source)"),
              In("image", "Image", optional=True, help="an image-to-video model's start picture (its first frame's "
                                                       "condition and CLIP picture, given both predictions)"))
    outputs = (Out("video", "Video"),)
    params = (Text("prompt", "a cybernetic wolf turns its head"),
              Text("negative_prompt", "", help="the target's negative prompt (used with guidance other than 1)"),
              Text("source_prompt", "a wolf turns its head", help="what the clip shows"),
              Text("source_negative_prompt", "", help="the source's negative prompt (used with source_guidance "
                                                      "other than 1)"),
              Int("frames", 0, min=0, max=10_000, special="the clip's length",
                  help="the clip's first frames edited (made as 4k + 1, the last repeated, and cut back)"),
              Int("width", 0, min=0, max=4096, special="the clip's", help="a multiple of 16"),
              Int("height", 0, min=0, max=4096, special="the clip's", help="a multiple of 16"),
              *shared("steps", "guidance",
                      steps={"default": 25, "help": "the schedule's steps, the skipped ones counted"},
                      guidance={"default": 6.0, "help": "the target prompt's guidance (the paper's target CFG)"}),
              Float("source_guidance", 6.0, min=0.0, max=30.0, help="the source prompt's guidance (the paper's "
                                                                     "source CFG; the wrapper's source_cfg)"),
              Int("skip_steps", 4, min=0, max=500, help="the schedule's first steps left out (the paper's steps - "
                                                         "n_max): more keeps closer to the clip"),
              Int("drift_steps", 0, min=0, max=500, help="the last steps sampled from the prompt alone (the paper's "
                                                          "n_min): more lets details drift from the clip"),
              Float("shift", 5.0, min=0.01, max=1000.0, help="the flow's sigma shift of the schedule"),
              Float("drift_shift", 3.0, min=0.01, max=1000.0, help="the drift steps' sigma shift (the wrapper's "
                                                                   "drift_flow_shift)"),
              Int("average", 1, min=1, max=16, help="noise draws averaged a step (the paper's n_avg)"),
              Float("fps", 0.0, min=0.0, max=240.0, help="0: the clip's rate")) + shared(*RUN)

    @classmethod
    def preflight(cls, params, base_dir):
        """The size and the steps, refused at validation (before a run)."""
        out = []
        w, h = int(params.get("width", 0)), int(params.get("height", 0))
        if w % MULTIPLE or h % MULTIPLE:
            out.append(f"the size {w}x{h} must be multiples of {MULTIPLE} (0: the clip's, rounded down)")
        steps = int(params.get("steps", 25))
        if int(params.get("skip_steps", 4)) >= steps:
            out.append(f"skip_steps ({int(params.get('skip_steps', 4))}) leaves none of the {steps} steps")
        return out

    def pipeline_of(self, ref):
        """The model's WanFlowEditPipeline (an image-to-video model's WanFlowEditI2VPipeline), made from its loaded
        components once (diffusers' from_pipe)."""
        from .pipeline import i2v_pipeline_class, pipeline_class
        if is_i2v(ref):
            return ref.derived_pipeline(f"{KEY}-i2v", i2v_pipeline_class(), base_task="i2v")
        return ref.derived_pipeline(KEY, pipeline_class())

    def prepared(self, ctx, ref, inputs: dict):
        """A model FlowEdit cannot run here refused in words before its pipeline is made; a start picture a
        text-to-video model does not read said."""
        why = refused_model(ref, inputs.get("image") is not None)
        if why:
            from ....loading.inputs import not_this_model
            raise not_this_model(self.title, ref, self.wanted, f"{why}: {self.how}", self.error)
        if inputs.get("image") is not None and not is_i2v(ref):
            ctx.warn(f"{TITLE}: the model is text to video, which reads no start picture: 'image' is not used")
        return ref

    def call(self, ctx, s, video, prompt=None, source_prompt=None, image=None) -> Call:
        import numpy as np
        from studio.engine.clip import as_clip

        from ..own_take import OwnTake
        from ..pusa.node import pixels
        from ....sampling.generators import output_size
        p = ctx.params
        clip = as_clip(video)
        if len(clip) == 0:
            raise FlowEditError(f"{TITLE}: the clip on 'video' has no frames")
        n = min(int(p.frames), len(clip)) if int(p.frames) else len(clip)
        if int(p.frames) > len(clip):
            ctx.warn(f"{TITLE}: {int(p.frames)} frames asked but the clip has {len(clip)}: editing {len(clip)}")
        steps, skip, drift = int(self.steps), int(p.skip_steps), int(p.drift_steps)
        if skip >= steps:
            raise FlowEditError(f"{TITLE}: skip_steps ({skip}) leaves none of the {steps} steps: lower it or raise "
                                "'steps'")
        if drift > steps - skip:
            raise FlowEditError(f"{TITLE}: drift_steps ({drift}) is more than the {steps - skip} steps taken")
        w, h = output_size(ctx, s, int(p.width), int(p.height), (clip.width, clip.height), self.preview)
        text = prompt if isinstance(prompt, str) and prompt.strip() else p.prompt
        source = source_prompt if isinstance(source_prompt, str) and source_prompt.strip() else p.source_prompt
        if not str(text).strip() or not str(source).strip():
            raise FlowEditError(f"{TITLE}: FlowEdit needs both prompts: 'source_prompt' (what the clip shows) and "
                                "'prompt' (what it should show)")
        frames = pixels([np.asarray(clip.frame(i)) for i in range(n)], w, h)
        rounded = (clip.width // MULTIPLE * MULTIPLE, clip.height // MULTIPLE * MULTIPLE)  # (a preview's size: said)
        if (w, h) == rounded != (clip.width, clip.height) and not (int(p.width) or int(p.height)):
            ctx.info(f"{TITLE}: the clip's {clip.width}x{clip.height} is made {w}x{h} (multiples of {MULTIPLE}: cut to "
                     "that aspect about its middle, then scaled)")
        ctx.info(f"{TITLE}: {n} frames at {w}x{h} edited from the source prompt toward the prompt: steps {skip} to "
                 f"{steps} of {steps} (shift {float(p.shift):g})"
                 + (f", the last {drift} from the prompt alone (shift {float(p.drift_shift):g})" if drift else "")
                 + f"; guidance {float(p.guidance):g}, source guidance {float(p.source_guidance):g}")
        kwargs = dict(video=frames, prompt=text, negative_prompt=p.negative_prompt or None, source_prompt=source,
                      source_negative_prompt=p.source_negative_prompt or None, num_frames=n, height=h, width=w,
                      num_inference_steps=steps, guidance_scale=float(p.guidance),
                      source_guidance_scale=float(p.source_guidance), skip_steps=skip, drift_steps=drift,
                      shift=float(p.shift), drift_shift=float(p.drift_shift), n_avg=int(p.average))
        if image is not None and is_i2v(s.ref):
            from PIL import Image
            still = np.asarray(image.frame(0) if hasattr(image, "frame") else image, np.float32)[..., :3]
            kwargs["image"] = Image.fromarray((still.clip(0.0, 1.0) * 255.0).round().astype(np.uint8))
        kwargs["take"] = OwnTake(ctx, s, (n, h, w), 1, "written when made", kwargs)
        fps = float(p.fps) or (clip.fps if clip.fps > 0 else 16.0)
        return Call(kwargs, n, fps, (w, h), steps - skip,
                    no_resume="FlowEdit's steps each draw fresh noise about the clip: a re-run edits it again")

    def finish(self, ctx, s, clip, c: Call, **inputs):
        c.kwargs["take"].finish()
        return {"video": clip}
