"""A weights file's tensor names and shapes, with the lookups recognising it needs (exact names
with ComfyUI's prefix removed, shapes, first name components, numbered children). Plain data and
stdlib: no weight is read."""
from __future__ import annotations

DENOISER_PREFIXES = ("model.diffusion_model.", "diffusion_model.", "model.", "net.")


class Tensors:
    """The names and shapes of a file's tensors, with the lookups recognition needs: ``has`` (exact
    names, a ComfyUI prefix removed), ``shape``, ``tops`` (first name components) and ``blocks``
    (how many numbered children a top-level list has)."""

    def __init__(self, shapes: dict[str, tuple[int, ...]]):
        self.raw = shapes
        names = [k for k in shapes if not k.startswith(("vae.", "first_stage_model.", "text_encoders.", "conditioner.",
                                                         "audio_vae.", "vocoder.", "text_embedding_projection."))]
        sample = (names or list(shapes))[:25] + (names or list(shapes))[-25:]  # sorted: the ends (of a denoiser's)
        self.prefix = next((p for p in DENOISER_PREFIXES if sum(k.startswith(p) for k in sample) * 2 > len(sample)), "")
        if self.prefix:
            n = len(self.prefix)
            self.shapes = {(k[n:] if k.startswith(self.prefix) else k): s for k, s in shapes.items()}
        else:
            self.shapes = shapes
        self._tops: set[str] | None = None
        self._blocks: dict[str, int] = {}
        self._vae: dict | None = None

    @property
    def tops(self) -> set[str]:
        """The names' first components (made on first use: most files are told without them)."""
        if self._tops is None:
            self._tops = {k.partition(".")[0] for k in self.shapes}
        return self._tops

    @property
    def vae_shapes(self) -> dict:
        """The names a VAE file is told by: a file with no denoiser prefix read without its 'vae.'
        prefix (a VAE saved from a checkpoint), else the names as ``shapes``."""
        if self._vae is None:
            self._vae = {k[4:] if k.startswith("vae.") else k: v for k, v in self.raw.items()} \
                if self.prefix == "" else self.shapes
        return self._vae

    def blocks(self, top: str) -> int:
        """How many numbered children the list ``top`` has ('blocks' -> 40)."""
        if top not in self._blocks:
            p = top + "."
            idx = {k[len(p):].partition(".")[0] for k in self.shapes if k.startswith(p)}
            self._blocks[top] = max((int(i) + 1 for i in idx if i.isdigit()), default=0)
        return self._blocks[top]

    def has(self, *names: str) -> bool:
        return all(n in self.shapes for n in names)

    def shape(self, name: str, dim: int = 0, default: int = 0) -> int:
        s = self.shapes.get(name)
        try:
            return int(s[dim]) if s is not None else default
        except (IndexError, TypeError, ValueError):
            return default

    def any_name(self, *fragments: str) -> bool:
        """A fragment inside any name (slow: a pass over the names; used last)."""
        return any(f in k for k in self.shapes for f in fragments)

    def first(self, n: int = 4) -> str:
        return ", ".join(f"{k} {list(v)}" for k, v in list(self.raw.items())[:n])


def dim(shapes: dict, name: str, i: int = 0, default: int = 0) -> int:
    """One dimension of a tensor's shape (``default`` when the tensor, or that dimension, is not
    there: a header read for its names only has no shapes)."""
    s = shapes.get(name)
    try:
        return int(s[i]) if s is not None else default
    except (IndexError, TypeError, ValueError):
        return default
