"""A plain take (one pipeline call, no context windows) resumes from its last finished step too.

kept_steps.py keeps the latent and the scheduler's state of the last finished step when a run is
stopped; a re-run puts them back at the end of that step. The steps before it need no denoiser: a
hook on every denoiser of the pipeline (diffusers' ``ModelHook`` through ``HookRegistry``, on
``transformer`` and ``transformer_2``) returns zeros of the prediction's shape while the keeper says
the step under way was made by the stopped run, and calls the denoiser as it is otherwise. The
scheduler steps those zeros cheaply and its state is replaced at the kept step, so the take is the one
an uninterrupted run makes. The prediction's shape is the input's with the denoiser's
``out_channels`` on the family's channel axis (``BCTHW``: axis 1; ``packed`` tokens: the last) where the
family declares it (its ``ContextWindows``).

Elsewhere the shape is learned (``layout`` None): the first skipped call of each input shape runs the
denoiser, and its output, as zeros of the same structure (every tensor of it: a prediction in several
parts too), stands for the later ones. That one real call is thrown away like the zeros (the kept state
replaces what the skipped steps made), so the take is the same; it costs one step's denoiser call a
resume. The Sampler asks this only of a call whose picture's state the step callback holds (sampler.py
``plain_resumable``: its latents put back by the pipeline, one loop).

A family that makes sound in the same call has the sound's predictions replayed for the skipped steps
(replay.py)."""
from __future__ import annotations

from .replay import Replay, leaves

HOOK = "studio_kept_steps"


def input_shapes(args: tuple, kwargs: dict) -> tuple:
    """The shape of a denoiser call's input latents; where it takes none by that name (Cosmos 3's packs its
    modalities' tokens in lists), the shapes of every tensor it is given."""
    from ..base.hooks import hidden_states_of
    if "hidden_states" in kwargs or args:
        return tuple(hidden_states_of(args, kwargs).shape)
    return tuple((k, tuple(t.shape)) for k, v in sorted(kwargs.items()) for t in leaves(v) if t is not None)


def make_hook(layout: str | None, skip, replay: Replay | None = None):
    from diffusers.hooks import ModelHook

    from ..base.hooks import hidden_states_of, no_prediction

    class _Skip(ModelHook):
        def __init__(self):
            super().__init__()
            self.learned: dict = {}  # (input shape, return_dict) -> zeros in the structure of the output

        def new_forward(self, module, *args, **kwargs):
            if not skip():
                out = self.fn_ref.original_forward(*args, **kwargs)
                if replay is not None:
                    replay.record(out)
                return out
            if layout is not None and replay is None:
                return no_prediction(module, hidden_states_of(args, kwargs), layout, kwargs.get("return_dict", True))
            key = (input_shapes(args, kwargs), kwargs.get("return_dict", True))
            if key not in self.learned:
                out = self.fn_ref.original_forward(*args, **kwargs)
                self.learned[key] = zeros_like_output(out)
                return out if replay is None else replay.replayed(out)
            return self.learned[key] if replay is None else replay.replayed(self.learned[key])
    return _Skip()


def zeros_like_output(out):
    """``out`` (a denoiser's output: a tensor, a tuple, a list, an output object) with every tensor as zeros."""
    import torch
    if isinstance(out, torch.Tensor):
        return torch.zeros_like(out)
    if isinstance(out, (tuple, list)):
        return type(out)(zeros_like_output(v) for v in out)
    if isinstance(out, dict):  # diffusers' BaseOutput: an ordered dict of its fields
        return type(out)(**{k: zeros_like_output(v) for k, v in out.items()})
    return out


def kept_steps_skipped(pipe, layout: str | None, skip, replay: Replay | None = None):
    """The hook on every denoiser of ``pipe`` inside the block (base.hooks: removed however it ends); with
    ``replay``, the outputs' parts after the first held and handed back (the module's docstring)."""
    from ..base.hooks import denoiser_hooks
    return denoiser_hooks(pipe, HOOK, lambda mod: make_hook(layout, skip, replay))
