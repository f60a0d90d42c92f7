"""Upscaler files (ComfyUI's ``upscale_models/``) found, checked and read as data only.

A ``.safetensors`` file is read as it is: its header checked against the file's size (a truncated
file is named before anything is read), then safetensors' loader. A ``.pth`` / ``.pt`` / ``.ckpt``
(as ComfyUI's upscale_models/ hold them) is never unpickled, not even by torch's weights-only
unpickler: studio.engine.torch_zip reads torch's zip archive and walks its ``data.pkl`` with its own
interpreter that knows only the globals a state dict uses (anything else, a TorchScript archive and
torch's old non-zip format are refused in words). Nothing in a file is ever run. The state dict then goes to
spandrel (``ModelLoader.load_from_state_dict``), which recognises the architecture from its keys
and shapes; an unknown one is named by what was seen (its first tensors).

spandrel is imported inside the functions that need it (start-up and ``main.py nodes`` never pay
for it)."""
from __future__ import annotations

import os

from studio.core import models as model_paths
from studio.core.checked_open import ReadRefused, library_path, open_checked
from studio.core.errors import StudioError

FOLDER = "upscale_models"  # ComfyUI's kind folder of upscalers
SAFETENSORS_EXTS = (".safetensors", ".sft")
PICKLE_EXTS = (".pth", ".pt", ".ckpt")
MASKED = ("LaMa",)  # spandrel's inpainters: they take a mask as well (refused by load_descriptor)
MIN_PICKLE = 64  # no real state dict is smaller than this


class UpscalerFileError(StudioError):
    pass


def find_upscaler(name: str, base_dir: str | None = None, dirs: list[str] | None = None) -> str:
    """The file ``name`` resolves to: an absolute path, a path beside the graph, or a name in a
    models folder or its ``upscale_models/`` (also ``models/upscale_models/`` of a ComfyUI folder)."""
    path = model_paths.model_file(name, base_dir, dirs, FOLDER, UpscalerFileError, "upscaler",
                                  ".safetensors (or .pth) file", "4x-UltraSharp.safetensors")
    low = path.lower()
    if not low.endswith(SAFETENSORS_EXTS + PICKLE_EXTS):
        raise UpscalerFileError(f"upscaler '{path}': not a file Studio reads as an upscaler "
                                f"(it reads {', '.join(SAFETENSORS_EXTS + PICKLE_EXTS)})")
    return path


def check_safetensors(path: str) -> dict:
    """The safetensors header of ``path``, read by Studio's shared reader (a regular file, the header's
    JSON within limits, each entry's types checked, every byte present): a truncated, garbled or
    hostile file is named before its tensors are read."""
    from studio.core.errors import ModelError
    from studio.core.safetensors_header import read_safetensors_header
    try:
        return read_safetensors_header(path)[0]
    except ModelError as e:
        raise UpscalerFileError(f"upscaler {e}") from None


def check_pickle(path: str) -> str:
    """What kind of torch file ``path`` is ('zip' or 'legacy'), from its first bytes and size:
    a file too short to hold a state dict, a zip whose end record is missing (truncated) or a file
    that is neither is refused before torch opens it."""
    size = os.path.getsize(path)
    if size < MIN_PICKLE:
        raise UpscalerFileError(f"upscaler '{path}': {size} bytes, too short to hold weights (truncated?)")
    try:
        fd, _st = open_checked(path, "upscaler")  # the file read is the file checked (studio.core.checked_open)
    except ReadRefused as e:
        raise UpscalerFileError(str(e)) from None
    with os.fdopen(fd, "rb") as f:
        head = f.read(4)
        if head == b"PK\x03\x04":
            f.seek(max(0, size - 65_557))
            tail = f.read()
            if b"PK\x05\x06" not in tail:  # the zip's end-of-central-directory record
                raise UpscalerFileError(f"upscaler '{path}': a zip archive without its end record ({size:,} bytes): "
                                        "truncated")
            return "zip"
    if head[:1] == b"\x80":  # a pickle protocol opcode: torch's legacy format
        return "legacy"
    raise UpscalerFileError(f"upscaler '{path}': neither a torch zip archive nor a pickle")  # its bytes: never quoted


def read_state_dict(path: str, notes: list[str] | None = None) -> dict:
    """The tensors of an upscaler file, on the CPU, read as data only (see the module's docstring)."""
    import torch
    if path.lower().endswith(SAFETENSORS_EXTS):
        check_safetensors(path)
        from safetensors.torch import load_file
        try:
            with library_path(path, "upscaler") as opened:  # safetensors maps the checked file
                return load_file(opened, device="cpu")
        except ReadRefused as e:
            raise UpscalerFileError(str(e)) from None
        except Exception as e:  # noqa: BLE001 - safetensors' own errors, said with the file
            raise UpscalerFileError(f"upscaler '{path}': safetensors cannot read it ({e})") from None
    kind = check_pickle(path)
    if notes is not None:
        notes.append(f"'{os.path.basename(path)}' is a torch file ({kind} format): its tensors read without "
                     "unpickling it (nothing in it is run)")
    from studio.engine.torch_zip import TorchFileError, read_torch_file
    try:
        sd = read_torch_file(path, "upscaler")
    except TorchFileError as e:
        raise UpscalerFileError(str(e)) from None
    if not isinstance(sd, dict):
        raise UpscalerFileError(f"upscaler '{path}': holds a {type(sd).__name__}, not a table of tensors")
    return sd


def import_spandrel():
    """spandrel (without torchvision where it is absent: spandrel_import.py), or how to install it."""
    from .spandrel_import import import_spandrel as _import
    try:
        return _import()
    except ImportError as e:
        raise UpscalerFileError(f"Upscale Video needs spandrel 0.4.2, which bash scripts/setup.sh installs "
                                f"(or: pip install --no-deps spandrel==0.4.2); importing it failed: {e}") from None
    except RuntimeError as e:  # torchvision's C ops built for another torch
        import torch
        raise UpscalerFileError(f"Upscale Video: the torchvision installed here cannot be imported beside torch "
                                f"{torch.__version__} ({str(e)[:160]}), and it breaks transformers too: "
                                "pip uninstall torchvision (Studio reads upscalers without it), or install the "
                                "torchvision build made for this torch") from None


def seen_of(state_dict: dict, n: int = 4) -> str:
    """The first tensors of a state dict, named with their shapes, for an error message."""
    items = [(k, v) for k, v in state_dict.items() if hasattr(v, "shape")]
    shown = ", ".join(f"{k} {tuple(v.shape)}" for k, v in items[:n])
    return f"{len(items)} tensors; first: {shown or 'none'}" + (", ..." if len(items) > n else "")


def load_descriptor(path: str, notes: list[str] | None = None):
    """spandrel's ImageModelDescriptor of the upscaler file ``path`` (on the CPU, in eval mode)."""
    sd = read_state_dict(path, notes)
    spandrel = import_spandrel()
    try:
        desc = spandrel.ModelLoader(device="cpu").load_from_state_dict(sd)
    except spandrel.UnsupportedModelError:
        raise UpscalerFileError(f"upscaler '{path}': not an architecture spandrel {spandrel.__version__} knows "
                                f"({seen_of(sd)})") from None
    except Exception as e:  # noqa: BLE001 - an architecture recognised but its tensors did not fit it
        raise UpscalerFileError(f"upscaler '{path}': looked like one of spandrel's architectures but did not load "
                                f"({type(e).__name__}: {str(e)[:200]}; {seen_of(sd)})") from None
    if not isinstance(desc, spandrel.ImageModelDescriptor):
        raise UpscalerFileError(f"upscaler '{path}': a {desc.architecture.name} model ({desc.purpose}), which takes a "
                                "mask as well as the image: not an upscaler")
    if desc.input_channels != 3 or desc.output_channels != 3:
        raise UpscalerFileError(f"upscaler '{path}': {desc.architecture.name} with {desc.input_channels} input and "
                                f"{desc.output_channels} output channels; Upscale Video runs RGB (3 and 3) models")
    return desc.eval()


def architecture_names() -> list[str]:
    """The architectures spandrel recognises, from its package's folders (nothing imported), or []
    where spandrel is not installed."""
    import importlib.util
    try:
        spec = importlib.util.find_spec("spandrel")
    except (ImportError, ValueError):
        return []
    if spec is None or not spec.submodule_search_locations:
        return []
    folder = os.path.join(list(spec.submodule_search_locations)[0], "architectures")
    try:
        return sorted(d for d in os.listdir(folder) if not d.startswith("_") and d not in MASKED
                      and os.path.isfile(os.path.join(folder, d, "__init__.py")))
    except OSError:
        return []
