"""AnimateDiff ControlNet: text to video steered by a control clip (a line drawing, a pose, depth, edges: Studio's
Pose, Depth and Edges nodes make them) through a Stable Diffusion 1.5 ControlNet file (controlnet.py), with
diffusers' AnimateDiffControlNetPipeline on the loaded AnimateDiff (a motion module on its SD 1.5 checkpoint, or a
diffusers AnimateDiff folder); given a source clip on 'video', that clip restyled (noised by 'denoise' and denoised
toward the prompt) steered by the control clip, with diffusers' AnimateDiffVideoToVideoControlNetPipeline on the
same components, as ComfyUI's AnimateDiff workflows restyle a VAEEncode'd clip with a ControlNet on the prompts. Its strength is the pipeline's controlnet_conditioning_scale, its start and end the
fractions of the steps it acts in (control_guidance_start / end), as ComfyUI's ControlNetApplyAdvanced has them; a
second and a third ControlNet ('controlnet_2' with its clip on 'control_2', 'controlnet_3' on 'control_3', each with
its own strength, start and end) steer with it, as ComfyUI's chained apply nodes do (diffusers' MultiControlNetModel:
their residuals summed).
The take is made in one call by the one Sampler (sampling/one_call.py)."""
from __future__ import annotations

import numpy as np

from studio.core.params import Float, Path, Text
from studio.core.spec import In, Out

from ...base.errors import ModelError
from ...sampling.generators import prompt_of
from ...sampling.one_call import RUN, Call, OneCallNode, clip_take_settings, shared

FPS = 8.0  # AnimateDiff's frame rate
MORE = ((2, "second"), (3, "third"))  # the further ControlNets: 'control_2' with 'controlnet_2', 'strength_2'...


def _more(k: int, w: str) -> tuple:
    """The settings of the ``k``-th ControlNet (a ``w`` one, on 'control_k'): its file, strength, start and end."""
    return (Path(f"controlnet_{k}", "", mode="open", lookup=True, filters="ControlNet (*.safetensors)",
                 help=f"a {w} SD 1.5 ControlNet file, steering with the clip on 'control_{k}'; none: not used"),
            Float(f"strength_{k}", 1.0, min=0.0, max=10.0, help=f"the {w} ControlNet's weight"),
            Float(f"start_{k}", 0.0, min=0.0, max=1.0, help=f"the fraction of the steps where the {w} starts"),
            Float(f"end_{k}", 1.0, min=0.0, max=1.0, help=f"the fraction of the steps where the {w} stops"))


def steering(p, wired) -> list[tuple[str, str, float, float, float]]:
    """The ControlNets that steer the take: (input, file setting, strength, start, end), the first one's and each
    further one whose file is set or whose control clip is wired (``wired``: the inputs given)."""
    out = [("control", "controlnet", float(p.strength), float(p.start), float(p.end))]
    for k, _ in MORE:
        if (getattr(p, f"controlnet_{k}") or "").strip() or f"control_{k}" in wired:
            out.append((f"control_{k}", f"controlnet_{k}", *(float(getattr(p, f"{q}_{k}"))
                                                             for q in ("strength", "start", "end"))))
    return out


class AnimateDiffControlNet(OneCallNode):
    """Make a clip that follows a control clip with AnimateDiff and an SD 1.5 ControlNet: connect Load Video Model
    (an AnimateDiff motion module with its SD 1.5 checkpoint) and the control clip (lineart, pose, depth, edges: the
    kind the ControlNet file was trained on), and set 'controlnet' to the ControlNet file (ComfyUI's
    models/controlnet/)."""
    id = "video_models.animatediff_controlnet"
    title = "AnimateDiff ControlNet"
    keywords = ("animatediff", "controlnet", "control", "pose", "depth", "lineart", "canny", "edges", "sd15")
    family_key, pipelines, error = "animatediff", (), ModelError
    wanted, how = "AnimateDiff", "load an AnimateDiff motion module with its SD 1.5 checkpoint in Load Video Model"
    inputs = (In("model", "Video Model", help="an AnimateDiff model (motion module on its SD 1.5 checkpoint)"),
              In("control", "Video", help="the control clip (lineart, pose, depth, edges) the take follows"),
              In("prompt", "Text", optional=True),
              In("video", "Video", optional=True, help="a source clip to restyle (video to video, its frames noised "
                                                       "by 'denoise'); none: text to video"),
              *(In(f"control_{k}", "Video", optional=True, help=f"a {w} control clip, for the ControlNet "
                                                                 f"'controlnet_{k}' (several ControlNets steer together)")
                for k, w in MORE))
    outputs = (Out("video", "Video"),)
    params = (Path("controlnet", "", mode="open", lookup=True, filters="ControlNet (*.safetensors)",
                   help="an SD 1.5 ControlNet file, or its name in a models folder's controlnet/ (ComfyUI's "
                        "models/controlnet/; original or diffusers layout)"),
              Float("strength", 1.0, min=0.0, max=10.0, help="the ControlNet's weight (controlnet_conditioning_scale)"),
              Float("start", 0.0, min=0.0, max=1.0, help="the fraction of the steps where the ControlNet starts"),
              Float("end", 1.0, min=0.0, max=1.0, help="the fraction of the steps where the ControlNet stops"),
              *(q for k, w in MORE for q in _more(k, w)),
              Float("denoise", 0.6, min=0.01, max=1.0, help="with a source clip on 'video': how far from it the "
                                                               "take goes (1: ignore it), the pipeline's strength; "
                                                               "without one it does nothing"),
              Text("prompt", "a dancer in a red dress on a stage"),
              Text("negative_prompt", ""),
              *clip_take_settings("the control clip", "frames to make from the control clip's first; 0: the clip's "
                                                      "own", size_help="a multiple of 8")) + \
        shared("window", "overlap", "context_schedule", window={
            "help": "context windows: frames the motion module reads at once (the take denoised window by window at "
                    "every step, the ControlNet on every frame); 0: the whole take in one call"}) + \
        shared("steps", "guidance", "fps", steps={"default": 25, "help": "denoising steps"},
               guidance={"default": 7.5, "help": "classifier-free guidance (the pipeline's 7.5)"},
               fps={"help": "the take's frame rate; 0: AnimateDiff's 8"}) + \
        shared("sampler", sampler={"choices": ("auto", "lcm"), "help": "auto: the model's own scheduler (AnimateDiff's DDIM); lcm: LCMScheduler on "
                                           "the same betas, the sampler AnimateLCM's motion module is made for (few "
                                           "steps, guidance about 1-2)"}) + shared(*RUN)

    @staticmethod
    def _file(name: str, base_dir: str | None, prefix: str, setting: str = "controlnet") -> str:
        """The ControlNet file 'controlnet' names: a path (beside the graph where relative), or a name in a models
        folder or its controlnet/ (ComfyUI's models/controlnet/), as the other model files are found."""
        from studio.core.models import model_file
        if not (name or "").strip():
            raise ModelError(f"{prefix}no ControlNet chosen: set '{setting}' to an SD 1.5 ControlNet .safetensors "
                             "file in a models folder's controlnet/, e.g. control_v11p_sd15_openpose.safetensors")
        return model_file(name, base_dir, None, "controlnet", ModelError, "ControlNet",
                          "SD 1.5 ControlNet .safetensors file", "control_v11p_sd15_openpose.safetensors",
                          prefix=prefix)

    @classmethod
    def preflight(cls, params, base_dir):
        said = []
        for name in ("controlnet", *(f"controlnet_{k}" for k, _ in MORE if (params.get(f"controlnet_{k}") or ""))):
            try:
                cls._file(params.get(name) or "", base_dir, "", name)  # (the run names the node)
            except ModelError as e:
                said.append(str(e))
        return said

    def pipeline_of(self, ref):
        from .controlnet import controlnet_pipeline
        ctx = self._ctx
        base = getattr(ctx.options.get("graph"), "base_dir", None)
        paths = [self._file(getattr(ctx.params, name), base, f"{self.title}: ", name) for _, name, *_ in self._steer]
        return controlnet_pipeline(ref, paths, self.title, ctx.info, restyle=self._restyle)

    def run(self, ctx, model, **inputs):
        p = ctx.params
        steer = steering(p, {k for k, v in inputs.items() if v is not None})
        for into, name, _, start, end in steer:
            if not start < end:
                k = name.removeprefix("controlnet")
                raise ModelError(f"{self.title}: start{k} {start:g} is not before end{k} {end:g}: the ControlNet "
                                 f"'{name}' would act in no step")
            if inputs.get(into) is None:
                raise ModelError(f"{self.title}: '{name}' is set but nothing is connected to '{into}': connect the "
                                 f"control clip that ControlNet follows, or clear '{name}'")
        self._ctx, self._restyle, self._steer = ctx, inputs.get("video") is not None, steer
        return super().run(ctx, model, **inputs)

    def call(self, ctx, s, control, prompt=None, video=None, **more) -> Call:
        from studio.engine.clip import as_clip

        from ...base.calls import centre_cropped, clip_take, to_pil
        p = ctx.params
        clip = as_clip(control)
        source = as_clip(video) if video is not None else None
        # a restyle's take is the source clip's (its length and size); the control clips cover its frames
        n, w, h = clip_take(self.title, source if source is not None else clip, p.frames, p.width, p.height, 8,
                            ModelError, "the source clip" if source is not None else "the control clip")
        clips = [clip if into == "control" else as_clip(more[into]) for into, *_ in self._steer]
        for (into, *_), c in zip(self._steer, clips):
            if (source is not None or into != "control") and len(c) < n:
                what = "the control clip" if into == "control" else f"the control clip on '{into}'"
                raise ModelError(f"{self.title}: {what} has {len(c)} frames but the take " + (
                    f"restyles {n} of the source clip" if source is not None else f"makes {n}") + f": give a control "
                    f"clip of at least {n} frames, or set frames to {len(c)} or fewer")
        most = getattr(s.pipe.unet.config, "motion_max_seq_length", None)
        span = p.window if 0 < p.window < n else n
        if most and span > most:
            raise ModelError(f"{self.title}: {span} frames a call: the motion module's positions reach {most}; set "
                             f"'window' to {most} or fewer (context windows)")
        if span < n:
            from ...takes.context_windows import plan_for
            s.context = plan_for(span, p.overlap, 1, p.context_schedule)
            ctx.info(f"context windows of {span} frames overlapping by {min(p.overlap, span - 1)}, at every step")
        # each control picture cut about its centre to the take's aspect, as ComfyUI's ControlNet fits its picture to
        # the latent (the pipeline then resizes it to the take's size: a stretch, were it another aspect)
        frames = [[to_pil(centre_cropped(np.asarray(c.frame(i), np.float32), w, h)) for i in range(n)] for c in clips]
        cut = sorted({f"{c.width}x{c.height}" for c in clips if c.width * h != c.height * w})
        if cut:
            ctx.info(f"control clips of {', '.join(cut)} cut about their centre to the take's {w}x{h} aspect, as "
                     "ComfyUI's ControlNet fits its picture (not stretched)")
        ctx.info(f"{n} frames at {w}x{h}, following " + "; ".join(
            ("the control clip" if into == "control" else f"the control clip on '{into}'") + f" (strength {k:g}, from {a:g} to {b:g} of the steps)"
            for into, _, k, a, b in self._steer) + (f", restyling the source clip at denoise {p.denoise:g}"
                                                    if source is not None else ""))
        one = len(self._steer) == 1  # (one ControlNet: its values as they are; several: a list each, in order)
        kw = {"conditioning_frames": frames[0] if one else frames, "prompt": prompt_of(ctx, prompt),
              "negative_prompt": p.negative_prompt or None, "height": h, "width": w,
              "num_inference_steps": self.steps, "guidance_scale": float(p.guidance),
              **{key: (vals[0] if one else list(vals)) for key, vals in zip(
                  ("controlnet_conditioning_scale", "control_guidance_start", "control_guidance_end"),
                  list(zip(*(t[2:] for t in self._steer))))}}
        if source is None:
            return Call(dict(kw, num_frames=n), n, float(p.fps) or FPS, (w, h), self.steps)
        kw.update(video=[to_pil(np.asarray(source.frame(i), np.float32)) for i in range(n)], strength=float(p.denoise))
        # the steps the pipeline runs at that strength (its get_timesteps: int(steps x strength))
        return Call(kw, n, float(p.fps) or source.fps or FPS, (w, h), max(1, int(self.steps * p.denoise)))
