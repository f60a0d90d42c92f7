"""A trainer's settings from its node's parameters, by field name.

The node declares the parameters (names, defaults, ranges) once; the settings dataclass
(:func:`node_settings`) names its fields and takes the defaults of those named like a parameter
from the node, and :func:`settings_from` fills it from the values a run has, failing on a name the
dataclass does not have (a parameter added to the node without a place in the settings, or a
misspelt extra value, is an error, not silently dropped)."""
from __future__ import annotations

import dataclasses
import inspect
from typing import Any, Iterable


def param_defaults(params: Iterable) -> dict[str, Any]:
    """{name: default} of a node's parameter declarations."""
    return {p.name: p.default for p in params}


def node_settings(params: Iterable):
    """Class decorator: a dataclass whose annotated fields named like one of ``params`` and given
    no default in the class take that parameter's default (the others keep their own)."""
    defaults = param_defaults(params)

    def make(cls):
        for name in inspect.get_annotations(cls):
            if name in defaults and name not in cls.__dict__:
                setattr(cls, name, defaults[name])
        return dataclasses.dataclass(cls)
    return make


def settings_from(cls, params: Iterable, values, skip: Iterable[str] = (), **extra):
    """``cls`` (a dataclass) from ``values`` (a node's ``ctx.params``) for every declared parameter
    in ``params`` except those in ``skip`` (parameters that are not settings: the architecture,
    or ones the node turns into another value and passes in ``extra``); ``extra`` adds or
    overrides fields. A name that is not a field of ``cls`` raises TypeError."""
    names = {f.name for f in dataclasses.fields(cls)}
    skip = set(skip)
    vals = {p.name: getattr(values, p.name) for p in params if p.name not in skip}
    vals.update(extra)
    unknown = sorted(k for k in vals if k not in names)
    if unknown:
        raise TypeError(f"{cls.__name__} has no field {', '.join(unknown)}: add it to the settings, or list it "
                        "among the node's parameters that are not settings")
    return cls(**vals)
