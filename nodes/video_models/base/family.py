"""The Family interface: what a video model family is (its pipelines per task, latent layout, frame
and size rules) and what differs between families, as fields and methods each family's folder
(``families/<key>/``) fills in. Plain data and stdlib: importing this module costs nothing."""
from __future__ import annotations

from dataclasses import dataclass, field

from .capabilities import Capability, Modular, PartReader, TwoExperts


@dataclass(frozen=True)
class Family:
    key: str
    title: str
    index_classes: tuple[str, ...]  # model_index.json "_class_name" values
    i2v: str | None = None  # diffusers pipeline class for each task (None: the family cannot)
    t2v: str | None = None
    v2v: str | None = None
    vace: str | None = None  # control video, mask and references (families/wan/vace.py)
    animate: str | None = None  # a character moved by a pose and a face video (families/wan/animate.py)
    cond: str | None = None  # frames given at frame indices (keyframes_at.py; a take continued: continuation.py)
    ic: str | None = None  # a control clip read in context by an IC-LoRA (LTX-2's LTX2InContextPipeline)
    denoiser: str = "transformer"  # component the single file replaces
    latent_layout: str = "BCTHW"  # how the sampler's latents are laid out ("BTCHW", "BCTHW", "BTHWC", "packed")
    frames: int = 16  # a good default clip length
    fixed_frames: int | None = None  # trained on exactly this many frames (sliding windows beyond)
    frame_multiple: tuple[int, int] = (1, 0)  # valid frame counts: k * a + b
    size_multiple: int = 8
    fps: float = 8.0
    fps_arg: str = ""  # its pipeline's frame-rate condition, given the take's rate (I2VGen-XL's 'target_fps')
    scale_attr: str = "scaling_factor"  # how its latents are scaled for the denoiser
    extra_i2v_params: tuple[str, ...] = field(default=())
    forcing: bool = False  # a long take by diffusion forcing inside one call (SkyReels-V2 DF; takes/forcing.py)
    # how a single file tells the family (base/recognise.py asks every family by ``key_rank``, lowest
    # first): ``recogniser(tensors, filename)`` -> a Recognised (its denoisers, checkpoints, VAEs by
    # exact names and shapes) or None; failing every family's, the looser ``key_patterns``: each a
    # tuple of name fragments that must all appear
    recogniser: object = field(default=None, compare=False)
    key_patterns: tuple[tuple[str, ...], ...] = field(default=(), compare=False)
    key_rank: int = 100
    # the text and image encoders it uses, as base/recognise.py names them -> its own title for them
    part_titles: tuple[tuple[str, str], ...] = field(default=(), compare=False)
    # the models inside the family, told apart by model_index.json and the denoiser's config.json:
    # (title, test(index, denoiser config)); the first match wins
    variants: tuple[tuple[str, object], ...] = field(default=(), compare=False)
    layouts: tuple[str, ...] = ("diffusers",)  # the key layouts of its weight files Studio reads
    task_kinds_by_inputs: tuple = ()  # task kinds its generators do by an input, not a pipeline of their own
    # (task, why) of what its release is known for that Studio does not make: said by ``main.py families``
    not_built: tuple[tuple[str, str], ...] = field(default=(), compare=False)
    # its optional capabilities (base/capabilities.py): an object of each kind it provides, and for each kind
    # of capabilities.KINDS it does not provide, why not in words (its own nodes: OwnNodes; what it needs installed:
    # Requires; a Stop keeping no step: KeepsNoSteps; its cost said before F5: Cost)
    has: tuple[Capability, ...] = field(default=(), compare=False)
    lacks: dict = field(default_factory=dict, compare=False, hash=False)

    def capability(self, kind: type):
        """Its capability of ``kind`` (a base.capabilities class), or None when it lacks it (``why_without``)."""
        return next((c for c in self.has if isinstance(c, kind)), None)

    def why_without(self, kind: type) -> str:
        """Why it lacks the capability ``kind``, in words ('' : it has it, or says nothing); a kind that says
        the same for every family without it (``unmeasured``, ``without``) gives its own reason."""
        if self.capability(kind) is not None:
            return ""
        return self.lacks.get(kind, "") or getattr(kind, "unmeasured", "") or getattr(kind, "without", "")

    @property
    def modular(self) -> bool:
        """A diffusers modular pipeline folder (loading/modular.py), run in one call."""
        return self.capability(Modular) is not None

    def recognise(self, tensors, filename: str = ""):
        """What a file is, if it is this family's denoiser, checkpoint or VAE (a ``Recognised``, from
        ``tensors``: a base.recognise.Tensors); None when it is not."""
        return self.recogniser(tensors, filename) if self.recogniser is not None else None

    def part_title(self, kind: str, title: str) -> str:
        """This family's title for a text or image encoder it uses ('UMT5-XXL' -> 'UMT5-XXL (Wan)');
        '' when it does not use it."""
        return dict(self.part_titles).get(title, "")

    def checkpoint_words(self, tensors) -> str:
        """What a file holding its denoiser and a VAE holds, in words."""
        return "denoiser and VAE in one file"

    def call_args(self, p, height: int, width: int, frames: int, steps: int, fps: float) -> dict | None:
        """Its pipeline's own arguments for a generator's call (``p``: the node's parameters), when they
        are not the generic ones (a prompt, guidance): None by default."""
        return None

    def rate_args(self, fps: float) -> dict:
        """Its pipeline's frame-rate condition set to the take's rate (whole frames a second) for a generator's
        call, where it has one (``fps_arg``); none by default."""
        return {self.fps_arg: max(1, int(round(fps)))} if self.fps_arg else {}

    def pipeline_call(self, pipe, call: dict) -> dict:
        """A generator's pipeline call (``call``: its arguments, the image a PIL still) as ``pipe`` needs it, where
        the generic arguments do not fit it (EasyAnimate's: families/easyanimate); as given by default."""
        return call

    def load_kwargs(self, info) -> dict:
        """Components its pipelines must be given at load that its folder does not hold (Cosmos's guardrail:
        families/cosmos/guardrail.py); none by default."""
        return {}

    def matches_keys(self, keys: list[str]) -> bool:
        """Whether a single file's tensor names are this family's (every fragment of one pattern)."""
        return any(all(any(fr in k for k in keys) for fr in frags) for frags in self.key_patterns)

    def variant_title(self, index: dict, denoiser_config: dict) -> str:
        """'Wan 2.1 14B', 'Wan 2.2 A14B (two experts)'...; the family's title when none matches."""
        for title, test in self.variants:
            if test(index, dict(denoiser_config or {})):
                return title
        return self.title

    def formats(self) -> list[str]:
        """The file formats and key layouts Studio reads for this family, in words."""
        out = ["diffusers folder"]
        if self.key_patterns:
            out.append("single denoiser file (.safetensors bf16/fp16, fp8, NVFP4, int8; .gguf)")
        parts = self.capability(PartReader)
        if parts is not None:
            out.append(f"ComfyUI part files ({parts.files})")
        return out + [f"{lay} layout" for lay in self.layouts]

    def refuse_pipeline(self, task: str, components: dict, config: dict, path: str) -> None:
        """Refuse, in the family's words, a task pipeline its loaded folder cannot make (a text-to-video
        folder asked for image to video); nothing by default."""

    def refuse_call(self, task: str, frames: int, height: int, width: int) -> None:
        """Refuse, in the family's words and before the call, a window its ``task`` pipeline cannot
        make (``frames`` a call at ``width`` x ``height``); nothing by default."""

    def one_denoiser(self, first: str, second: str | None) -> None:
        """A second denoiser file for a family with one denoiser is refused (not left unread)."""
        from .errors import ModelError
        if second and self.capability(TwoExperts) is None:
            second = getattr(second, "path", second)  # (a WeightFile: its VACE module merged, files/module_merge.py)
            raise ModelError(f"a second denoiser file ('model_2': '{second}') is Wan 2.2 A14B's low-noise expert, "
                             f"but '{first}' is a {self.title} denoiser, which has one")



def config_int(cfg: dict, key: str) -> int:
    """A whole-number field of a config, 0 when absent or not a whole number (a variant is named
    only from values that are what they should be)."""
    v = cfg.get(key)
    return v if isinstance(v, int) and not isinstance(v, bool) else 0


def config_width(cfg: dict) -> int:
    """A transformer's width from its config (heads x head size)."""
    return config_int(cfg, "num_attention_heads") * config_int(cfg, "attention_head_dim")


def valid_frames(fam: Family, n: int) -> int:
    """The nearest frame count at or above ``n`` the family accepts (k * a + b)."""
    a, b = fam.frame_multiple
    if a <= 1:
        return max(1, n)
    k = max(0, -(-(n - b) // a))
    return k * a + b
