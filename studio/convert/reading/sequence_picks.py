"""What a folder loader's declared widgets pick of its pictures, as the numbers Studio's Trim after its Load Image
Sequence takes: VideoHelperSuite's Load Images (load_images: the folder's pictures skipped by skip_first_images,
then every select_every_nth, then at most image_load_cap of them; videohelpersuite/load_images_nodes.py at
Kosinkadink/ComfyUI-VideoHelperSuite@4ee72c06, read for meaning) - the image-folder counterpart of a video loader's
picks (loader_picks.py). Told by the loader type's declared widgets of those names; a value wired to a node Studio
cannot work out is not guessed (the loader's sentence says it). Studio's sequence is in frame-number order, the
pack's files in name order: said. A loader picking by a start index and a load cap (Inspire's LoadImagesFromDir:
its files sorted by its sort_method, then image_load_cap of them from start_index on; reading.folders.picked) the
same, its sort said; a sort last first (its '... (DESC)') played backwards by Studio's Time before the picks. A
folder read whole says its order too. Studio's loader closes the folder's gaps (the packs count files, not numbers).
VideoHelperSuite's order is sorted(os.listdir(...)) (videohelpersuite/utils.py get_sorted_dir_files_from_directory),
Inspire's its sort_by (inspire/image_util.py at ltdrdata/ComfyUI-Inspire-Pack@1aef2c57), both read for meaning.
Plain data."""
from __future__ import annotations

from .. import catalogue

PICKS = ("skip_first_images", "select_every_nth", "image_load_cap")
INDEXED = ("start_index", "image_load_cap")  # a pick by a start index (Inspire's LoadImagesFromDir)
SORT = "sort_method"
NAME_ORDER = "Kosinkadink/ComfyUI-VideoHelperSuite"  # its folder loaders take sorted(os.listdir(...)): name order
SORTS = "ltdrdata/ComfyUI-Inspire-Pack"  # its folder loaders sort by their sort_method (no sort_method: by name)
DESC = ("Alphabetical (DESC)", "Numerical (DESC)", "Datetime (DESC)")  # Inspire's sorts last first (image_util.sort_by)


def _declares(loader, names: tuple[str, ...] = PICKS) -> bool:
    t = catalogue.node_type(loader.origin or loader.cls)
    return t is not None and t.inputs is not None and set(names) <= {w.name for w in t.widgets}


def _int(wf, loader, name: str, default: int) -> int | None:
    v = wf.value(loader, name)
    if v is None and name not in loader.links:
        return default
    return int(v) if isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0 and v == int(v) else None


def params(wf, loader) -> dict | None:
    """Studio's Trim (start, end exclusive, step) for what ``loader`` picks of its folder; None where it picks every
    picture, does not declare the picks, or one of them is not known."""
    if not _declares(loader):
        return _indexed(wf, loader)
    skip, nth, cap = (_int(wf, loader, "skip_first_images", 0), _int(wf, loader, "select_every_nth", 1),
                      _int(wf, loader, "image_load_cap", 0))
    if skip is None or nth is None or cap is None or nth < 1 or (skip == 0 and nth == 1 and cap == 0):
        return None
    return {"start": skip, "end": skip + (cap - 1) * nth + 1 if cap else 0, "step": nth}


def _indexed(wf, loader) -> dict | None:
    """The Trim of a pick by a start index and a load cap (INDEXED); None where it picks every picture or another
    way (a start index of -1, the last picture, is not guessed: said as not applied)."""
    if not _declares(loader, INDEXED):
        return None
    start, cap = _int(wf, loader, "start_index", 0), _int(wf, loader, "image_load_cap", 0)
    if start is None or cap is None or start == cap == 0:
        return None
    return {"start": start, "end": start + cap if cap else 0, "step": 1, "indexed": True}


def taken(trim: dict | None) -> tuple[str, ...]:
    """The loader's settings the Trim keeps (not said again as not applied)."""
    return (INDEXED if trim.get("indexed") else PICKS) if trim else ()


def trim_params(trim: dict) -> dict:
    """The Trim's own settings of ``trim`` (the reading's mark left out)."""
    return {k: v for k, v in trim.items() if k != "indexed"}


def backwards(wf, loader) -> bool:
    """``loader`` sorts its folder's pictures last first (its sort_method one of DESC)."""
    return _declares(loader, (SORT,)) and wf.value(loader, SORT) in DESC


def _pack(loader) -> str:
    t = catalogue.node_type(loader.origin or loader.cls)
    return t.pack if t is not None else ""


def _theirs(loader, sort: object) -> str:
    """' where <the pack> <orders them so>' for a pack whose order was read (VideoHelperSuite's, Inspire's or a
    loader declaring a sort_method); '' for another (its order not known here)."""
    if _pack(loader) == NAME_ORDER:
        return " where VideoHelperSuite takes the files in name order"
    if _pack(loader) == SORTS or _declares(loader, (SORT,)):
        return f" where the pack {_order(sort)}"
    return ""


def _order(sort: object) -> str:
    """How a pack picking by index orders its pictures, by its sort_method ``sort``."""
    if sort == "Numerical (ASC)":
        return "sorts them by the first number in their names (its sort_method 'Numerical (ASC)')"
    if sort == "None":
        return "takes them as the file system lists them (its sort_method 'None': unsorted)"
    return f"sorts them by its sort_method {sort!r}" if isinstance(sort, str) else \
        "sorts them as its version does (no sort_method saved: by name, in the versions without one)"


def said(loader, folder: str, trim: dict | None, sort: object = None) -> str:
    """The sentence of the Trim made for ``loader``'s picks, or of its whole folder (``trim`` None; ``sort``: its
    sort_method, where it picks by index); a sort last first played backwards said."""
    back = (f"; its sort_method {sort!r} takes them last first: Studio's Time (reverse) plays the sequence backwards"
            + (" before the Trim" if trim else "")) if sort in DESC else ""
    if trim is None:
        theirs = _theirs(loader, sort)
        return (f"{loader.named()} loads every picture of the folder '{folder}': Studio's Load Image Sequence reads "
                "its numbered pictures in frame-number order (missing numbers closed up)" + theirs
                + (" (the same where the numbers are zero-padded)" if theirs.endswith("name order") else "") + back)
    start, end, step = trim["start"], trim["end"], trim["step"]
    if trim.get("indexed"):
        what = f"picture {start}" if end == start + 1 else f"pictures {start} to {end - 1}" if end else \
            f"pictures from {start} on"
        return (f"{loader.named()} loads {what} of the folder '{folder}' (counted from 0: start_index, "
                "image_load_cap): Studio's Trim after Load Image Sequence keeps the same places of its pictures, "
                "which Studio orders by the number in their names" + _theirs(loader, sort) + back)
    what = (f"pictures {start} to {end - 1}" if end else f"pictures from {start} on") + \
        (f", one in every {step}" if step > 1 else "")
    return (f"{loader.named()} loads {what} of the folder '{folder}' (skip_first_images, select_every_nth, "
            "image_load_cap): Studio's Trim after Load Image Sequence keeps the same places of the sequence, which "
            "Studio orders by frame number" + _theirs(loader, sort))
