"""What a family may do beyond its core (base/family.py), one kind of capability each: a family's folder
gives ``Family.has`` an object of the kinds it provides and ``Family.lacks`` a reason, in words, for each
kind it does not (tests/video_models/test_family_capabilities.py checks every registered family against
every kind in ``KINDS``). Generic rooms ask the family (``fam.capability(Kind)``) or, for a kind keyed by
a diffusers class the room holds (a pipeline, a VAE), the registry (``base.registry.capability_for``):
never a table of class names of their own, so a new family missing a kind says so instead of going
silently without it.
Plain data and stdlib: importing this module costs nothing."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, ClassVar, Protocol, runtime_checkable


class Capability:
    """The base of every kind: ``what`` says the kind in words (``main.py families``, the test's
    messages); ``classes``, for a kind keyed by diffusers classes, the classes one object serves."""
    what: ClassVar[str] = ""

    @property
    def classes(self) -> tuple[str, ...]:
        return ()


# -- ComfyUI's part files read with no folder (loading/family_parts.py, loading/load.py) ------------------------
@runtime_checkable
class PipelineParts(Protocol):
    """A part reader that builds a diffusers pipeline from a denoiser file and ComfyUI's text-encoder, VAE and
    CLIP-vision files (Wan's, LTX-Video's, LTX-2's, HunyuanVideo 1.5's, Kandinsky 5's, SVD's, Wan S2V's,
    SCAIL-2's): a module with these functions."""

    def check_parts(self, fam, den_cfg: dict, den_path: str, files: dict, diffusers) -> dict:
        """Each part's file checked against the denoiser's config, from the headers: {component: Part}."""

    def denoiser_config(self, diffusers, fam, wf):
        """(class name, config, the file under diffusers' names) of a denoiser file with no folder."""

    def build_pipeline(self, diffusers, fam, wf, files: dict, torch_dtype, info):
        """(pipeline, weights in words, model_index-like dict, parts) from the denoiser file and the part
        files; a reader takes more by keyword where its family needs them: ``waiting`` (the components left
        on disk while the prompt cache serves it: a family with a PromptRecipe), ``second`` (a second expert's
        file: a family with two experts)."""


@runtime_checkable
class ModularParts(Protocol):
    """A part reader that builds a modular pipeline from a denoiser file and ComfyUI's part files, no folder
    (MiniMax H3's, Wan Animate 2's): a module with this function."""

    def build_modular(self, diffusers, fam, wf, files: dict, torch_dtype, device, info):
        """(pipeline, weights in words, model_index-like dict, parts)."""


@dataclass(frozen=True)
class PartReader(Capability):
    """ComfyUI's separate part files read with no diffusers folder: ``load()`` imports the family's reader
    module (a PipelineParts or a ModularParts) when it is first needed; ``files``: the part files it reads,
    in words; ``one_checkpoint``: its "part files" are one all-in-one checkpoint (SVD's)."""
    what: ClassVar[str] = "ComfyUI's part files read with no diffusers folder (loading/family_parts.py)"
    load: Callable
    files: str = "text encoder, VAE, CLIP vision"
    one_checkpoint: bool = False
    image_model: bool = False  # its denoiser file is added to an image model's checkpoint ('image_model': AnimateDiff's)

    def reader(self):
        return self.load()


# -- prompt embeddings kept by the prompt-embedding cache (sampling/prompt_cache.py) -------------------------
@dataclass(frozen=True)
class Each:
    """A pipeline whose encode_prompt takes one prompt (the negative encoded by a second call):
    ``names``: what it returns, in order; ``dtype``: the call encodes in the transformer's dtype;
    ``length``: the call passes its max_sequence_length; ``negative``: when the call encodes the
    negative ('always', 'guidance': guidance_scale above 1, 'true_cfg': true_cfg_scale above 1 with
    a negative); ``default_negative``: what it encodes when none is given."""
    names: tuple[str, ...]
    dtype: bool
    length: bool
    negative: str
    default_negative: str = ""

    @property
    def both(self) -> tuple[str, ...]:
        return self.names + tuple("negative_" + n for n in self.names)


@dataclass(frozen=True)
class PromptRecipe(Capability):
    """How the prompt-embedding cache serves these ``pipelines`` (base/prompt_recipes.py): ``names``, what
    their ``encode_prompt`` returns for both prompts in one call, in order (also the names their call
    takes); or ``each``, an Each recipe; ``tokenizer_side``: the padding side encode_prompt sets on the
    tokenizer and the call reads back ('' : none)."""
    what: ClassVar[str] = "prompt embeddings kept by the prompt-embedding cache (sampling/prompt_cache.py)"
    pipelines: tuple[str, ...]
    names: tuple[str, ...] = ()
    each: Each | None = None
    tokenizer_side: str = ""

    @property
    def classes(self) -> tuple[str, ...]:
        return self.pipelines

    @property
    def returns(self) -> tuple[str, ...]:
        return self.each.both if self.each is not None else self.names


# -- what a resume keeps: the sampled latents of a decode that ran out of memory (resume/kept_latents.py) ---
@dataclass(frozen=True)
class ResumeKeeps(Capability):
    """The pipelines whose one decode is followed only by ``video_processor.postprocess_video`` (their
    latents kept and decoded again alone), each with the leading frames it drops after decoding
    (HunyuanVideo I2V's 'latent_concat' image): ``((pipeline class, frames dropped), ...)``."""
    what: ClassVar[str] = "sampled latents kept when the decode runs out of memory (resume/kept_latents.py)"
    pipelines: tuple[tuple[str, int], ...]

    @property
    def classes(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.pipelines)

    def drops(self, pipeline: str) -> int:
        return dict(self.pipelines).get(pipeline, 0)


# -- a VAE's decode in time tiles (takes/vae_tiles.py) and a long take decoded so (takes/time_tiles.py) ---
FRAME_CACHE, CONV_CACHE, BLENDED = "frame_cache", "conv_cache", "blended"


@dataclass(frozen=True)
class VaeTiles(Capability):
    """How the decode of the VAE class ``vae`` is given out a time tile at a time (takes/vae_tiles.py):
    ``how`` FRAME_CACHE (causal: one latent frame a decoder call, a cache of the frames before: Wan's),
    CONV_CACHE (causal: batches of latent frames with a convolution cache carried: CogVideoX's) or BLENDED
    (the library's overlapping time tiles blended linearly); ``drop``: for BLENDED, the frame each later
    tile drops ('last', or 'first': no decode timestep, its post-quant convolution first)."""
    what: ClassVar[str] = "its VAE's decode given out in time tiles (takes/vae_tiles.py)"
    vae: str
    how: str
    drop: str = ""

    @property
    def classes(self) -> tuple[str, ...]:
        return (self.vae,)

    @property
    def framewise(self) -> bool:
        """The decode calls the decoder once per latent frame (takes/decode_progress.py counts them)."""
        return self.how == FRAME_CACHE


@dataclass(frozen=True)
class TimeTiles(Capability):
    """A long take's latent decoded here in time tiles (takes/time_tiles.py) for pipelines with the VAE
    class ``vae``: ``prepare(pipe, latents, call) -> (latents, decode timestep or None)`` repeats the
    pipeline's own steps between its last denoising step and ``vae.decode``; ``pipelines``: the pipeline
    classes whose steps those are (() : every pipeline with the VAE); ``vae_dtype``: the latents cast to the
    VAE's dtype first."""
    what: ClassVar[str] = "a long take decoded in time tiles into the clip's buffer (takes/time_tiles.py)"
    vae: str
    prepare: Callable
    pipelines: tuple[str, ...] = ()
    vae_dtype: bool = False

    @property
    def classes(self) -> tuple[str, ...]:
        return (self.vae,)

    def serves(self, pipeline: str) -> bool:
        return not self.pipelines or pipeline in self.pipelines


# -- live previews (sampling/previews.py) ---------------------------------------------------------------------
@dataclass(frozen=True)
class PreviewLayout(Capability):
    """How a live preview's projection is fitted on its VAE: ``video_vae``: the VAE encodes a still as one
    frame [B, C, 1, H, W] (False: images [B, C, H, W]); ``scaling``: normalised latents are scaled by the
    VAE's scaling_factor too. Which latent frame is shown follows ``Family.latent_layout``."""
    what: ClassVar[str] = "live previews fitted on its VAE (sampling/previews.py)"
    video_vae: bool = True
    scaling: bool = False


# -- what a pipeline's call returns (sampling/sampler.py) ---------------------------------------------------------
@dataclass(frozen=True)
class Outputs(Capability):
    """What its pipelines' call returns, declared where it is not diffusers' common ``output.frames`` (a batch of
    one clip, frames only), as diffusers declares each family's output class (pipelines/ltx2/pipeline_output.py):
    ``frames``, the attribute holding the frames; ``batched``, they hold a batch whose first clip is the take
    (Cosmos 3's ``video`` is one clip); ``sound``, the attribute holding the sound made in the same call ('' :
    none); ``sound_of(pipe, raw) -> Audio | None``, that sound as an Audio value at its own rate. Sound travels
    with the frames: the Sampler keeps it beside them (``Sampler.audio``)."""
    what: ClassVar[str] = "what its pipeline's call returns beside the frames: sound and its rate (sampling/sampler.py)"
    without: ClassVar[str] = "its pipelines return frames only, as diffusers' common output (output.frames[0])"
    frames: str = "frames"
    batched: bool = True
    sound: str = ""
    sound_of: Callable | None = None
    channels_last: tuple[str, ...] = ()  # pipeline classes whose frames come channels last ([T, H, W, C]: LTX-2 HDR's)

    def take(self, out, pipe=None):
        """The take's frames in ``out`` (a pipeline's output object), [T, C, H, W] as diffusers' "pt" output lays
        them (a view of a pipeline's channels-last frames)."""
        made = getattr(out, self.frames)
        made = made[0] if self.batched else made
        return made.permute(0, 3, 1, 2) if type(pipe).__name__ in self.channels_last else made

    def sound_made(self, out):
        """The raw sound ``out`` holds, None where the call made none."""
        return getattr(out, self.sound, None) if self.sound else None

    def audio(self, pipe, raw):
        """The sound as an Audio value (None where none was made)."""
        return None if raw is None or self.sound_of is None else self.sound_of(pipe, raw)


# -- nodes that call their pipeline outside the one Sampler (sampling/one_call.py) ---------------------------------
@dataclass(frozen=True)
class DirectCalls(Capability):
    """Its nodes that call their pipeline themselves, outside the one Sampler, each with why (a multi-stage
    pipeline with its own loop that a step callback cannot enter, a pipeline with no step callback): ``nodes``,
    ((node id, why), ...). Those nodes go without what the Sampler gives (live previews, resume from kept steps,
    the decode's out-of-memory rescue); ``main.py families`` says which and why
    (tests/video_models/test_one_road.py finds every direct call and checks it is declared here)."""
    what: ClassVar[str] = "nodes that call their pipeline outside the one Sampler, each with why (sampling/one_call.py)"
    without: ClassVar[str] = "every node of it calls its pipeline through the one Sampler (sampling/sampler.py)"
    nodes: tuple[tuple[str, str], ...] = ()


FRAMES_ONLY = Outputs()  # diffusers' common output: a batch of clips in ``frames``, no sound


def outputs(fam) -> Outputs:
    """A family's Outputs, or ``FRAMES_ONLY`` where it declares none."""
    return fam.capability(Outputs) or FRAMES_ONLY


# -- Train Video LoRA (lora/) ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class LoraTraining(Capability):
    """Train Video LoRA on it: ``targets``, the modules adapted by default; ``loss``, the loss it was
    trained with (a key of lora/loss.py's LOSSES); ``frame_rate``: its pipelines take the clip's
    'frame_rate' (the validation sample); ``comfyui``: a trained LoRA's copy in its original names
    (lora/file.py): a function of the weights -> (renamed, modules skipped) (Wan's own names), 'prefixed'
    (diffusers' names under 'diffusion_model.'), '' none."""
    what: ClassVar[str] = "Train Video LoRA (lora/)"
    targets: tuple[str, ...]
    loss: str
    frame_rate: bool = False
    comfyui: str | Callable = ""


# -- frames given at frame indices by a condition pipeline (takes/keyframes_at.py, takes/continuation.py) ----
@dataclass(frozen=True)
class Conditions(Capability):
    """Its condition pipeline (``Family.cond``): ``frames(clip) -> dict``, the call's arguments for a window
    starting from ``clip`` (PIL frames: a take continued); ``keyframes(ctx, pipe, keys, strength) -> list``,
    its ``conditions`` for keyframes (``.at``, ``.image``, ``.port``); ``shift_fixed``: the pipeline takes no
    size-dependent shift (continuation.shift_fixed)."""
    what: ClassVar[str] = "frames given at any frame index: keyframes, a take continued (takes/)"
    frames: Callable
    keyframes: Callable
    shift_fixed: bool = False


# -- point tracks (sampling/generators.py) --------------------------------------------------------------------
@dataclass(frozen=True)
class Tracks(Capability):
    """Guidance by point tracks: ``applied(ctx, pipe, tracks, out_size, n_frames, how, temperature, topk)``, a
    context manager inside which its pipeline's calls follow ``tracks`` (a Keypoints; ``how``: 'wan-move' or
    'ati')."""
    what: ClassVar[str] = "point tracks steering image to video (Wan-Move, ATI)"
    applied: Callable


# -- a motion reference and its mask (sampling/motion_reference.py) ---------------------------------------------
@dataclass(frozen=True)
class MotionReference(Capability):
    """Time-to-Move: ``applied(ctx, pipe, reference, mask, out_size, n_frames, start, end, generator)``, a context
    manager inside which its image-to-video call starts from the reference noised to step ``start`` and keeps the
    masked region on the reference until step ``end`` (families/wan/ttm.py)."""
    what: ClassVar[str] = "a crude motion reference and its mask steering image to video (Time-to-Move)"
    without: ClassVar[str] = "Time-to-Move was read for Wan image to video only (its release's Wan 2.2 I2V A14B)"
    applied: Callable


# -- a start picture's motion amplitude (sampling/condition_amplitude.py) ------------------------------------------
@dataclass(frozen=True)
class ConditionAmplitude(Capability):
    """A start picture's condition latents after its first frame moved away from it (ComfyUI's PainterI2V against
    the slow motion of few-step LoRAs): ``applied(ctx, pipe, amplitude)``, a context manager inside which its
    image-to-video call makes its condition so (families/wan/amplitude.py)."""
    what: ClassVar[str] = "a start picture's motion amplitude on image to video (PainterI2V's)"
    without: ClassVar[str] = ("the motion amplitude was read for Wan image to video only (a condition of the start "
                              "picture's latent beside the noise)")
    applied: Callable


# -- SVI 2.0 Pro's anchor-and-motion conditioning of a continued take (sampling/anchor_motion.py) ----------------------
@dataclass(frozen=True)
class AnchorMotion(Capability):
    """Each window of a continued image-to-video take conditioned on the take's first picture (the anchor) and the
    last latent frames the window before made (Stable Video Infinity 2.0 Pro's): ``applied(ctx, pipe, count)``, a
    context manager inside which the take's calls make their condition so (families/wan/svi_pro.py)."""
    what: ClassVar[str] = "SVI 2.0 Pro's anchor-and-motion-latent conditioning of a continued image-to-video take"
    without: ClassVar[str] = ("SVI 2.0 Pro's conditioning was read for Wan image to video only (the picture's latent "
                              "beside the noise, its SVI LoRAs trained for it)")
    applied: Callable


# -- a middle picture held with a strength per expert (sampling/middle_frame.py) ---------------------------------------
@dataclass(frozen=True)
class MiddleFrame(Capability):
    """Image to video given a picture at a frame between its first and last, held with a strength for each expert
    (the ComfyUI-Wan22FMLF pack's first / middle / last frames): ``applied(ctx, pipe, picture, frame, strength,
    strength_2)``, a context manager inside which its image-to-video call conditions so (families/wan/middle_frame.py)."""
    what: ClassVar[str] = "a middle picture held with a strength per expert (Image to Video's 'middle_image')"
    without: ClassVar[str] = ("a middle picture was read for Wan image to video only (the pictures' latent beside the "
                              "noise, its mask a strength per expert)")
    applied: Callable


# -- guidance on a take's first steps only (sampling/guidance_steps.py) -----------------------------------------------
@dataclass(frozen=True)
class GuidanceSteps(Capability):
    """Classifier-free guidance on the first steps of a call only: ``applied(ctx, pipe, steps, of)``, a context
    manager inside which its pipeline's unconditional calls after step ``steps`` are given the conditional output
    (families/wan/guidance_steps.py)."""
    what: ClassVar[str] = "classifier-free guidance on a take's first steps only (the generators' guidance_steps)"
    without: ClassVar[str] = ("guidance on the first steps only was read for Wan's pipelines (a conditional and an "
                              "unconditional call a step, named by their cache contexts)")
    applied: Callable


# -- a call readied for what the model needs beyond the generic call (sampling/sampler.py) ---------------------------
@dataclass(frozen=True)
class CallReady(Capability):
    """A block around one generator call readying its pipeline for what its model needs beyond the generic call:
    ``applied(ctx, pipe, say)``, a context manager that does nothing where the pipeline needs nothing, said on the node
    where ``say`` (Wan's image-to-video denoisers sampled with no picture: families/wan/zero_condition.py)."""
    what: ClassVar[str] = "a call readied for what its model needs beyond the generic call"
    without: ClassVar[str] = "its pipelines take the generic call as it is"
    applied: Callable


# -- a first and a last frame (sampling/generators.py) -----------------------------------------------------------
@dataclass(frozen=True)
class FirstLast(Capability):
    """Image to video given a first and a last frame: ``ready(ctx, pipe)`` readies its image-to-video
    pipeline for such a call (Wan's: families/wan/first_last.py)."""
    what: ClassVar[str] = "a last frame beside the first (Image to Video's 'last_image')"
    ready: Callable


# -- a diffusers modular pipeline folder (loading/modular.py, sampling/modular_run.py) ------------------------
class Modular(Capability):
    """A modular pipeline folder (modular_model_index.json), run in one call. A family subclasses it in its
    folder and overrides what it does differently; ``components``: what its folder must hold; ``task``: what
    those components are for, in words; ``own_node``: the node that runs it when no generic node does ('' :
    the generic nodes); ``keeps_sound``: the soundtrack its call makes beside the video (its state's 'audio' at
    its 'sampling_rate') goes with the clip of every node that runs it, the generic Text to Video and Image to
    Video included (else it is said and not kept)."""
    what: ClassVar[str] = "a diffusers modular pipeline folder (loading/modular.py)"
    components: tuple[str, ...] = ()
    task: str = "text to video"
    own_node: str = ""
    keeps_sound: bool = False

    def part(self, name: str, folder: str, info):
        """Its own reading of component ``name`` (None: the component's class's from_pretrained)."""
        return None

    def ready(self, ctx, ref, task: str) -> None:
        """Ready the pipeline for a ``task`` call; nothing by default."""

    def step_latents(self, pipe, sample, height: int, width: int):
        """One scheduler step's ``sample`` inside its blocks as the video's latents [B, C, T, H, W] for a step
        preview (sampling/chain_steps.py; ``height`` x ``width``: the call's size), None where it is not them; by
        default the sample itself when it has that shape."""
        return sample if sample.ndim == 5 else None

    def check_loras(self, ref) -> bool:
        """Whether it takes ``ref.loras`` (each checked, refused in words when it does not fit, before anything
        is read); False by default (Studio runs the modular pipeline as diffusers has it)."""
        return False

    def loras(self, ref, task: str, say=None, info=None):
        """A context manager putting ``ref.loras`` on the pipeline for a ``task`` call and taking them off after
        it; none by default."""
        from contextlib import nullcontext
        return nullcontext()

    def files(self, fam, given: dict, base: str, single: str | None = None) -> dict:
        """The part files ``given`` ({component: path}) read into its folder ``base`` in place of the folder's
        components, checked from their headers (against the denoiser file ``single``): {component: (words,
        load(torch_dtype))}; by default none is read: refused, naming them."""
        from .errors import ModelError
        raise ModelError(f"{', '.join(given)}: not read with a {fam.title} denoiser file (its base's own are used)"
                         + ("; with 'base' empty they are read" if fam.capability(PartReader) else ""))

    def single_file_reader(self, wf):
        """Its own reader of a single denoiser file read into its folder (a layout diffusers' class has no form
        of: MiniMax H3's curve form), a function (wf, torch_dtype, device, info) -> (component name, module,
        weights in words); None: files/single_file.load_denoiser."""
        return None


# -- two denoisers: a high-noise and a low-noise expert (loading/load.py, loading/family_parts.py) -----------
@dataclass(frozen=True)
class TwoExperts(Capability):
    """A model may come as two denoisers (Wan 2.2 A14B's experts): ``check(diffusers, fam, first, second,
    cfg=None)``, the two experts from the file ``first`` and the file ``second`` checked on their headers;
    ``folder(diffusers, index, path, fam, experts, torch_dtype, info)``, from_pretrained's keyword arguments
    for a folder loaded with two expert files."""
    what: ClassVar[str] = "two denoisers, a high-noise and a low-noise expert (loading/load.py)"
    check: Callable
    folder: Callable


# -- context windows: a long take made in one call, window by window (takes/context_windows.py) --------------
@dataclass(frozen=True)
class ContextWindows(Capability):
    """Its denoiser input has a frame axis context windows can cut: ``layout`` how it lies ('BCTHW',
    'packed'); ``schedule_in_one_take``: a prompt schedule may change the prompt inside one take (its
    conditional call is named apart: Wan's)."""
    what: ClassVar[str] = "context windows: a long take in one call, window by window (takes/context_windows.py)"
    layout: str
    schedule_in_one_take: bool = False


# -- ComfyUI's `embedding:NAME` in a prompt (loading/embeddings.py) -------------------------------------------------
@dataclass(frozen=True)
class TextualInversions(Capability):
    """Its pipeline takes CLIP textual-inversion embeddings (diffusers' ``load_textual_inversion``): a prompt's
    ``embedding:NAME`` is loaded into its text encoder(s); other families read the words as text, said."""
    what: ClassVar[str] = "textual-inversion embeddings named in a prompt (loading/embeddings.py)"
    without: ClassVar[str] = "a prompt's 'embedding:NAME' is read as words: its text encoders take no CLIP textual " \
                             "inversion (said on the node)"


TAKES_EMBEDDINGS = TextualInversions()


# -- ComfyUI's prompt weights '(word:1.3)' (studio/core/prompt_weights.py, sampling/prompt_weighting.py) ------
@dataclass(frozen=True)
class PromptWeights(Capability):
    """ComfyUI's prompt weights applied to these ``pipelines``' prompt embeddings: each row of ``prompt_embeds``
    is a token of the prompt as ``pipe.tokenizer`` lays it out (its specials, its padding), so a weighted token's
    row is moved away from the empty prompt's by its weight; ``names``: what ``encode_prompt`` returns for one
    prompt without guidance, in order ('' for what is not taken), also the names the call takes. ``literal``:
    ComfyUI's text encoder for this model reads no weights (its tokenizer's weights turned off: Qwen-Image's,
    Z-Image's, FLUX.2's, LTX-2's Gemma, HunyuanVideo 1.5's, Kandinsky 5's and MiniMax H3's Qwen): the prompt is
    given as written, its parentheses and numbers as text, as ComfyUI gives them."""
    what: ClassVar[str] = "ComfyUI's prompt weights '(word:1.3)' applied to the prompt's embeddings " \
                          "(sampling/prompt_weighting.py)"
    without: ClassVar[str] = "a prompt's weights '(word:1.3)' are not applied: the words are encoded without the " \
                             "syntax (said on the node)"
    pipelines: tuple[str, ...]
    names: tuple[str, ...] = ("prompt_embeds",)
    literal: bool = False

    @property
    def classes(self) -> tuple[str, ...]:
        return self.pipelines


# -- distilled recipes for a generator's 'quality' draft (base/drafts.py, sampling/draft.py) -------------------
@dataclass(frozen=True)
class Drafts(Capability):
    """Its distilled paths for a generator's 'quality' draft (base/drafts.py DraftRecipe): the first that fits
    the run and whose files are found wins (sampling/draft.py)."""
    what: ClassVar[str] = "a quality draft by a distilled recipe (sampling/draft.py)"
    recipes: tuple


# -- a LoRA file told by its names (base/recognise.py) --------------------------------------------------------
@dataclass(frozen=True)
class LoraNames(Capability):
    """A LoRA file told as its by the module names (prefixes removed): ``matches(names) -> bool``; ``title``:
    what a LoRA for it is called ('Wan'); ``original``: the layer-name fragments of its original layout, so a
    LoRA with no prefix holding one is given ComfyUI's 'diffusion_model.' for diffusers' converter
    (files/lora_formats.py)."""
    what: ClassVar[str] = "its LoRA files told by their module names (base/recognise.py, files/lora_formats.py)"
    title: str
    matches: Callable
    original: tuple[str, ...] = ()


# -- its own steps on a single denoiser file, where diffusers' converters fall short (files/single_file.py) -----
@dataclass(frozen=True)
class SingleFile(Capability):
    """Its own steps on a single denoiser file: ``converters()`` -> Studio's converters (denoiser class name ->
    function) for classes diffusers has none for, ``carry_scales`` when they carry ComfyUI's fp8 scales and
    GGUF; ``prepare(cls_name, state)``, its step before diffusers' converter; ``gguf(cls_name, state)``, a GGUF
    file's tensors renamed where diffusers' converter lacks a name; ``own_modules``, the name parts of modules
    its files may hold that diffusers' class has not, read by a node of its own (set aside at load and out of
    the config checks), ``own_names(names)`` where they depend on the file; ``refusal``, why a single file of
    it is not read, ``refused_with(given)`` with the part files given beside it; ``tensors(wf)``, the
    denoiser's own tensors of an all-in-one checkpoint; ``bases``, the keys of other families whose diffusers
    folder may be a file's 'base' (the same architecture, components and scheduler), with ``base_config(cfg,
    shapes)``, that folder's denoiser config made the file's. A family lacking the kind gets ``AS_IS``."""
    what: ClassVar[str] = "its own steps on a single denoiser file (files/single_file.py, loading/)"
    converters: Callable | None = None
    carry_scales: bool = False
    prepare: Callable | None = None
    gguf: Callable | None = None
    own_modules: tuple[str, ...] = ()
    own_names: Callable | None = None
    refusal: str = ""
    refused_with: Callable | None = None
    tensors: Callable | None = None
    bases: tuple[str, ...] = ()
    base_config: Callable | None = None

    def config_for(self, cfg: dict, shapes: dict) -> dict:
        return self.base_config(cfg, shapes) if self.base_config is not None else cfg

    def converter_table(self) -> dict:
        return self.converters() if self.converters is not None else {}

    def prepare_state(self, cls_name: str, state: dict) -> dict:
        return self.prepare(cls_name, state) if self.prepare is not None else state

    def gguf_state(self, cls_name: str, state: dict) -> dict:
        return self.gguf(cls_name, state) if self.gguf is not None else state

    def own_in(self, names) -> tuple[str, ...]:
        return self.own_names(names) if self.own_names is not None else self.own_modules

    def refusal_with(self, given: dict) -> str:
        return self.refused_with(given) if self.refused_with is not None else self.refusal

    def denoiser_tensors(self, wf):
        return self.tensors(wf) if self.tensors is not None else wf


# -- a memory plan counted part by part (memory/plan.py, loading/memory_plan.py) ----------------------------------
@dataclass(frozen=True)
class MemoryCounts(Capability):
    """Its denoiser's run measured against memory/plan.py's count on a card: ``activation`` = (a, b), the run's
    tensors per token in one block's forward, a x hidden + b x FFN width bytes. A family without it gets the
    kind's own reason (``unmeasured``): its plan is counted part by part all the same, the run's tensors
    estimated from its transformer's config (memory/plan.py ESTIMATED_ACTIVATION) and said to be estimated."""
    what: ClassVar[str] = "a memory plan counted part by part on a CUDA card (memory/plan.py, loading/memory_plan.py)"
    unmeasured: ClassVar[str] = ("its run has not been measured against the part-by-part count: the run's tensors "
                                 "in its memory plan are estimated from its transformer's config")
    activation: tuple[int, int]


# -- its cost, said before F5 (estimates/): read by the one estimator, never a table of class names -----------------
QUADRATIC, LINEAR = "quadratic", "linear"  # how a step's attention grows with the tokens
LIBRARIES = "diffusers.pipelines.pipeline_utils"  # what a diffusers pipeline's first load starts (base/loaded.py)


@dataclass(frozen=True)
class Cost(Capability):
    """What a run of it costs, as the estimates before F5 read it (estimates/): ``attention``, how its step's
    self-attention grows with the tokens (QUADRATIC: four multiply-adds a token pair a width a layer; LINEAR: no
    token-pair term, Sana Video's); ``layer_keys``, its denoiser config's keys counting the blocks that attend over
    the video's tokens (summed: HunyuanVideo's double- and single-stream blocks); ``frame_vaes``, its VAE classes
    that keep every frame (an image VAE, SVD's temporal decoder: a latent frame a frame); ``encodes``, (task,
    windows) its pipeline VAE-encodes a window whatever is wired (Wan's image to video: a whole window from a
    still, 1; VACE: its video's two halves, 2); ``take_shape(params)``, (frames a call, calls, denoising loops a
    call, frames its VAE decodes a call) where its calls are its own (Framepack's sections, decoding about twice
    the frames made); ``starts``, the module its first load imports (the libraries' start, counted once a
    process). A family declaring none has the common transformer's (``COMMON_COST``)."""
    what: ClassVar[str] = "its cost said before F5: how a step grows, what it encodes and decodes (estimates/)"
    without: ClassVar[str] = ("the common video transformer's cost: attention quadratic in the tokens, its blocks "
                              "counted by 'num_layers', its VAE compressing time, encoding the frames wired in")
    attention: str = QUADRATIC
    layer_keys: tuple[str, ...] = ("num_layers",)
    frame_vaes: tuple[str, ...] = ()
    encodes: tuple[tuple[str, float], ...] = ()
    take_shape: Callable | None = None
    starts: str = LIBRARIES

    @property
    def classes(self) -> tuple[str, ...]:
        return self.frame_vaes

    @property
    def attends(self) -> bool:
        """A step has a term for every pair of tokens."""
        return self.attention != LINEAR

    def encoded_windows(self, task: str) -> float:
        """Windows its ``task`` pipeline encodes a window whatever is wired (0: the frames wired in)."""
        return dict(self.encodes).get(task, 0.0)


COMMON_COST = Cost()


def cost(fam) -> Cost:
    """A family's Cost, or ``COMMON_COST`` where it declares none (or no family is known)."""
    return (fam.capability(Cost) if fam is not None else None) or COMMON_COST


# -- its own nodes making its tasks (base/tasks.py) ---------------------------------------------------------------
@dataclass(frozen=True)
class OwnNodes(Capability):
    """The nodes making its tasks where they are not the generic generators (base/tasks.py Maker, GENERIC): a kind
    named in ``makers`` is made by these nodes only, on the ports each names; ``pipelines``: other diffusers
    pipeline classes its own nodes run (LTX-2's HDR, DFR), listed by ``main.py families``."""
    what: ClassVar[str] = "its own nodes making its tasks (base/tasks.py)"
    without: ClassVar[str] = "its tasks are made by the generic generators (base/tasks.py GENERIC)"
    makers: tuple = ()
    pipelines: tuple[str, ...] = ()


GENERIC_NODES = OwnNodes()  # its tasks made by the generic generators only


def declared_nodes(fam) -> OwnNodes:
    """A family's OwnNodes, or ``GENERIC_NODES`` where it declares none."""
    return fam.capability(OwnNodes) or GENERIC_NODES


# -- what it needs installed beyond Studio's own (loading/checks.py runnable) -----------------------------------------
@dataclass(frozen=True)
class Requires(Capability):
    """What its models need on this machine beyond Studio's install: ``unavailable(fam)`` says why they cannot run
    here, in one sentence saying what to install and where ('' : they can): Cosmos's without its guardrail
    (families/cosmos/guardrail.py). Load Video Model refuses such a model at its check and before reading any
    weight; the model picker says it."""
    what: ClassVar[str] = "what its models need installed beyond Studio's own (loading/checks.py)"
    without: ClassVar[str] = "its models run with what Studio installs"
    unavailable: Callable


def unavailable(fam) -> str:
    """Why ``fam``'s models cannot run on this machine ('' : they can)."""
    needs = fam.capability(Requires)
    return needs.unavailable(fam) if needs is not None else ""


# -- the least sizes and the most frames its pipelines take (sampling/generators.py: refused before the call) ------
@dataclass(frozen=True)
class Limits(Capability):
    """What its pipelines cannot take, where the library fails with its own words (issue 115 item 5): a frame whose
    latent is under ``latent_side`` pixels a side (LTX-2's VAE pads by reflection: 32x32 at its 32x compression is
    one latent pixel, "Padding size should be less than the corresponding input dimension"); more latent frames a
    call than its denoiser's learned positions cover (``learned_positions``: Cosmos 1.0's transformer adds a learned
    embedding of ``max_size`` / ``patch_size`` rows per axis, "The size of tensor a (4) must match the size of
    tensor b (5)" past them). Refused in words before the call (:func:`limits_problem`), read from the loaded
    pipeline's own VAE and denoiser config."""
    what: ClassVar[str] = "the sizes and lengths its pipelines cannot take, refused in words before the call"
    without: ClassVar[str] = "no limit is known below its size and frame multiples"
    latent_side: int = 1
    learned_positions: bool = False


@dataclass(frozen=True)
class RestyleCall(Capability):
    """Its Video to Video call adapted by its ``pipeline_call`` (LTX-2's: families/ltx2/v2v.py): ``args``, the generic
    node's arguments that the adapted call takes and its pipeline has not ('strength': made a schedule), given on by
    the generic Video to Video node instead of said ignored; ``said``, what the run does with what its pipeline makes
    beside the frames (LTX-2's sound), said once on each run."""
    what: ClassVar[str] = "its Video to Video call adapted to its pipeline (sampling/generators.py VideoToVideo)"
    without: ClassVar[str] = "the generic Video to Video call, as its pipeline takes it"
    args: tuple[str, ...] = ()
    said: str = ""


@dataclass(frozen=True)
class AttentionGuidance(Capability):
    """Normalized Attention Guidance (NAG) on its denoiser's text cross-attention for one call (Wan's:
    families/wan/nag.py): ``install(pipe, call, negative, scale, tau, alpha)``, a context manager installing it on
    the pipeline's cross-attention for the call and removing it after (yielding how many layers it guides); the
    generators' nag_scale / nag_tau / nag_alpha (sampling/nag_call.py)."""
    what: ClassVar[str] = "Normalized Attention Guidance on its text cross-attention (sampling/nag_call.py)"
    without: ClassVar[str] = "its cross-attention was not read for Normalized Attention Guidance"
    install: Callable


def _vae_ratios(pipe) -> tuple[int, int]:
    s = (getattr(pipe, "vae_spatial_compression_ratio", None) or getattr(pipe, "vae_scale_factor_spatial", None)
         or getattr(pipe, "vae_scale_factor", None) or 8)
    t = getattr(pipe, "vae_temporal_compression_ratio", None) or getattr(pipe, "vae_scale_factor_temporal", None) or 1
    return int(s), int(t)


def limits_problem(fam, pipe, width: int = 0, height: int = 0, frames: int = 0) -> str:
    """Why ``fam``'s pipeline ``pipe`` cannot take ``width`` x ``height`` or ``frames`` frames a call, in words, with
    what it takes instead ('' : it can, or nothing is declared)."""
    lim = fam.capability(Limits)
    if lim is None:
        return ""
    s, t = _vae_ratios(pipe)
    if width and height and min(width, height) // s < lim.latent_side:
        least = lim.latent_side * s
        return (f"{fam.title} cannot make {width}x{height}: its VAE makes a latent pixel of {s}x{s} and its pipeline "
                f"needs at least {lim.latent_side} a side: make both sides {least} or more")
    cfg = getattr(getattr(pipe, "transformer", None), "config", None)
    size, patch = getattr(cfg, "max_size", None), getattr(cfg, "patch_size", None)
    if lim.learned_positions and getattr(cfg, "extra_pos_embed_type", None) and isinstance(size, (list, tuple)) \
            and isinstance(patch, (list, tuple)) and len(size) == len(patch) == 3 and all(patch):
        most = [int(a) // int(b) for a, b in zip(size, patch)]  # latent frames, rows, columns its positions cover
        if frames and ((frames - 1) // t + 1) // int(patch[0]) > most[0]:
            top = (most[0] * int(patch[0]) - 1) * t + 1
            a, b = getattr(fam, "frame_multiple", (1, 0))
            top = (top - b) // a * a + b if a > 1 and top >= b else top  # the most its frame rule gives
            return (f"{fam.title} cannot take {frames} frames a call: its denoiser's learned positions cover "
                    f"{most[0]} latent frames ({top} frames): set frames to {top} or fewer")
        if width and height and max(height // s // int(patch[1]) - most[1], width // s // int(patch[2]) - most[2]) > 0:
            return (f"{fam.title} cannot make {width}x{height}: its denoiser's learned positions cover "
                    f"{most[2] * int(patch[2]) * s}x{most[1] * int(patch[1]) * s} at most")
    return ""


# -- a Stop that keeps no finished step (sampling/sampler.py resume_problem) --------------------------------------
@dataclass(frozen=True)
class KeepsNoSteps(Capability):
    """Why a Stop keeps none of its takes' finished steps (a re-run samples the take from its first step): said by
    ``main.py families`` under 'lacks' as 'Resume', and by the node when stopped."""
    what: ClassVar[str] = "a Stop keeps none of its takes' finished steps (sampling/sampler.py)"
    without: ClassVar[str] = "a Stop keeps its takes' finished steps: a re-run resumes from them"
    why: str


def no_resume(fam) -> str:
    """Why a Stop keeps none of ``fam``'s takes' finished steps ('' : a re-run resumes from them)."""
    kept = fam.capability(KeepsNoSteps)
    return kept.why if kept is not None else ""


AS_IS = SingleFile()  # no step of its own: diffusers' converters (or its part reader) read its single files as they are


def single_file(fam) -> SingleFile:
    """A family's SingleFile capability, or ``AS_IS`` where it lacks one."""
    return fam.capability(SingleFile) or AS_IS


# the same reason in the same words, where it is the same for several families
NOT_MODULAR = "a diffusers pipeline folder (model_index.json) or part files, not a modular pipeline"
NO_TRACKS = "no denoiser of it reads point tracks (they steer Wan-Move and ATI: Wan 2.1 image to video)"
NO_CONDITIONS = "no condition pipeline: no frames given at any index, no take continued from its frames"
NO_LAST_FRAME = "nothing to ready for a last frame (its pipelines take none, or take it as they are)"
NOT_TRAINED = "Train Video LoRA has no loss and no default targets for it yet"
ONE_DENOISER = "one denoiser a model (a second denoiser file is refused)"
NO_WINDOWS = "no frame axis of its denoiser input is declared for context windows: a long take is made window by window"
NO_DRAFTS = "no distilled recipe (LoRA or checkpoint) for a quality draft is known for it"
SINGLE_FILE_AS_IS = "no step of its own on a single denoiser file: diffusers' converters (or its part reader) read it"
NO_LORA_NAMES = "its LoRAs are told by diffusers' names only (no original names Studio knows)"
# why a modular pipeline's take keeps no steps (catalog/family_records.resume_lack: `main.py families`)
MODULAR_NO_RESUME = ("its modular pipeline runs its steps inside diffusers' blocks, which take no step callback: its "
                     "step previews and Stop come after each scheduler step (sampling/chain_steps.py), but a Stop "
                     "keeps no finished step (a re-run samples the take from its first step)")
RAW_PREVIEWS = "its VAE was not fitted for previews: the step previews show its latent channels as they are"

# the kinds ``main.py families`` says by other keys than 'capabilities' and 'lacks' (catalog/family_records.py):
# its makers and pipelines, what it needs, 'Resume'; its cost is the estimates'
SAID_APART: tuple[type, ...] = (DirectCalls, Cost, OwnNodes, Requires, KeepsNoSteps)

# every kind a family is checked against (tests/video_models/test_family_capabilities.py)
KINDS: tuple[type, ...] = (PartReader, PromptRecipe, ResumeKeeps, VaeTiles, TimeTiles, PreviewLayout, LoraTraining,
                           Conditions, Tracks, FirstLast, Modular, TwoExperts, ContextWindows, Drafts, LoraNames,
                           SingleFile, MemoryCounts, Outputs, DirectCalls, Cost, OwnNodes, Requires,
                           KeepsNoSteps, Limits, RestyleCall, AttentionGuidance, MotionReference,
                           ConditionAmplitude, GuidanceSteps, AnchorMotion, MiddleFrame, CallReady,
                           TextualInversions, PromptWeights)


def folder_image_vae_lacks(folder: str, prompt: str, image_vae: str) -> dict:
    """What a family read only as a diffusers folder, over an image model's VAE (Latte, I2VGen-XL, ModelScope T2V),
    lacks and why: ``folder``, why no part files are read; ``prompt``, its encode_prompt in words; ``image_vae``, its
    VAE in words."""
    return {TwoExperts: ONE_DENOISER, ContextWindows: NO_WINDOWS, Drafts: NO_DRAFTS, LoraNames: NO_LORA_NAMES,
            PartReader: folder, PromptRecipe: f"its encode_prompt ({prompt}) is not declared for the prompt cache yet",
            ResumeKeeps: "its decode was not read for a lone redo: the lighter retry only", VaeTiles: image_vae,
            TimeTiles: image_vae, LoraTraining: NOT_TRAINED, Conditions: NO_CONDITIONS, Tracks: NO_TRACKS,
            FirstLast: NO_LAST_FRAME, Modular: NOT_MODULAR}
