"""What a loaded video model keeps across the nodes that use it (every copy of its reference on the
wire shares one of these: the LoRA nodes' copies, the generators'), typed instead of a dict of
string keys. Stdlib only."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable


from .capabilities import LIBRARIES  # imported once a process has started diffusers' pipeline machinery


def libraries_started(module: str = LIBRARIES) -> bool:
    """Whether this process has started the libraries a model's first load starts (2.8 s here; ``module``: what it
    imports, its family's Cost.starts): the next load does not pay for them (loading/node.py starts them,
    estimates/foresee_time.py counts them only where not yet)."""
    import sys
    return module in sys.modules


@dataclass(eq=False)
class LoadedState:
    pipes: dict = field(default_factory=dict)  # task -> the pipeline built for it from the loaded one
    hooked: str | None = None  # the task whose pipeline holds model offload's hooks now
    released: bool = False  # the weights were freed for good (the model cache unloaded it)
    sampled: bool = False  # a run has sampled with it in this process (later runs are warm: estimates/times.py)
    load_seconds: float | None = None  # what loading it took, kept by its first run (estimates/times.py load_key)
    import_seconds: float = 0.0  # of which starting the libraries took, the process's first load (once a session)
    load_how: dict = field(default_factory=dict)  # how the load found its files (base/warm_files.how)
    kept_identity: str | None = None  # the weights' signature for kept latents (resume/kept_latents.py)
    preview_fitted: bool = False  # preview_w was fitted (it may be None: no fit)
    preview_w: Any = None  # the latent-to-RGB projection of live previews (sampling/previews.py)
    compiled: bool = False  # torch.compile is on (memory/speed.py)
    compile_failed: str = ""  # why torch.compile failed on this model ('' : it has not)
    compile_warn: Callable[[str], None] | None = None  # the running node's warn, while a compile may fail
    memory_plan: Any = None  # (Parts, Plan, free bytes) the loader planned with on a CUDA card (memory/plan.py)
    text_loader: Any = None  # the text encoders' loaders while they wait (a loading/deferred_text.Waiting)
    # the seconds the waiting text encoders took to load, until the prompt cache's text_kwargs counts them in its run's
    # text encoder time (estimates/times.py: a cached prompt's run loads none)
    text_load_s: float = 0.0
    # modules a node reads from the model's files itself, kept with the model: (name, file) -> module
    # (Wan Fun Camera's camera adapters, which diffusers' class drops: families/wan/fun/camera.py)
    own_modules: dict = field(default_factory=dict)

    def release(self) -> None:
        """Forget everything (the pipelines, fits and flags) and mark the model released."""
        fresh = LoadedState(released=True)
        self.__dict__.update(fresh.__dict__)
