"""The LoRA adapter on a shared, cached denoiser for one training run, and everything undone on exit:
the adapter, frozen weights, gradient checkpointing, train mode, the text encoder's device, the
memory mode's placement and the speed settings (modes.py). The model upstream is left exactly as it
was, however the run ends."""
from __future__ import annotations

import warnings
from contextlib import ExitStack

import torch

from studio.core.errors import StudioError

from .modes import placed, step_speed
from ..base.hooks import module_hook
from ..memory.modes import adapters_in_compute_dtype

ADAPTER = "studio_training"


class AdapterSession:
    """The adapter on the shared denoiser for one run, and everything undone on exit."""

    def __init__(self, tr):  # tr: the LoRATrainer (train.py) of the run
        self.tr = tr
        self.in_forward = False
        self.params: dict[str, torch.nn.Parameter] = {}
        self.trainable: list[torch.nn.Parameter] = []

    def __enter__(self):
        from peft import LoraConfig
        tr, s, m = self.tr, self.tr.s, self.tr.transformer
        self.had_peft = bool(getattr(m, "_hf_peft_config_loaded", False) and getattr(m, "peft_config", None))
        self.prev_active = None
        self.was_disabled = False
        if self.had_peft:
            from peft.tuners.tuners_utils import BaseTunerLayer
            self.was_disabled = any(getattr(x, "disable_adapters", False) for x in m.modules()
                                    if isinstance(x, BaseTunerLayer))
            try:
                self.prev_active = list(m.active_adapters())
            except ValueError:
                self.prev_active = None
            if ADAPTER in m.peft_config:  # left by a crashed run in this process
                m.delete_adapters(ADAPTER)
        self.grad_flags = {n: p.requires_grad for n, p in m.named_parameters()}
        self.was_training = m.training
        self.was_ckpt = bool(getattr(m, "is_gradient_checkpointing", False))
        self.te_device = None
        self.hooks = []
        self.added = False
        self.stack = ExitStack()  # the memory mode's placement, the speed settings: undone last
        try:
            self.stack.enter_context(placed(tr.ref, tr.pipe, m, tr.device))
            for p in m.parameters():
                p.requires_grad_(False)
            cfg = LoraConfig(r=int(s.rank), lora_alpha=float(s.alpha), target_modules=list(tr.targets),
                             init_lora_weights=True, lora_dropout=0.0)
            with torch.random.fork_rng(devices=[]), warnings.catch_warnings(), adapters_in_compute_dtype(m):
                warnings.simplefilter("ignore", UserWarning)  # peft: "found a peft_config" (loaded LoRAs)
                torch.manual_seed(s.seed)  # lora_A's initial values from the seed, global RNG untouched
                m.add_adapter(cfg, adapter_name=ADAPTER)
            self.added = True
            if self.was_disabled:  # a sampler turned the loaded LoRAs off: adapters on, for this run
                m.enable_adapters()
            tag = f".{ADAPTER}."
            for name, p in m.named_parameters():
                if tag in name:
                    p.data = p.data.float()
                    p.requires_grad_(True)
                    self.params[name.replace(tag, ".")] = p
            self.trainable = [self.params[k] for k in sorted(self.params)]
            if tr.plan.checkpointing:
                if not getattr(m, "_supports_gradient_checkpointing", False):
                    tr.warn(f"{type(m).__name__} has no gradient checkpointing: training without it")
                else:
                    m.enable_gradient_checkpointing()
            m.train()
            self.stack.enter_context(step_speed(tr))
            tr.setup_steps = 1 if tr.plan.compiles else 0  # the first step compiles
            te = getattr(tr.pipe, "text_encoder", None)
            if s.offload_text_encoder and te is not None and tr.device.type != "cpu":
                self.te_device = next(te.parameters()).device
                te.to("cpu")
                if tr.device.type == "cuda":
                    torch.cuda.empty_cache()
            blocks = getattr(m, "blocks", None) or getattr(m, "transformer_blocks", None) or []
            for blk in blocks:  # Stop inside a forward pass, between blocks (a flag read: no device sync)
                self.hooks.append(module_hook(blk, "studio_training_stop", before=self._hook))
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _hook(self, module, args):
        if self.in_forward:
            self.tr.check()

    def autocast(self):
        import contextlib
        s, dev = self.tr.s, self.tr.device
        if s.mixed_precision == "no" or dev.type != "cuda":
            if s.mixed_precision == "bf16" and dev.type != "cuda":
                self.tr.warn("bf16 mixed precision is for CUDA: training in the model's dtype on the CPU")
            return contextlib.nullcontext()
        return torch.autocast("cuda", dtype=torch.bfloat16)

    def weights(self) -> dict[str, torch.Tensor]:
        return {k: p.detach() for k, p in self.params.items()}

    def load_weights(self, tensors: dict[str, torch.Tensor]) -> None:
        have = {k[5:]: t for k, t in tensors.items() if k.startswith("lora.")}
        if set(have) != set(self.params):
            raise StudioError("the training state's LoRA layers do not match this model: turn resume off")
        with torch.no_grad():
            for k, p in self.params.items():
                p.copy_(have[k].to(p.device, p.dtype))

    def __exit__(self, *exc):
        m = self.tr.transformer
        for h in self.hooks:
            h.remove()
        self.hooks = []
        if self.added:
            if self.had_peft:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", UserWarning)  # peft: "the active adapter is deleted"
                    m.delete_adapters(ADAPTER)
                if self.prev_active:
                    try:
                        m.set_adapter(self.prev_active)
                    except ValueError:
                        pass
                if self.was_disabled:
                    m.disable_adapters()
            else:
                m.unload_lora()  # the denoiser's own modules back, as loaded
            self.added = False
        if not self.was_ckpt and getattr(m, "is_gradient_checkpointing", False):
            m.disable_gradient_checkpointing()
        for n, p in m.named_parameters():
            if n in self.grad_flags:
                p.requires_grad_(self.grad_flags[n])
        m.train(self.was_training)
        if self.te_device is not None:
            self.tr.pipe.text_encoder.to(self.te_device)
        self.stack.close()
        return False
