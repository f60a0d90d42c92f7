"""A family's own node whose take is one pipeline call (Sana Video, Framepack, CogVideoX Fun Control, EasyAnimate
Control, Cosmos Transfer, and the picture-and-sound nodes of sound_take.py): the node is a declaration (its ports,
its settings, the pipelines it takes) and a ``call()`` giving what it hands the pipeline. The one Sampler
(sampler.py) makes the call, as it makes every generator's: seeds, steps and the step callback, live previews,
kept steps and resume after a Stop where the family declares its layout, the decode and its out-of-memory rescue,
the frames cut to those asked, cancel, progress and the run's estimate. ComfyUI's family nodes work so too
(comfy_extras/nodes_wan.py: WanImageToVideo only builds the conditioning, one sampler runs every model).

A node declares ``family_key`` and ``needs`` (the model it takes, for the refusal), ``pipelines`` (the classes
it runs: the loaded folder's own pipeline, not one built for a generic task) and gives ``call()``; it may give
``finish()`` (its outputs from the clip made)."""
from __future__ import annotations

from dataclasses import dataclass, replace

from studio.core.errors import StudioError
from studio.core.params import Int

from ..base.capabilities import cost
from ..base.errors import ModelError
from ..loading.inputs import video_model_input
from .generators import COMMON, GeneratorNode, preview_and_steps

_SHARED = {q.name: q for q in COMMON}
RUN = ("seed", "previews", "preview_size", "compile", "attention", "step_cache")  # how any generator's run goes


def shared(*names: str, **changed) -> tuple:
    """The generators' shared settings ``names`` (generators.COMMON, declared once), in that order; a setting
    in ``changed`` takes that default (a number) or those fields (a dict: the release's own default and help)."""
    out = []
    for name in names:
        q = _SHARED[name]
        if name in changed:
            c = changed[name]
            q = replace(q, **(c if isinstance(c, dict) else {"default": c}))
        out.append(q)
    return tuple(out)


def clip_take_settings(of: str, frames_help: str, size_of: str = "", size_help: str = "a multiple of 16",
                       most: int = 10_000) -> tuple:
    """'frames', 'width' and 'height' of a take made from a clip wired in (``of``: "the control clip"), each 0 for
    the clip's own (``size_of``: whose size 0 takes, where it differs)."""
    size_of = size_of or f"{of}'s"
    return (Int("frames", 0, min=0, max=most, special=f"{of}'s length", help=frames_help),
            Int("width", 0, min=0, max=4096, special=size_of, help=size_help),
            Int("height", 0, min=0, max=4096, special=size_of, help=size_help))


@dataclass
class Call:
    """What a node hands the Sampler for its one call: ``kwargs``, the pipeline's arguments (before
    ``filter_kwargs``); ``frames``, the frames kept; ``made``, the frames the call makes (0: ``frames``; a
    pipeline making whole sections makes more, cut back); ``fps``; ``size`` (width, height); ``steps``, the
    denoising steps of one loop; ``loops``, the denoising loops inside the call (Framepack's sections, Cosmos
    Transfer's chunks: progress counts them all)."""
    kwargs: dict
    frames: int
    fps: float
    size: tuple[int, int]
    steps: int
    made: int = 0
    loops: int = 1
    decoded: int = 0  # frames the VAE decodes in the call, overlaps counted (Framepack's sections: about twice those
    # made); 0: those made. The estimates scale another model's decode by it (estimates/cross_scale.py)
    cut: str = ""  # said when the call made more frames than kept: words with '{made}', the frames it made
    # why a Stop keeps nothing of it, where its loops are not the kind a kept step resumes ('' : it resumes)
    no_resume: str = ""


class OneCallNode(GeneratorNode):
    """The run of a family's one-call node (module docstring); subclasses declare the node."""
    streams_output = False  # one call: nothing to stream
    family_key = ""  # the registry's key of the family whose models it takes
    pipelines: tuple[str, ...] = ()  # the pipeline classes it runs ((): the family's for ``task``)
    needs = ""  # the model it takes, as the refusal says it ("a <family> model (<its pipeline class>)")
    error: type[StudioError] = ModelError  # what a model it cannot run is refused as
    wanted, how = "", ""  # with ``how``: refused as loading/inputs.not_this_model says, naming ``wanted`` and how
    own_draft = False  # its 'quality' draft is its own (``prepared``), not the family's recipe (sampling/draft.py)

    @classmethod
    def take_shape(cls, params, fam):
        """One call of the whole clip, or the calls its family's Cost declares (Framepack's sections)."""
        from .advice import clip_and_window
        own = cost(fam).take_shape
        return own(params) if own is not None else (clip_and_window(fam, params)[0], 1, 1)

    def call(self, ctx, s, **inputs) -> Call:
        """The call for this run (``s``: the Sampler, its pipeline ``s.pipe``; ``self.steps`` and
        ``self.preview``: the steps and preview size the run asks)."""
        raise NotImplementedError

    def finish(self, ctx, s, clip, c: Call, **inputs):
        """The node's outputs from the clip made (``inputs``: what is wired into it)."""
        return {"video": clip}

    def prepared(self, ctx, ref, inputs: dict):
        """The model as this run takes it, before the Sampler is made and any of its parts read: what is wired
        checked, a node with its own Draft putting its distilled LoRA on and setting its steps (``own_draft``); as
        wired by default."""
        return ref

    def run_settings(self, ctx, s) -> tuple[bool, int]:
        """(sample at preview size, the steps to run): the generators' 'preview size' and 'steps' by default
        (generators.preview_and_steps); an upscaler's own (Kandinsky 6 SR: its steps, its scale's size)."""
        return preview_and_steps(ctx, s.on_cpu)

    def pipeline_of(self, ref):
        """The pipeline the call runs: the loaded folder's own where the node runs its ``pipelines``, one made from
        the loaded components (LTX-2 HDR's: overridden), or None, the family's for ``task``."""
        return ref.own_pipeline() if self.pipelines else None

    def task_for(self, ref, inputs: dict) -> str:
        """The task the pipeline is asked for (the family's pipeline for it, where ``pipelines`` is empty)."""
        return self.task or "t2v"

    def model_ref(self, model):
        """The Video Model wired in, refused in words when it is not one this node runs."""
        ref = video_model_input(model)
        kind = type(ref.module).__name__
        if ref.fam.key == self.family_key and (not self.pipelines or kind in self.pipelines):
            return ref
        if self.how:
            from ..loading.inputs import not_this_model
            raise not_this_model(self.title, ref, self.wanted, self.how, self.error)
        what = f"a {ref.fam.title} model" + (f" ({kind})" if ref.fam.key == self.family_key else "")
        raise self.error(f"model '{ref.path}' is {what}: {self.title} needs {self.needs}")

    def run(self, ctx, model, **inputs):
        from .sampler import Sampler, filter_kwargs
        from ..loading.embeddings import applied, check  # ComfyUI's 'embedding:NAME' (a textual inversion)
        ref = self.prepared(ctx, self.model_ref(model), inputs)
        check(self.title, ref.fam, (ctx.params.get("prompt"), ctx.params.get("negative_prompt")))  # before loading
        s = Sampler(ctx, ref, self.task_for(ref, inputs), draft=not self.own_draft, pipe=self.pipeline_of(ref))
        self.preview, self.steps = self.run_settings(ctx, s)
        c = self.call(ctx, s, **inputs)
        if isinstance(c.kwargs.get("prompt"), str):  # its words as the call takes them
            c.kwargs["prompt"], neg = applied(ctx, s, self.title, c.kwargs["prompt"], c.kwargs.get("negative_prompt"))
            if neg is not None:
                c.kwargs["negative_prompt"] = neg
            _weighed(ctx, s, self.title, c.kwargs)  # ComfyUI's '(word:1.3)'
        s.segments, s.no_resume, s.decoded = max(1, c.loops), c.no_resume, c.decoded
        base = filter_kwargs(s.pipe, c.kwargs, ctx.warn)
        clip = s.generate(c.frames, c.made or c.frames, 0, lambda start, still: dict(base), c.fps,
                          previews=ctx.params.previews, steps=c.steps, size=c.size)
        if c.cut and s.made_frames > c.frames:
            ctx.info(c.cut.format(made=s.made_frames))
        return self.finish(ctx, s, self._made(ctx, clip, *c.size), c, **inputs)


def _weighed(ctx, s, title: str, kw: dict) -> None:
    """A call's prompt (and negative) holding ComfyUI's weights, in ``kw``: as weighted embeddings where the
    pipeline's family weighs (sampling/prompt_weighting.py), else the words without the syntax, said there."""
    from .prompt_weighting import kwargs as weighted, needed_by
    if not needed_by(s.pipe, kw.get("prompt"), kw.get("negative_prompt")):
        from .prompt_sections import unread
        if line := unread(s.pipe, title, kw.get("prompt"), kw.get("negative_prompt")):
            ctx.warn(line)
        return
    got, prompt, negative = weighted(ctx, s, title, kw["prompt"], kw.get("negative_prompt"))
    if got is not None:
        kw.pop("prompt", None)
        kw.pop("negative_prompt", None)
        kw.update(got)
        return
    kw["prompt"] = prompt
    if "negative_prompt" in kw:
        kw["negative_prompt"] = negative
