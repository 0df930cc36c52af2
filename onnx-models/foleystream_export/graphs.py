"""The seven graphs of a model set: their modules, and their I/O names, dtypes and shapes.

Names, dtypes and shapes are declared once, in ``contract.json`` beside this module, which the
Java engine reads too (docs/model-set.md, "The graph contract"). A shape entry there is a batch
axis, a length axis (latent, CLIP and sync lengths, mel frames, waveform samples; symbolic, so
one set serves every duration), a ``sequence.<field>`` reference to the
manifest's ``sequence`` block, or a size the models fix. :func:`specs` resolves it for a
configuration, for the exporter, the manifest and the checks alike.
"""

import dataclasses
import json
import pathlib
from typing import Dict, List, Tuple, Union

import torch
from torch import nn

from .nn.mmaudio import Conditions

Dim = Union[int, str]

CONTRACT_FILE = pathlib.Path(__file__).resolve().parent / "contract.json"
CONTRACT_FORMAT = "foleystream-graph-contract"
#: A shape entry that names a field of the manifest's ``sequence`` block.
SEQUENCE_PREFIX = "sequence."


def load_contract(path: pathlib.Path = CONTRACT_FILE) -> dict:
    """The graph contract, checked to be well formed: every shape entry a declared axis, a
    ``sequence.`` reference or a positive size."""
    contract = json.loads(pathlib.Path(path).read_text())
    if contract.get("format") != CONTRACT_FORMAT:
        raise ValueError(f"{path}: not a {CONTRACT_FORMAT} file")
    axes = set(contract["axes"]["batch"]) | set(contract["axes"]["length"])
    for graph, io in contract["graphs"].items():
        for tensor in io["inputs"] + io["outputs"]:
            for dim in tensor["shape"]:
                if not (dim in axes or (isinstance(dim, str) and dim.startswith(SEQUENCE_PREFIX))
                        or (isinstance(dim, int) and dim > 0)):
                    raise ValueError(f"{path}: {graph}.{tensor['name']} has the shape entry {dim!r}, "
                                     "neither a declared axis, a sequence reference nor a positive size")
    return contract


CONTRACT = load_contract()
GRAPH_NAMES = tuple(CONTRACT["graphs"])


@dataclasses.dataclass(frozen=True)
class TensorSpec:
    name: str
    shape: Tuple[Dim, ...]
    dtype: str = "float32"

    def to_dict(self) -> dict:
        return {"name": self.name, "dtype": self.dtype, "shape": list(self.shape)}


@dataclasses.dataclass(frozen=True)
class GraphSpec:
    name: str
    inputs: Tuple[TensorSpec, ...]
    outputs: Tuple[TensorSpec, ...]
    #: Sizes of the symbolic length axes for tracing (the configuration's default duration).
    trace_sizes: Tuple[Tuple[str, int], ...] = ()

    @property
    def file(self) -> str:
        return f"{self.name}.onnx"

    def example_inputs(self, batch: int = 2) -> List[torch.Tensor]:
        """Tracing inputs: the declared shapes with every length axis at its trace size and every
        other symbolic axis set to ``batch``. An int64 ``[1]`` input named after a length axis
        holds that length; a float input of one (batch) dimension is a per-row time in [0, 1]."""
        tensors = []
        generator = torch.Generator().manual_seed(0)
        sizes = dict(self.trace_sizes)
        for spec in self.inputs:
            shape = [sizes.get(d, batch) if isinstance(d, str) else d for d in spec.shape]
            if spec.dtype == "int64" and spec.name in sizes:
                tensors.append(torch.tensor([sizes[spec.name]]))
            elif spec.dtype == "int64":
                tensors.append(torch.randint(0, 100, shape, generator=generator))
            elif len(spec.shape) == 1:
                tensors.append(torch.rand(shape, generator=generator))
            else:
                tensors.append(torch.randn(shape, generator=generator))
        return tensors

    def dynamic_axes(self) -> dict:
        return {s.name: {i: d for i, d in enumerate(s.shape) if isinstance(d, str)}
                for s in self.inputs + self.outputs}


def sequence_sizes(cfg) -> Dict[str, int]:
    """The manifest's ``sequence`` block without the vocoder context (which the manifest adds):
    the sizes that the contract's ``sequence.`` references name."""
    seq, net = cfg.sequence, cfg.network
    return {
        "latent_len": seq.latent_len, "latent_dim": net.latent_dim, "hidden_dim": net.hidden_dim,
        "clip_len": seq.clip_len, "sync_len": seq.sync_len, "text_len": net.text_len,
        "clip_dim": net.clip_dim, "sync_dim": net.sync_dim, "text_dim": net.text_dim,
        "clip_fps": seq.clip_fps, "sync_fps": seq.sync_fps,
        "clip_frames": seq.clip_len, "sync_frames": seq.sync_frames,
        "sync_segment_frames": seq.sync_segment_frames, "sync_segment_step": seq.sync_segment_step,
        "sync_segments": seq.sync_segments,
        "clip_image_size": seq.clip_image_size, "sync_image_size": seq.sync_image_size,
        "hop": seq.hop, "mel_frames": seq.mel_frames, "samples": seq.samples,
        "mel_bins": cfg.vocoder.num_mels,
    }


def specs(cfg, contract: dict = CONTRACT) -> dict:
    """The graph specifications of a configuration, by graph name, in set order: the contract
    with every ``sequence.`` reference replaced by the configuration's size."""
    sizes = sequence_sizes(cfg)

    def resolve(dim: Dim) -> Dim:
        if isinstance(dim, str) and dim.startswith(SEQUENCE_PREFIX):
            return sizes[dim[len(SEQUENCE_PREFIX):]]
        return dim

    def tensors(entries) -> Tuple[TensorSpec, ...]:
        return tuple(TensorSpec(e["name"], tuple(resolve(d) for d in e["shape"]), e["dtype"])
                     for e in entries)

    trace_sizes = tuple((axis, resolve(ref)) for axis, ref in contract["axes"]["length"].items())
    return {name: GraphSpec(name, tensors(io["inputs"]), tensors(io["outputs"]), trace_sizes)
            for name, io in contract["graphs"].items()}


class ConditionsGraph(nn.Module):
    """Raw features and the latent length -> the five cached conditions (``preprocess_conditions``)."""

    def __init__(self, network):
        super().__init__()
        self.network = network

    def forward(self, clip_features, sync_features, text_features, latent_len):
        return tuple(self.network.preprocess_conditions(clip_features, sync_features, text_features,
                                                        latent_len.reshape(())))


class VelocityGraph(nn.Module):
    """One flow prediction from the latent, the times and the cached conditions."""

    def __init__(self, network):
        super().__init__()
        self.network = network

    def forward(self, x, t, clip_f, sync_f, text_f, clip_c, text_c):
        return self.network.predict_flow(x, t, Conditions(clip_f, sync_f, text_f, clip_c, text_c))


class VaeDecoderGraph(nn.Module):
    """Normalised latent ``[B, L, C_lat]`` -> log-mel ``[B, n_mels, 2 L]``: latent un-normalisation
    (the flow checkpoint's ``latent_mean``/``latent_std``), VAE decoder, mel un-normalisation.

    A graph of its own, apart from the vocoder: the VAE attends over the whole window, the vocoder
    only sees :func:`~foleystream_export.nn.bigvgan.context_mel_frames` frames either side, so a
    caller that needs only the end of a window's audio runs the VAE whole and the vocoder on that
    end alone."""

    def __init__(self, latent_mean: torch.Tensor, latent_std: torch.Tensor, vae: nn.Module):
        super().__init__()
        self.register_buffer("latent_mean", latent_mean.detach().clone())
        self.register_buffer("latent_std", latent_std.detach().clone())
        self.vae = vae

    def forward(self, latent):
        return self.vae((latent * self.latent_std + self.latent_mean).transpose(1, 2))


class VocoderGraph(nn.Module):
    """Log-mel ``[B, n_mels, M]`` -> waveform ``[B, M x hop]``."""

    def __init__(self, vocoder: nn.Module):
        super().__init__()
        self.vocoder = vocoder

    def forward(self, mel):
        return self.vocoder(mel).squeeze(1)


def decode(vae_decoder: VaeDecoderGraph, vocoder: VocoderGraph, latent: torch.Tensor) -> torch.Tensor:
    """Normalised latent ``[B, L, C_lat]`` -> waveform: the two decoding graphs in turn."""
    return vocoder(vae_decoder(latent))

