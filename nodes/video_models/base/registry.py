"""The families Studio knows, as one registry: each family folder's ``FAMILY`` is registered by
``families/__init__.py`` (a line each for the older ones, by discovery for a folder it does not name), and generic code asks here (``family``,
``all_families``, ``family_from_index``, ``recognition_order``; a file's tensors: base/recognise.py; a
capability keyed by a diffusers class: ``capability_for``), never a family module.
Stdlib only."""
from __future__ import annotations

from .family import Family, valid_frames  # noqa: F401  (re-exported: the registry's callers use them)

FAMILIES: dict[str, Family] = {}  # key -> family, in registration order (the picker's order)
# A family's diffusion-forcing models, as a loaded folder of one does its tasks (SkyReels-V2 DF)
FORCING: dict[str, Family] = {}


def register(fam: Family, forcing: Family | None = None) -> Family:
    """Add a family (and its diffusion-forcing twin, when it has one) to the registry; the same family again is
    nothing (families/__init__.py's discovery meets the ones registered by name)."""
    if FAMILIES.get(fam.key) is fam and (forcing is None or FORCING.get(fam.key) is forcing):
        return fam
    if fam.key in FAMILIES:
        raise ValueError(f"video model family '{fam.key}' is registered twice")
    FAMILIES[fam.key] = fam
    if forcing is not None:
        FORCING[fam.key] = forcing
    return fam


def family(key: str) -> Family:
    return FAMILIES[key]


def all_families() -> list[Family]:
    return list(FAMILIES.values())


def family_of(key: str, pipeline_class: str) -> Family:
    """The family as a loaded pipeline of ``pipeline_class`` does its tasks: a diffusion-forcing folder's
    (FORCING) for one of its classes, else the family's."""
    df = FORCING.get(key)
    return df if df is not None and pipeline_class in df.index_classes else FAMILIES[key]


def family_from_index(index: dict) -> Family | None:
    cls = str(index.get("_class_name", ""))
    for f in FAMILIES.values():
        if cls in f.index_classes:
            return f
    return None


def capability_for(kind: type, class_name: str):
    """The capability of ``kind`` (base/capabilities.py) that a family declares for the diffusers class
    ``class_name`` (a pipeline's, a VAE's): the first registered family's whose object names the class
    (families sharing a class, as Wan's VAE, give the same object), else None."""
    for fam in list(FAMILIES.values()) + list(FORCING.values()):
        c = fam.capability(kind)
        if c is not None and class_name in c.classes:
            return c
    return None


def recognition_order() -> list[Family]:
    """The families in the order a file's tensors are tried against them (``key_rank``, lowest
    first; registration order among equals): base/recognise.py, for the picker and the loader."""
    return sorted(FAMILIES.values(), key=lambda f: f.key_rank)


def variant_title(fam: Family, index: dict, denoiser_config: dict) -> str:
    """'Wan 2.1 14B', 'Wan 2.2 A14B (two experts)'...; the family's title when none matches."""
    return fam.variant_title(index, denoiser_config)
