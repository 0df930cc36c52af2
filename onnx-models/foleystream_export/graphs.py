"""The seven graphs of a model set: their modules, I/O names, dtypes and shapes.

Names, dtypes and shapes follow docs/model-set.md. Batch axes and the duration-dependent axes
(:data:`LENGTH_AXES`: latent, CLIP and sync lengths, mel frames, waveform samples) are symbolic, so one set
serves every duration; every other axis is fixed by the configuration. :func:`specs` is the single
place where they are defined, for the exporter, the manifest and the checks alike.
"""

import dataclasses
from typing import List, Tuple, Union

import torch
from torch import nn

from .nn.mmaudio import Conditions

Dim = Union[int, str]

#: The symbolic axes that follow the window duration (model-facts.md section 2).
LENGTH_AXES = ("latent_len", "clip_len", "sync_len", "mel_len", "samples")
#: The int64 ``[1]`` input of the conditions graph that holds the latent length.
LATENT_LEN_INPUT = "latent_len"


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
    #: Sizes of the symbolic axes for tracing (the configuration's default duration).
    trace_sizes: Tuple[Tuple[str, int], ...] = ()

    @property
    def file(self) -> str:
        return f"{self.name}.onnx"

    def example_inputs(self, batch: int = 2) -> List[torch.Tensor]:
        """Tracing inputs: the declared shapes with every length axis at its trace size and every
        other symbolic axis set to ``batch``."""
        tensors = []
        generator = torch.Generator().manual_seed(0)
        sizes = dict(self.trace_sizes)
        for spec in self.inputs:
            shape = [sizes.get(d, batch) if isinstance(d, str) else d for d in spec.shape]
            if spec.name == LATENT_LEN_INPUT:
                tensors.append(torch.tensor([sizes["latent_len"]]))
            elif spec.dtype == "int64":
                tensors.append(torch.randint(0, 100, shape, generator=generator))
            elif spec.name == "t":
                tensors.append(torch.rand(shape, generator=generator))
            else:
                tensors.append(torch.randn(shape, generator=generator))
        return tensors

    def dynamic_axes(self) -> dict:
        return {s.name: {i: d for i, d in enumerate(s.shape) if isinstance(d, str)}
                for s in self.inputs + self.outputs}


GRAPH_NAMES = ("clip_image", "clip_text", "synchformer", "conditions", "velocity", "vae_decoder", "vocoder")


def specs(cfg) -> dict:
    """The graph specifications of a configuration, by graph name, in set order."""
    seq, net, clip, sync = cfg.sequence, cfg.network, cfg.clip, cfg.synchformer
    L, C, S, M, W = LENGTH_AXES
    T, D, N = net.text_len, net.hidden_dim, cfg.vocoder.num_mels
    sizes = (("latent_len", seq.latent_len), ("clip_len", seq.clip_len), ("sync_len", seq.sync_len),
             ("mel_len", seq.mel_frames), ("samples", seq.samples))
    condition_outputs = (
        TensorSpec("clip_f", ("B", C, D)), TensorSpec("sync_f", ("B", L, D)), TensorSpec("text_f", ("B", T, D)),
        TensorSpec("clip_c", ("B", D)), TensorSpec("text_c", ("B", D)))
    graphs = [
        GraphSpec("clip_image",
                  (TensorSpec("frames", ("N", 3, seq.clip_image_size, seq.clip_image_size)),),
                  (TensorSpec("features", ("N", clip.embed_dim)),)),
        GraphSpec("clip_text",
                  (TensorSpec("tokens", ("B", T), "int64"),),
                  (TensorSpec("features", ("B", T, clip.text.width)),)),
        GraphSpec("synchformer",
                  (TensorSpec("segments", ("S", sync.frames, 3, sync.image_size, sync.image_size)),),
                  (TensorSpec("features", ("S", sync.time_tokens, sync.embed_dim)),)),
        GraphSpec("conditions",
                  (TensorSpec("clip_features", ("B", C, net.clip_dim)),
                   TensorSpec("sync_features", ("B", S, net.sync_dim)),
                   TensorSpec("text_features", ("B", T, net.text_dim)),
                   TensorSpec(LATENT_LEN_INPUT, (1,), "int64")),
                  condition_outputs, sizes),
        GraphSpec("velocity",
                  (TensorSpec("x", ("B", L, net.latent_dim)), TensorSpec("t", ("B",))) + condition_outputs,
                  (TensorSpec("flow", ("B", L, net.latent_dim)),), sizes),
        GraphSpec("vae_decoder",
                  (TensorSpec("latent", ("B", L, net.latent_dim)),),
                  (TensorSpec("mel", ("B", N, M)),), sizes),
        GraphSpec("vocoder",
                  (TensorSpec("mel", ("B", N, M)),),
                  (TensorSpec("waveform", ("B", W)),), sizes),
    ]
    return {g.name: g for g in graphs}


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

