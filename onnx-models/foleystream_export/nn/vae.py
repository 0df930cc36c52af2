"""MMAudio's mel VAE decoder (EDM2-style magnitude-preserving 1-D convolutions).

Written from model-facts.md section 8. A checkpoint stores raw MPConv weights; they are
weight-normalised once at load (:meth:`VaeDecoder.fold_weight_normalization`), as the
reference's ``remove_weight_norm()`` does, so the exported graph holds plain convolution weights.
The encoder is never run at inference; its keys are still required by the strict load
(:func:`encoder_state_shapes`) and then dropped.
"""

import math
from typing import List, Tuple

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

NORM_EPS = 1e-4
CLAMP = 256.0


def pixel_norm(x, channels: int, dim: int = 1):
    """``x / (1e-4 + ||x|| / sqrt(channels))`` over ``dim``, the norm taken in float32."""
    norm = torch.sqrt(x.float().pow(2).sum(dim=dim, keepdim=True))
    norm = NORM_EPS + norm * (1.0 / math.sqrt(channels))
    return x / norm.to(x.dtype)


def mp_silu(x):
    return F.silu(x) / 0.596


def mp_sum(a, b, t: float = 0.3):
    """Magnitude-preserving blend ``lerp(a, b, t) / sqrt((1 - t)^2 + t^2)``."""
    return (a + t * (b - a)) / math.sqrt((1 - t) ** 2 + t ** 2)


def normalize_weight(weight: torch.Tensor) -> torch.Tensor:
    """The load-time MPConv weight normalisation: per output channel
    ``w / (1e-4 + ||w|| / sqrt(fan_in)) / sqrt(fan_in)``, in float32 as the reference computes it."""
    w = weight.float()
    fan_in = w[0].numel()
    norm = torch.linalg.vector_norm(w, dim=list(range(1, w.ndim)), keepdim=True, dtype=torch.float32)
    norm = torch.add(NORM_EPS, norm, alpha=float(np.sqrt(norm.numel() / w.numel())))
    return (w / norm / np.sqrt(fan_in)).to(weight.dtype)


class MPConv1d(nn.Module):
    """Bias-free Conv1d with zero padding ``k // 2``, optionally scaled by a gain at run time."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(out_channels, in_channels, kernel_size))
        self.padding = kernel_size // 2

    def forward(self, x, gain=None):
        weight = self.weight if gain is None else self.weight * gain
        return F.conv1d(x, weight, padding=self.padding)


class ResnetBlock1d(nn.Module):
    def __init__(self, in_dim: int, out_dim: int):
        super().__init__()
        self.in_dim = in_dim
        self.conv1 = MPConv1d(in_dim, out_dim, 3)
        self.conv2 = MPConv1d(out_dim, out_dim, 3)
        if in_dim != out_dim:
            self.nin_shortcut = MPConv1d(in_dim, out_dim, 1)

    def forward(self, x):
        x = pixel_norm(x, self.in_dim)
        h = self.conv2(mp_silu(self.conv1(mp_silu(x))))
        if hasattr(self, "nin_shortcut"):
            x = self.nin_shortcut(x)
        return mp_sum(x, h)


class AttnBlock1d(nn.Module):
    """Single-head attention over time; q/k/v interleaved innermost (channel ``c * 3 + j``) and
    pixel-normalised separately."""

    def __init__(self, dim: int):
        super().__init__()
        self.dim = dim
        self.qkv = MPConv1d(dim, dim * 3, 1)
        self.proj_out = MPConv1d(dim, dim, 1)

    def forward(self, x):
        dim, length = self.dim, x.shape[2]
        y = pixel_norm(self.qkv(x).reshape(-1, dim, 3, length), dim)
        q, k, v = (y[:, :, j].transpose(1, 2) for j in range(3))  # [B, L, C]
        scores = torch.matmul(q, k.transpose(1, 2)) * (1.0 / math.sqrt(dim))
        h = torch.matmul(scores.softmax(dim=-1), v).transpose(1, 2)
        return mp_sum(x, self.proj_out(h))


class Upsample1d(nn.Module):
    """Nearest x2 (each frame twice) followed by a k=3 MPConv."""

    def __init__(self, dim: int):
        super().__init__()
        self.conv = MPConv1d(dim, dim, 3)

    def forward(self, x):
        dim, length = x.shape[1], x.shape[2]
        return self.conv(torch.stack([x, x], dim=-1).reshape(-1, dim, length * 2))


class Mid(nn.Module):
    def __init__(self, dim: int):
        super().__init__()
        self.block_1 = ResnetBlock1d(dim, dim)
        self.attn_1 = AttnBlock1d(dim)
        self.block_2 = ResnetBlock1d(dim, dim)

    def forward(self, x):
        return self.block_2(self.attn_1(self.block_1(x)))


class UpLevel(nn.Module):
    def __init__(self, in_dim: int, out_dim: int, blocks: int, upsample: bool):
        super().__init__()
        self.block = nn.ModuleList([ResnetBlock1d(in_dim if i == 0 else out_dim, out_dim) for i in range(blocks)])
        if upsample:
            self.upsample = Upsample1d(out_dim)

    def forward(self, x):
        for block in self.block:
            x = block(x).clamp(-CLAMP, CLAMP)
        if hasattr(self, "upsample"):
            x = self.upsample(x)
        return x


class VaeDecoder(nn.Module):
    """Latent ``[B, C_lat, L]`` -> normalised log-mel ``[B, n_mels, 2 L]``."""

    def __init__(self, cfg):
        super().__init__()
        widths = [cfg.hidden_dim * m for m in cfg.ch_mult]
        self.learnable_gain = nn.Parameter(torch.empty(()))
        self.conv_in = MPConv1d(cfg.embed_dim, widths[-1], 3)
        self.mid = Mid(widths[-1])
        self.up = nn.ModuleList([
            UpLevel(widths[min(i + 1, len(widths) - 1)], widths[i], cfg.decoder_blocks, upsample=(i == 1))
            for i in range(len(widths))])
        self.conv_out = MPConv1d(widths[0], cfg.data_dim, 3)
        self.folded = False

    def fold_weight_normalization(self):
        """Normalises every MPConv weight in place, once (the reference's ``remove_weight_norm``)."""
        if self.folded:
            raise RuntimeError("the VAE weights are already normalised")
        with torch.no_grad():
            for module in self.modules():
                if isinstance(module, MPConv1d):
                    module.weight.copy_(normalize_weight(module.weight))
        self.folded = True

    def forward(self, z):
        if not self.folded:
            raise RuntimeError("fold_weight_normalization() must run before the decoder is used")
        h = self.mid(self.conv_in(z)).clamp(-CLAMP, CLAMP)
        for level in reversed(self.up):
            h = level(h)
        return self.conv_out(mp_silu(h), gain=self.learnable_gain + 1)


class Vae(nn.Module):
    """The decoder with the per-mel-bin un-normalisation (``data_mean``/``data_std`` buffers)."""

    def __init__(self, cfg):
        super().__init__()
        self.register_buffer("data_mean", torch.empty(1, cfg.data_dim, 1))
        self.register_buffer("data_std", torch.empty(1, cfg.data_dim, 1))
        self.decoder = VaeDecoder(cfg)

    def forward(self, z):
        return self.decoder(z) * self.data_std + self.data_mean


def encoder_state_shapes(cfg) -> List[Tuple[str, Tuple[int, ...]]]:
    """Names and shapes of the ``encoder.*`` tensors a VAE checkpoint holds, in checkpoint order.

    The encoder mirrors the decoder: conv_in, per level ``encoder_blocks`` ResnetBlocks (the first
    of a wider level with a 1x1 shortcut; level 0 ends with a 1x1 -> avg-pool -> 1x1 downsample),
    the mid block and a conv_out to mean and log-variance (2 x embed_dim channels).
    """
    widths = [cfg.hidden_dim * m for m in cfg.ch_mult]
    shapes = [("encoder.learnable_gain", ()), ("encoder.conv_in.weight", (widths[0], cfg.data_dim, 3))]
    in_dim = widths[0]
    for level, out_dim in enumerate(widths):
        for j in range(cfg.encoder_blocks):
            prefix = f"encoder.down.{level}.block.{j}"
            block_in = in_dim if j == 0 else out_dim
            shapes += [(f"{prefix}.conv1.weight", (out_dim, block_in, 3)),
                       (f"{prefix}.conv2.weight", (out_dim, out_dim, 3))]
            if block_in != out_dim:
                shapes.append((f"{prefix}.nin_shortcut.weight", (out_dim, block_in, 1)))
        if level == 0:
            shapes += [(f"encoder.down.0.downsample.conv{i}.weight", (out_dim, out_dim, 1)) for i in (1, 2)]
        in_dim = out_dim
    top = widths[-1]
    for block in ("block_1", "attn_1", "block_2"):
        if block == "attn_1":
            shapes += [("encoder.mid.attn_1.qkv.weight", (3 * top, top, 1)),
                       ("encoder.mid.attn_1.proj_out.weight", (top, top, 1))]
        else:
            shapes += [(f"encoder.mid.{block}.conv{i}.weight", (top, top, 3)) for i in (1, 2)]
    shapes.append(("encoder.conv_out.weight", (2 * cfg.embed_dim, top, 3)))
    return shapes
