"""AnimateDiff's SDXL motion modules in a ComfyUI workflow (heldout16: mm_sdxl_v10_beta on RealVisXL was said to be
'read as an SD 1.5 checkpoint'): Studio's AnimateDiff runs SD 1.5 motion modules on SD 1.5 checkpoints only
(family.py: AnimateDiff-SDXL is not built). Told by the file names the SDXL modules are released under
(AnimateDiff's 'mm_sdxl_*', Hotshot-XL's 'hsxl_*' / 'hotshot*'): nothing in the pack's declarations tells the two
apart. Plain data."""
from __future__ import annotations

SDXL_MARKS = ("sdxl", "hsxl", "hotshot")  # in the motion module's file name, lowercased


def sdxl_module(name: object) -> bool:
    """``name`` (a motion module's file) is one of AnimateDiff's SDXL modules by its released name."""
    return isinstance(name, str) and any(m in name.lower() for m in SDXL_MARKS)


def sdxl_said(name: str, image: str | None) -> str:
    """The sentence for an SDXL motion module: Studio's AnimateDiff cannot run it."""
    on = f" with the checkpoint '{image}'" if image else ""
    return (f"'{name}' is an SDXL motion module (by its released name){on}: Studio's AnimateDiff runs SD 1.5 motion "
            "modules on SD 1.5 checkpoints only (AnimateDiff-SDXL is not built) and does not run it: give an SD 1.5 "
            "motion module and checkpoint, or the take is not made as the workflow makes it")
