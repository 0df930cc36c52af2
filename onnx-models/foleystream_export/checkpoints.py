"""Checkpoint layouts of the five components, strict validation, loading and random initialisation.

Each :class:`CheckpointFormat` knows the exact tensor table (names, shapes, order) of one
official checkpoint file, which keys the reference drops before its strict load, and how the
checkpoint tensors become the tensors of our module (weight-norm folding, dropping the unused VAE
encoder). Modules are built with parameters on the ``meta`` device and receive their tensors by
reference (:func:`attach_tensors`), so a full-size model is never copied in memory.

Random initialisation (:func:`random_checkpoint`) writes a checkpoint in the *official* layout, so
random-init exports go through exactly the loading path that official weights take.
"""

import inspect
import pathlib
import zlib
from typing import Dict, Iterable, List, Optional, Tuple

import numpy as np
import torch
from torch import nn

from .nn import bigvgan, clip, mmaudio, synchformer, vae
from . import tables
from .nn.layers import empty_parameters

TensorTable = List[Tuple[str, Tuple[int, ...]]]


class CheckpointError(ValueError):
    """A checkpoint is missing, unreadable, or does not have the layout the configuration needs."""


def _shape(shape) -> str:
    return "[" + ", ".join(str(s) for s in shape) + "]"


def module_table(module: nn.Module) -> TensorTable:
    """Names and shapes of a module's state dict (parameters and persistent buffers), in order."""
    return [(name, tuple(t.shape)) for name, t in module.state_dict().items()]


class CheckpointFormat:
    """The checkpoint of one component for one configuration."""

    component = ""

    def __init__(self, cfg):
        self.cfg = cfg

    @property
    def file_name(self) -> str:
        return getattr(self.cfg.checkpoints, self.component) if self.cfg.checkpoints else ""

    def build(self) -> nn.Module:
        """The module with parameters on ``meta`` (no memory); see :func:`attach_tensors`."""
        with empty_parameters():
            return self._build()

    def _build(self) -> nn.Module:
        raise NotImplementedError

    def table(self) -> TensorTable:
        """The exact tensor table of the checkpoint file, after :meth:`select`."""
        return module_table(self.build())

    def select(self, state_dict: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
        """Drops what the reference drops before its strict load."""
        return state_dict

    def module_tensors(self, state_dict: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
        """Checkpoint tensors (validated) -> the module's state-dict tensors, float32."""
        return {name: t.float() for name, t in state_dict.items()}

    def finish(self, module: nn.Module) -> None:
        """Load-time work the reference does after loading (weight normalisation)."""

    def random_value(self, name: str, shape: Tuple[int, ...], rng: np.random.RandomState) -> np.ndarray:
        """A plausible random value for one checkpoint tensor (activations stay O(1))."""
        if name.endswith("bias"):
            return rng.normal(0.0, 0.02, shape)
        if len(shape) <= 1:
            return rng.normal(0.0, 0.1, shape)
        fan_in = int(np.prod(shape[1:]))
        return rng.normal(0.0, fan_in ** -0.5, shape)


class NetworkFormat(CheckpointFormat):
    """``weights/mmaudio_<variant>.pth``: a plain state dict of the flow network."""

    component = "network"
    #: Non-persistent buffers that older checkpoints may carry; the reference deletes them.
    DROPPED = ("t_embed.freqs", "latent_rot", "clip_rot")

    def _build(self):
        seq = self.cfg.sequence
        return mmaudio.MMAudio(self.cfg.network, seq.latent_len, seq.clip_len, seq.sync_len)

    def select(self, state_dict):
        return {k: v for k, v in state_dict.items() if k not in self.DROPPED}

    def random_value(self, name, shape, rng):
        if name == "latent_std":
            return rng.uniform(0.5, 1.5, shape)
        if name == "latent_mean":
            return rng.normal(0.0, 0.5, shape)
        if name.endswith(("q_norm.weight", "k_norm.weight")):
            return 1.0 + rng.normal(0.0, 0.1, shape)
        return super().random_value(name, shape, rng)


class ClipFormat(CheckpointFormat):
    """``open_clip_pytorch_model.bin``: the whole open_clip CLIP state dict."""

    component = "clip"

    def _build(self):
        return clip.Clip(self.cfg.clip)

    def random_value(self, name, shape, rng):
        if name.endswith(("ln_1.weight", "ln_2.weight", "ln_pre.weight", "ln_post.weight", "ln_final.weight")):
            return 1.0 + rng.normal(0.0, 0.1, shape)
        if name == "logit_scale":
            return np.full(shape, np.log(1 / 0.07))
        return super().random_value(name, shape, rng)


class SynchformerFormat(CheckpointFormat):
    """``synchformer_state_dict.pth``: the whole Synchformer; only ``vfeat_extractor*`` is used."""

    component = "synchformer"

    def _build(self):
        return synchformer.Synchformer(self.cfg.synchformer)

    def select(self, state_dict):
        return {k: v for k, v in state_dict.items() if k.startswith("vfeat_extractor")}

    def random_value(self, name, shape, rng):
        if ".norm" in name and name.endswith(".weight"):
            return 1.0 + rng.normal(0.0, 0.1, shape)
        return super().random_value(name, shape, rng)


class VaeFormat(CheckpointFormat):
    """``ext_weights/v1-16.pth`` / ``v1-44.pth``: the whole VAE with raw MPConv weights."""

    component = "vae"

    def _build(self):
        return vae.Vae(self.cfg.vae)

    def table(self):
        decoder = module_table(self.build())
        buffers = [entry for entry in decoder if not entry[0].startswith("decoder.")]
        return buffers + vae.encoder_state_shapes(self.cfg.vae) + [e for e in decoder if e[0].startswith("decoder.")]

    def module_tensors(self, state_dict):
        return {k: v.float() for k, v in state_dict.items() if not k.startswith("encoder.")}

    def finish(self, module):
        module.decoder.fold_weight_normalization()

    def random_value(self, name, shape, rng):
        if name == "data_mean":
            return rng.uniform(-4.0, -2.0, shape)
        if name == "data_std":
            return rng.uniform(1.0, 2.0, shape)
        return super().random_value(name, shape, rng)


class VocoderFormat(CheckpointFormat):
    """BigVGAN generator weights (key ``generator``) with weight norm.

    The table uses the legacy ``weight_g``/``weight_v`` names that the released files carry;
    parametrisation names (``parametrizations.weight.original0``/``original1``) and already
    folded checkpoints are accepted as well, as the reference loaders do.
    """

    component = "vocoder"
    PARAMETRIZED = (".parametrizations.weight.original0", ".parametrizations.weight.original1")

    def _build(self):
        return bigvgan.BigVGAN(self.cfg.vocoder)

    def table(self):
        model = self.build()
        normed = set(bigvgan.weight_norm_modules(model))
        table = []
        for name, shape in module_table(model):
            prefix, _, leaf = name.rpartition(".")
            if prefix not in normed:
                table.append((name, shape))
            elif leaf == "weight":
                has_bias = getattr(model.get_submodule(prefix), "bias") is not None
                if not has_bias:
                    table += self._weight_norm_entries(prefix, shape)
            else:  # bias: the legacy API lists bias before weight_g / weight_v
                weight_shape = tuple(model.get_submodule(prefix).weight.shape)
                table += [(name, shape)] + self._weight_norm_entries(prefix, weight_shape)
        return table

    @staticmethod
    def _weight_norm_entries(prefix, shape):
        return [(f"{prefix}.weight_g", (shape[0],) + (1,) * (len(shape) - 1)), (f"{prefix}.weight_v", shape)]

    def select(self, state_dict):
        renamed = {}
        for name, tensor in state_dict.items():
            for suffix, legacy in zip(self.PARAMETRIZED, (".weight_g", ".weight_v")):
                if name.endswith(suffix):
                    name = name[: -len(suffix)] + legacy
            renamed[name] = tensor
        if renamed and not any(k.endswith(".weight_v") for k in renamed):
            # Already folded (the reference retries this way): present it in the legacy layout.
            return self._unfolded_view(renamed)
        return renamed

    def _unfolded_view(self, state_dict):
        """Pairs every folded weight with g = ||w|| so that folding returns it unchanged."""
        normed = set(bigvgan.weight_norm_modules(self.build()))
        out = {}
        for name, tensor in state_dict.items():
            prefix, _, leaf = name.rpartition(".")
            if prefix in normed and leaf == "weight":
                w = tensor.float()
                out[f"{prefix}.weight_g"] = torch.linalg.vector_norm(
                    w, dim=list(range(1, w.ndim)), keepdim=True)
                out[f"{prefix}.weight_v"] = w
            else:
                out[name] = tensor
        return out

    def finish(self, module):
        module.refresh_filters()

    def module_tensors(self, state_dict):
        out = {}
        for name, tensor in state_dict.items():
            if name.endswith(".weight_g"):
                continue
            if name.endswith(".weight_v"):
                prefix = name[: -len(".weight_v")]
                out[prefix + ".weight"] = bigvgan.fold_weight_norm(state_dict[prefix + ".weight_g"], tensor)
            else:
                out[name] = tensor.float()
        return out

    def random_value(self, name, shape, rng):
        if name.endswith(".filter"):
            return tables.kaiser_sinc_filter(0.25, 0.3, shape[-1]).numpy().reshape(shape)
        if name.endswith((".act.alpha", ".act.beta")):
            return rng.normal(0.0, 0.1, shape)
        if name.endswith(".weight_g"):
            # Small residual branches and output layer keep a random generator's waveform in the
            # linear range of tanh/clamp instead of saturated at +-1.
            if ".convs2." in name:
                return rng.uniform(0.05, 0.15, shape)
            if name.startswith("conv_post."):
                return rng.uniform(0.01, 0.03, shape)
            return rng.uniform(0.5, 1.5, shape)
        return super().random_value(name, shape, rng)


FORMATS = {f.component: f for f in (NetworkFormat, ClipFormat, SynchformerFormat, VaeFormat, VocoderFormat)}


def formats(cfg) -> Dict[str, CheckpointFormat]:
    """The five checkpoint formats of a configuration, by component name."""
    return {name: cls(cfg) for name, cls in FORMATS.items()}


def check_table(expected: TensorTable, state_dict: Dict[str, torch.Tensor], source: str) -> None:
    """Strict comparison: raises :class:`CheckpointError` naming the first missing key, the first
    unexpected key or the first shape mismatch (in the checkpoint's order), with shapes."""
    expected_shapes = dict(expected)
    problems = []
    for name, shape in expected:
        if name not in state_dict:
            problems.append(f"missing key '{name}' (expected shape {_shape(shape)})")
        elif tuple(state_dict[name].shape) != shape:
            problems.append(f"wrong shape for '{name}': the checkpoint has {_shape(state_dict[name].shape)}, "
                            f"expected {_shape(shape)}")
    for name, tensor in state_dict.items():
        if name not in expected_shapes:
            problems.append(f"unexpected key '{name}' (shape {_shape(tensor.shape)})")
    if problems:
        more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
        raise CheckpointError(f"{source}: {problems[0]}{more}")


def read_checkpoint(path, subkey: Optional[str] = None) -> Dict[str, torch.Tensor]:
    """Reads a ``torch.save`` state dict without executing code (``weights_only``), memory-mapped
    where torch supports it. BigVGAN files nest the weights under ``"generator"``."""
    path = pathlib.Path(path)
    if not path.is_file():
        raise CheckpointError(f"checkpoint not found: {path}")
    kwargs = {"map_location": "cpu", "weights_only": True}
    if "mmap" in inspect.signature(torch.load).parameters:
        kwargs["mmap"] = True
    try:
        data = torch.load(str(path), **kwargs)
    except Exception as error:  # torch raises many types for corrupt or foreign files
        raise CheckpointError(f"cannot read checkpoint {path}: {error}") from None
    if subkey and isinstance(data, dict) and subkey in data and isinstance(data[subkey], dict):
        data = data[subkey]
    if not isinstance(data, dict) or not all(isinstance(v, torch.Tensor) for v in data.values()):
        raise CheckpointError(f"{path} does not hold a state dict of tensors")
    return data


def attach_tensors(module: nn.Module, tensors: Dict[str, torch.Tensor], prefix: str = "") -> None:
    """Gives ``module`` the tensors ``tensors[prefix + name]`` for every parameter and persistent
    buffer, by reference (no copy). Extra entries in ``tensors`` outside ``prefix`` are ignored."""
    persistent = module.state_dict().keys()
    for mod_name, mod in module.named_modules():
        base = prefix + (mod_name + "." if mod_name else "")
        for name in list(mod._parameters):
            if mod._parameters[name] is not None:
                mod._parameters[name] = nn.Parameter(_take(tensors, base + name), requires_grad=False)
        for name in list(mod._buffers):
            full = (mod_name + "." if mod_name else "") + name
            if mod._buffers[name] is not None and full in persistent:
                mod._buffers[name] = _take(tensors, base + name)


def _take(tensors, name):
    if name not in tensors:
        raise CheckpointError(f"no tensor for '{name}'")
    return tensors[name].float().contiguous()


def load(fmt: CheckpointFormat, state_dict: Dict[str, torch.Tensor], source: str) -> Dict[str, torch.Tensor]:
    """Validates a raw checkpoint strictly and returns the module tensors (folded, float32)."""
    selected = fmt.select(state_dict)
    check_table(fmt.table(), selected, source)
    return fmt.module_tensors(selected)


def instantiate(fmt: CheckpointFormat, tensors: Dict[str, torch.Tensor]) -> nn.Module:
    """Builds the component and attaches its (already validated) module tensors."""
    module = fmt.build()
    attach_tensors(module, tensors)
    fmt.finish(module)
    return module.eval()


def seed_for(component: str, seed: int, name: str) -> int:
    """Per-tensor seed: every tensor is reproducible on its own, whatever else is generated."""
    return zlib.crc32(f"{component}/{seed}/{name}".encode()) & 0xFFFFFFFF


def random_checkpoint(fmt: CheckpointFormat, seed: int, names: Optional[Iterable[str]] = None
                      ) -> Dict[str, torch.Tensor]:
    """A random checkpoint in the official layout (float32), from NumPy's frozen legacy generator
    so that it is identical on every torch and NumPy version."""
    wanted = None if names is None else set(names)
    out = {}
    for name, shape in fmt.table():
        if wanted is not None and name not in wanted:
            continue
        rng = np.random.RandomState(seed_for(fmt.component, seed, name))
        out[name] = torch.from_numpy(np.asarray(fmt.random_value(name, shape, rng), dtype=np.float32))
    return out
