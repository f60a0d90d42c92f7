"""A component's config checked before anything is built from it: the types of its values (against
the model class's own defaults), their bounds, its layer counts against the layers its weights
hold, and then the shapes of the model it describes, built on the meta device (no storage),
against the shapes in the weight files' headers (no tensor read).

So a config that says ``num_layers: 1000000000`` is refused in milliseconds instead of building
blocks for minutes, one whose sizes would take terabytes is refused before a byte is allocated, and
one that does not fit its weights (48 layers, weights of 1) is refused naming the file and the field,
not with torch's "Cannot copy out of meta tensor". torch is imported inside functions."""
from __future__ import annotations

from studio.engine.meta_device import meta_device

import inspect
import math
import re

from .errors import ModelError

INT_LIMIT = 2 ** 31  # no size, count or index of a model config is larger
MAX_LIST = 4096  # nor is any list longer (a list of block types a million long would build a million blocks)
_COUNT_KEY = re.compile(r"layer|depth|blocks")  # int fields that count repeated modules
_INDEX = re.compile(r"\.(\d+)(?=\.)")


def fmt_bytes(n: float) -> str:
    """'2.8 GB', '143 TB': a size in words, however large a config makes it."""
    for unit in ("bytes", "kB", "MB", "GB", "TB", "PB", "EB"):
        if n < 1000 or unit == "EB":
            return f"{n:.0f} {unit}" if unit == "bytes" or n >= 10 else f"{n:.1f} {unit}"
        n /= 1000
    return ""  # pragma: no cover


_KINDS = (("bool", r"\bbool\b"), ("int", r"\bint\b"), ("float", r"\bfloat\b"), ("str", r"\bstr\b"),
          ("list", r"\b(tuple|list|Tuple|List|Sequence)\b"), ("dict", r"\b(dict|Dict|Mapping)\b"))


def _expected(param) -> set[str] | None:
    """The kinds of value a parameter takes, from its annotation ('int | tuple[int]'), else from
    its default's type; None when anything goes (no annotation nor default, or Any)."""
    ann = param.annotation
    if ann is not inspect.Parameter.empty:
        text = ann if isinstance(ann, str) else str(ann)
        if "Any" in text:
            return None
        kinds = {k for k, pat in _KINDS if re.search(pat, text)}
        return kinds or None
    d = param.default
    if d is inspect.Parameter.empty or d is None:
        return None
    for kind, typ in (("bool", bool), ("int", int), ("float", float), ("str", str), ("list", (list, tuple)),
                      ("dict", dict)):
        if isinstance(d, typ):
            return {kind}
    return None


def _kind_of(value) -> str:
    if isinstance(value, bool):
        return "bool"
    for kind, typ in (("int", int), ("float", float), ("str", str), ("list", (list, tuple)), ("dict", dict)):
        if isinstance(value, typ):
            return kind
    return type(value).__name__


def _fits(kinds: set[str], value) -> bool:
    """Lenient where diffusers' own annotations are loose (a bool where 'float' is written, a list
    where 'int' is): text where no text is taken, and a fraction where only whole numbers are, are
    what break a build."""
    k = _kind_of(value)
    if k == "str":
        return "str" in kinds
    if k == "float":
        return bool(kinds - {"int", "list"}) or "float" in kinds
    return True


def check_types(cfg_path: str, cfg: dict, cls) -> None:
    """No value of the config is of a type the class cannot take there (from its annotations, else
    its defaults): text where a number is expected, 1e9 where a whole number is..."""
    try:
        params = inspect.signature(cls.__init__).parameters
    except (TypeError, ValueError):  # pragma: no cover - a class without a signature
        return
    words = {"bool": "true/false", "int": "a whole number", "float": "a number", "str": "text", "list": "a list",
             "dict": "an object"}
    for key, p in params.items():
        kinds = _expected(p)
        if key in cfg and cfg[key] is not None and kinds and not _fits(kinds, cfg[key]):
            want = " or ".join(words[k] for k, _ in _KINDS if k in kinds)
            raise ModelError(f"'{cfg_path}': '{key}' is {cfg[key]!r} ({words.get(_kind_of(cfg[key]), 'a value')}), "
                             f"but a {cls.__name__} needs {want} there")


def _values(cfg, prefix: str = ""):
    """(dotted key, value) of every number in the config, nested objects and lists included."""
    for k, v in cfg.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            yield from _values(v, key + ".")
        elif isinstance(v, (list, tuple)):
            for item in v:
                if isinstance(item, dict):
                    yield from _values(item, key + ".")
                else:
                    yield key, item
        else:
            yield key, v


def weight_layers(shapes) -> int:
    """How many repeated modules the weights could hold at most: the largest index in their names, plus one."""
    best = -1
    for k in shapes:
        for m in _INDEX.finditer("." + k):
            best = max(best, int(m.group(1)))
    return best + 1


def _numbers(cfg_path: str, cfg: dict):
    """(key, number) of each number the config holds, each finite and within 2^31 (else one ModelError naming
    the file and the field)."""
    for key, v in _values(cfg):
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            continue
        if isinstance(v, float) and not math.isfinite(v):
            raise ModelError(f"'{cfg_path}': '{key}' is {v}, not a number")
        if abs(v) > INT_LIMIT:
            raise ModelError(f"'{cfg_path}': '{key}' is {v:,}, out of range (no model size or count is past 2^31)")
        yield key, v


def check_counts(cfg_path: str, cfg: dict, shapes: dict, weights: str) -> None:
    """Numbers in range (no NaN, nothing past 2^31), no list longer than MAX_LIST, and no layer
    count far above what the weights hold (what would build blocks for minutes). Far: more than
    four times the weights' numbered modules and more than 64; a count nearer that is checked
    exactly by :func:`check_against_weights`, once the model is built on the meta device."""
    most = weight_layers(shapes)
    bound = max(4 * most, 64)
    for key, v in _numbers(cfg_path, cfg):
        name = key.rsplit(".", 1)[-1].lower()
        if isinstance(v, int) and _COUNT_KEY.search(name) and v > bound:
            raise ModelError(f"'{cfg_path}': '{key}' is {v:,}, but the weights ('{weights}') hold at most {most} "
                             "numbered layers: the config does not fit its weights")
    for key, v in cfg.items():
        if isinstance(v, (list, tuple)) and len(v) > MAX_LIST:
            raise ModelError(f"'{cfg_path}': '{key}' lists {len(v):,} values (a model config lists at most "
                             f"{MAX_LIST:,})")


MAX_COUNT = 1024  # repeated modules a count may ask for with no weights to compare (Wan 14B: 40 blocks)
MAX_MODULES = 8192  # the largest count times the longest list: what a meta build of the config could make


def check_sane(cfg_path: str, cfg: dict) -> None:
    """Numbers a model config can hold, before anything is built from it with no weights to compare (the
    estimate before a run): finite, within 2^31, a count of repeated modules at most MAX_COUNT, no list longer
    than MAX_LIST, and the largest count times the longest list at most MAX_MODULES. One ModelError naming the
    file and the field: a config claiming 10^12 layers (or a VAE of 10^9 res blocks) is refused in
    milliseconds, where a meta copy of it would be built for ever."""
    most, longest = 0, 0
    for key, v in _numbers(cfg_path, cfg):
        if isinstance(v, int) and _COUNT_KEY.search(key.rsplit(".", 1)[-1].lower()):
            if v > MAX_COUNT:
                raise ModelError(f"'{cfg_path}': '{key}' is {v:,} repeated modules (a video model has at most "
                                 f"{MAX_COUNT:,}): refused before anything was built from it")
            most = max(most, v)

    def lists(d):
        for v in d.values():
            if isinstance(v, (list, tuple)):
                yield len(v)
                for x in v:
                    if isinstance(x, dict):
                        yield from lists(x)
            elif isinstance(v, dict):
                yield from lists(v)
    longest = max(lists(cfg), default=0)
    if longest > MAX_LIST:
        raise ModelError(f"'{cfg_path}' lists {longest:,} values (a model config lists at most {MAX_LIST:,})")
    if most * max(1, longest) > MAX_MODULES:
        raise ModelError(f"'{cfg_path}' asks for {most:,} repeated modules at each of {longest:,} levels (at most "
                         f"{MAX_MODULES:,} in all): refused before anything was built from it")


def fresh_meta_context() -> None:
    """torch's device context redirects factory functions it caches the first time it is used
    (``torch.utils._device``, an lru_cache); a first use inside transformers' from_pretrained
    caches its CPU-pinned ``torch.linspace`` wrapper, after which a meta build makes CPU tensors
    (the checkpoint loader's finding, nodes/generators/checkpoint.py). The cache is rebuilt when it
    lacks the real torch.linspace."""
    import torch
    try:
        from torch.utils import _device
        if torch.linspace not in _device._device_constructors():
            _device._device_constructors.cache_clear()
    except (ImportError, AttributeError):  # torch's private module moved: a mixed build is reported below
        pass


def skeleton(cls, cfg: dict, cfg_path: str):
    """The model ``cfg`` describes, built on the meta device: every tensor a shape without storage,
    so nothing the config sizes is allocated."""
    import torch
    fresh_meta_context()
    try:
        with meta_device():
            return cls.from_config(cfg)
    except Exception as e:  # noqa: BLE001 - a nonsense config fails in the class's own code
        first = (str(e).splitlines() or [type(e).__name__])[0]
        if "overflow" in first.lower():  # torch's "Storage size calculation overflowed": said in Studio's words
            widths = sorted(((v, k) for k, v in _values(cfg) if isinstance(v, int) and not isinstance(v, bool)),
                            reverse=True)[:2]
            named = ", ".join(f"'{k}' {v:,}" for v, k in widths)
            raise ModelError(f"'{cfg_path}' describes a {cls.__name__} whose tensors are too large to exist (their "
                             f"sizes multiply past what a computer can hold; its largest values: {named})") from None
        raise ModelError(f"'{cfg_path}' does not describe a {cls.__name__} that can be built: {first}") from None


def _ignored(cls, attr: str):
    pats = getattr(cls, attr, None) or []
    return [re.compile(p) for p in pats]


def _prefix_counts(keys) -> dict[str, int]:
    """'blocks' -> 30 for blocks.0 … blocks.29 (the number of each numbered module list)."""
    out: dict[str, int] = {}
    for k in keys:
        m = re.match(r"(.*?)\.(\d+)\.", k)
        if m:
            out[m.group(1)] = max(out.get(m.group(1), 0), int(m.group(2)) + 1)
    return out


def _count_fields(cfg: dict, value: int) -> list[str]:
    return [k for k, v in _values(cfg) if v == value and not isinstance(v, bool)
            and _COUNT_KEY.search(k.rsplit(".", 1)[-1].lower())]


def _size_fields(cfg: dict, want: tuple, have: tuple) -> list[str]:
    """Config fields that may set a dimension the weights disagree with: whole numbers that, scaled
    by weights' size / config's size, are still whole (4,000,000 heads where the weights have 2)."""
    out = []
    for k, v in _values(cfg):
        if isinstance(v, bool) or not isinstance(v, int) or v <= 1:
            continue
        if any(w != h and w and (v * h) % w == 0 and v * h >= w for w, h in zip(want, have)):
            out.append(k)
    return out


_SHAPES: dict = {}  # (class, config) -> the tensors' shapes its meta build makes: a process's loads of one model
_SHAPES_KEPT = 64


def _config_key(cls, cfg: dict) -> tuple | None:
    import json
    try:
        return cls, json.dumps(cfg, sort_keys=True, default=repr)  # the class itself: two of one name differ
    except (TypeError, ValueError):  # keys of mixed types: built each time
        return None


def built_shapes(cls, cfg: dict, build) -> dict:
    """The shapes of the tensors ``build()`` makes (a meta build of ``cls`` from ``cfg``), kept for the
    process: a config builds the same shapes each time, and a session loads one model again and again
    (after an unload, a change of memory mode, in each test of a suite)."""
    key = _config_key(cls, cfg)
    if key is not None and key in _SHAPES:
        return _SHAPES[key]
    model = build()
    want = {k: tuple(v.shape) for k, v in model.state_dict().items()}
    del model
    if key is not None:
        if len(_SHAPES) >= _SHAPES_KEPT:
            _SHAPES.pop(next(iter(_SHAPES)))
        _SHAPES[key] = want
    return want


def check_against_weights(cfg_path: str, cfg: dict, cls, shapes: dict, weights: str,
                          value_bytes: int = 2, strict: bool = False) -> bool:
    """The meta-built model's tensors against the weights' (names and shapes). False when the
    weights are in another layout (the original repository's names: diffusers converts them, the
    counts were checked); True when they match; else one ModelError naming the file and the field.
    ``strict``: the weights are in the model's names (renamed already): never another layout."""
    want = built_shapes(cls, cfg, lambda: skeleton(cls, cfg, cfg_path))
    have = {k: tuple(int(d) for d in v) for k, v in shapes.items()}
    if not strict and len(set(want) & set(have)) < len(have) // 2:
        return False
    need = sum(math.prod(s) for s in want.values())
    held = sum(math.prod(s) for s in have.values())
    sizes = (f"the config describes {need:,} parameters (about {fmt_bytes(need * value_bytes)}), the weights hold "
             f"{held:,} ({fmt_bytes(held * value_bytes)})")
    skip_missing = _ignored(cls, "_keys_to_ignore_on_load_missing")
    skip_extra = _ignored(cls, "_keys_to_ignore_on_load_unexpected")
    missing = sorted(k for k in set(want) - set(have) if not any(p.search(k) for p in skip_missing))
    extra = sorted(k for k in set(have) - set(want) if not any(p.search(k) for p in skip_extra))
    for keys, built, held_by, verb in ((missing, want, have, "has no"), (extra, have, want, "has")):
        if not keys:
            continue
        cw, ch = _prefix_counts(built), _prefix_counts(held_by)
        lists = [(p, cw[p], ch.get(p, 0)) for p in cw if cw[p] != ch.get(p, 0)]
        if lists:
            p, n_cfg, n_w = lists[0] if verb == "has no" else (lists[0][0], lists[0][2], lists[0][1])
            fields = _count_fields(cfg, n_cfg)
            field = f" ('{fields[0]}' is {n_cfg})" if fields else ""
            raise ModelError(f"'{cfg_path}' builds {n_cfg} of '{p}'{field} but the weights ('{weights}') hold {n_w}: "
                             f"the config does not fit its weights ({sizes})")
        what = "tensors the config does not build" if verb == "has" else "tensors the config builds"
        raise ModelError(f"'{weights}' {verb} {len(keys)} {what} (e.g. {', '.join(keys[:3])}): '{cfg_path}' does not "
                         f"fit these weights ({sizes})")
    bad = [(k, want[k], have[k]) for k in sorted(want) if k in have and want[k] != have[k]]
    if bad:
        k, w, h = bad[0]
        fields = _size_fields(cfg, w, h)
        field = f"; check {', '.join(repr(f) for f in fields[:3])}" if fields else ""
        raise ModelError(f"'{cfg_path}' does not fit the weights ('{weights}'): '{k}' is {list(h)} there but the "
                         f"config makes it {list(w)}{field} ({sizes}; {len(bad)} tensors differ)")
    return True


def check_config(cfg_path: str, cfg: dict, cls, shapes: dict, weights: str, value_bytes: int = 2,
                 build: bool = True) -> bool:
    """Types, bounds and counts, then (``build``: a diffusers model class) the meta-built shapes
    against the weights'. Returns whether the weights are in the model's own layout."""
    if build:
        check_types(cfg_path, cfg, cls)
    check_counts(cfg_path, cfg, shapes, weights)
    return check_against_weights(cfg_path, cfg, cls, shapes, weights, value_bytes) if build else True


def check_transformers_shapes(cfg_path: str, cfg: dict, cls_name: str, shapes: dict, weights: str,
                              value_bytes: int) -> None:
    """A transformers component built on the meta device from its config, its tensors' shapes
    against the weights' (the names both have: tied and renamed weights differ between the two)."""
    import torch
    import transformers
    cls = getattr(transformers, cls_name, None)
    if cls is None or getattr(cls, "config_class", None) is None:
        return
    fresh_meta_context()

    def build():
        from transformers.initialization import no_init_weights  # the library's own: its init functions skipped
        config = cls.config_class.from_dict(cfg)
        with meta_device(), no_init_weights():
            return cls(config)
    try:
        want = built_shapes(cls, cfg, build)
    except Exception:  # noqa: BLE001 - a model transformers itself cannot make bare: from_pretrained says why
        return
    bad = [(k, want[k], tuple(int(d) for d in shapes[k])) for k in sorted(want) if k in shapes
           and want[k] != tuple(int(d) for d in shapes[k])]
    if bad:
        k, w, h = bad[0]
        need = sum(math.prod(s) for s in want.values())
        fields = _size_fields(cfg, w, h)
        field = f"; check {', '.join(repr(f) for f in fields[:3])}" if fields else ""
        raise ModelError(f"'{cfg_path}' does not fit the weights ('{weights}'): '{k}' is {list(h)} there but the "
                         f"config makes it {list(w)}{field} (the config describes {need:,} parameters, about "
                         f"{fmt_bytes(need * value_bytes)}; {len(bad)} tensors differ)")


def check_transformers_types(cfg_path: str, cfg: dict, cls_name: str) -> None:
    """A transformers component's config against its config class's defaults (text where a
    number is expected...), nested configs ('text_config') included."""
    import transformers
    config_class = getattr(getattr(transformers, cls_name, None), "config_class", None)
    if config_class is None:
        return
    try:
        defaults = config_class().to_dict()
    except Exception:  # noqa: BLE001 - a config class that cannot be made bare: nothing to compare with
        return

    def walk(values: dict, base: dict, prefix: str) -> None:
        for key, v in values.items():
            d = base.get(key)
            if isinstance(v, dict) and isinstance(d, dict):
                walk(v, d, f"{prefix}{key}.")
            elif v is not None and d is not None and not isinstance(d, bool) and isinstance(d, (int, float, str)):
                kinds = {_kind_of(d)} | ({"int", "float"} if isinstance(d, (int, float)) else set())
                if not _fits(kinds, v) or (isinstance(v, (int, float)) and isinstance(d, str)):
                    raise ModelError(f"'{cfg_path}': '{prefix}{key}' is {v!r}, but a {cls_name} needs "
                                     f"{'text' if isinstance(d, str) else 'a number'} there")
    walk(cfg, defaults, "")
