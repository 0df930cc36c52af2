"""Tables of the reference PyTorch code, computed exactly the way it computes them.

Each function returns float32 (or int64) values bit-identical to what the official modules compute.
The length-dependent ones (RoPE, sync upsampling index) also exist as traceable functions of
length *tensors* (:func:`rope_columns`, :func:`nearest_exact_index_of`): the exported graphs
compute them from their inputs' lengths at run time, so one model set serves every duration.
"""

import math

import numpy as np
import torch


def rope_rotations(length: int, head_dim: int, freq_scaling: float = 1.0) -> torch.Tensor:
    """RoPE table ``[1, length, head_dim / 2, 2, 2]`` holding ``[[cos, -sin], [sin, cos]]``.

    Frequencies are ``freq_scaling * 10000^(-2j / head_dim)`` and positions ``0 .. length - 1``,
    all in float32 as the reference computes them (model-facts.md section 6.3).
    """
    positions = torch.arange(length, dtype=torch.float32)
    freqs = 1.0 / (10000 ** (torch.arange(0, head_dim, 2, dtype=torch.float32) / head_dim))
    freqs = freqs * freq_scaling
    angles = positions[:, None] * freqs[None, :]
    cos, sin = torch.cos(angles), torch.sin(angles)
    rot = torch.stack([cos, -sin, sin, cos], dim=-1)
    return rot.reshape(1, length, head_dim // 2, 2, 2)


def rope_columns(positions: torch.Tensor, head_dim: int, freq_scaling=None):
    """The two columns ``[cos, sin]`` and ``[-sin, cos]`` of :func:`rope_rotations`, each
    ``[1, N, head_dim / 2, 2]``, for float32 ``positions [N]``, traceable with a run-time length.

    ``freq_scaling`` is None or a 0-dim float64 tensor: the reference forms the scaling (L / C) as
    a Python float and multiplies the float32 frequencies by it, which rounds it to float32 first.
    """
    freqs = 1.0 / (10000 ** (torch.arange(0, head_dim, 2, dtype=torch.float32) / head_dim))
    if freq_scaling is not None:
        freqs = freqs * freq_scaling.float()
    angles = positions[:, None] * freqs[None, :]
    cos, sin = torch.cos(angles), torch.sin(angles)
    return torch.stack([cos, sin], dim=-1)[None], torch.stack([-sin, cos], dim=-1)[None]


def nearest_exact_index_of(source_len: torch.Tensor, target_len: torch.Tensor) -> torch.Tensor:
    """:func:`nearest_exact_index` from int64 length tensors, traceable: the same float32
    operations in the same order, so the same float32 quirk."""
    scale = source_len.float() / target_len.float()
    centres = torch.arange(target_len, dtype=torch.float32) + 0.5
    index = torch.floor(centres * scale).long()
    return torch.minimum(index, source_len - 1)


def timestep_frequencies(frequency_size: int, max_period: float) -> torch.Tensor:
    """The ``frequency_size / 2`` sinusoid frequencies of the timestep embedding, float32.

    ``(10000 / max_period) * 10000^(-2i / frequency_size)``: v1 networks use max_period 10000
    (frequencies from 1 down), v2 networks max_period 1 (frequencies from 10000 down).
    """
    freqs = 1.0 / (10000 ** (torch.arange(0, frequency_size, 2, dtype=torch.float32) / frequency_size))
    return (10000 / max_period) * freqs


def nearest_exact_index(source_len: int, target_len: int) -> np.ndarray:
    """Source index of every target position for torch's ``nearest-exact`` interpolation.

    torch evaluates ``floor((i + 0.5) * scale)`` with ``scale = float32(source) / float32(target)``
    in float32; float64 arithmetic picks a different neighbour at a few positions (for 192 -> 345
    at i = 57 and i = 172), so the float32 order of operations matters.
    """
    scale = np.float32(source_len) / np.float32(target_len)
    centres = (np.arange(target_len) + 0.5).astype(np.float32)
    index = np.floor(centres * scale).astype(np.int64)
    return np.minimum(index, source_len - 1)


def kaiser_sinc_filter(cutoff: float, half_width: float, kernel_size: int) -> torch.Tensor:
    """BigVGAN's Kaiser-windowed sinc low-pass filter ``[1, 1, kernel_size]``, float32."""
    even = kernel_size % 2 == 0
    half_size = kernel_size // 2
    delta_f = 4 * half_width
    attenuation = 2.285 * (half_size - 1) * math.pi * delta_f + 7.95
    if attenuation > 50.0:
        beta = 0.1102 * (attenuation - 8.7)
    elif attenuation >= 21.0:
        beta = 0.5842 * (attenuation - 21) ** 0.4 + 0.07886 * (attenuation - 21.0)
    else:
        beta = 0.0
    window = torch.kaiser_window(kernel_size, beta=beta, periodic=False)
    if even:
        time = torch.arange(-half_size, half_size) + 0.5
    else:
        time = torch.arange(kernel_size) - half_size
    taps = 2 * cutoff * window * torch.sinc(2 * cutoff * time)
    taps = taps / taps.sum()
    return taps.view(1, 1, kernel_size)


def euler_time_grid(steps: int) -> torch.Tensor:
    """The sampler's time grid ``linspace(0, 1, steps + 1)`` in float32 (t = 0 is noise)."""
    return torch.linspace(0, 1, steps + 1, dtype=torch.float32)
