"""Building blocks shared by the network definitions.

The modules are plain PyTorch written for two uses: loading the official state dicts strictly
(parameter names follow the official modules) and tracing to ONNX (only operations that export
cleanly at opset 17 on both torch 1.13 and 2.x; attention and RMSNorm are spelled out because
torch 1.13 has neither ``scaled_dot_product_attention`` nor ``nn.RMSNorm``).
"""

import contextlib

import torch
from torch import nn
from torch.nn import functional as F


@contextlib.contextmanager
def empty_parameters():
    """Builds modules whose parameters live on the ``meta`` device: shapes without memory.

    Every parameter registered inside the block is moved to ``meta`` as it is registered, so the
    default initialisers that run afterwards touch no real memory. A full-size CLIP (1 B
    parameters) builds in milliseconds; its tensors are attached later by
    :func:`foleystream_export.checkpoints.attach_tensors`.
    """
    original = nn.Module.register_parameter

    def register_on_meta(module, name, param):
        if param is not None and param.device.type != "meta":
            param = nn.Parameter(param.data.to("meta"), requires_grad=param.requires_grad)
        original(module, name, param)

    nn.Module.register_parameter = register_on_meta
    try:
        yield
    finally:
        nn.Module.register_parameter = original


def frozen(*shape) -> nn.Parameter:
    """A parameter that holds checkpoint data and never trains (the values come from a load)."""
    return nn.Parameter(torch.empty(*shape), requires_grad=False)


def swiglu_hidden_dim(dim: int, mlp_ratio: float, multiple_of: int = 256) -> int:
    """Hidden width of MMAudio's SwiGLU: ``round_up(int(2 * int(dim * mlp_ratio) / 3), 256)``."""
    hidden = int(2 * int(dim * mlp_ratio) / 3)
    return multiple_of * ((hidden + multiple_of - 1) // multiple_of)


class ChannelLastConv1d(nn.Conv1d):
    """A Conv1d applied to channel-last input ``[B, N, C]`` (zero padding keeps the length)."""

    def forward(self, x):
        return super().forward(x.transpose(1, 2)).transpose(1, 2)


class SwiGLU(nn.Module):
    """Bias-free SwiGLU ``w2(silu(w1 x) * w3 x)`` with Linear projections."""

    def __init__(self, dim: int, hidden: int):
        super().__init__()
        self.w1 = nn.Linear(dim, hidden, bias=False)
        self.w2 = nn.Linear(hidden, dim, bias=False)
        self.w3 = nn.Linear(dim, hidden, bias=False)

    def forward(self, x):
        return self.w2(F.silu(self.w1(x)) * self.w3(x))


class ConvSwiGLU(nn.Module):
    """Bias-free SwiGLU whose three projections are channel-last convolutions of one kernel size."""

    def __init__(self, dim: int, hidden: int, kernel_size: int):
        super().__init__()
        padding = (kernel_size - 1) // 2
        self.w1 = ChannelLastConv1d(dim, hidden, kernel_size, padding=padding, bias=False)
        self.w2 = ChannelLastConv1d(hidden, dim, kernel_size, padding=padding, bias=False)
        self.w3 = ChannelLastConv1d(dim, hidden, kernel_size, padding=padding, bias=False)

    def forward(self, x):
        return self.w2(F.silu(self.w1(x)) * self.w3(x))


class RMSNorm(nn.Module):
    """RMS normalisation over the last axis with a learnable scale, computed in float32.

    eps is float32's machine epsilon, the default of ``torch.nn.RMSNorm(eps=None)`` that the
    reference uses.
    """

    def __init__(self, dim: int):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.eps = torch.finfo(torch.float32).eps

    def forward(self, x):
        x32 = x.float()
        normed = x32 * torch.rsqrt(x32.pow(2).mean(-1, keepdim=True) + self.eps)
        return normed.to(x.dtype) * self.weight


def attention(q, k, v, scale: float, mask=None):
    """``softmax(q kᵀ · scale + mask) v`` over the last two axes (no dropout)."""
    scores = torch.matmul(q, k.transpose(-2, -1)) * scale
    if mask is not None:
        scores = scores + mask
    return torch.matmul(scores.softmax(dim=-1), v)


class PackedMultiheadAttention(nn.Module):
    """Batch-first multi-head self-attention with ``nn.MultiheadAttention``'s parameter layout.

    ``in_proj_weight`` stacks contiguous ``[Wq; Wk; Wv]`` blocks; heads are contiguous slices of the
    width. Used by CLIP and the Synchformer's aggregation layer, whose checkpoints store this layout.
    """

    def __init__(self, dim: int, num_heads: int):
        super().__init__()
        self.num_heads = num_heads
        self.head_dim = dim // num_heads
        self.in_proj_weight = nn.Parameter(torch.empty(3 * dim, dim))
        self.in_proj_bias = nn.Parameter(torch.empty(3 * dim))
        self.out_proj = nn.Linear(dim, dim)

    def forward(self, x, mask=None):
        n, dim = x.shape[1], x.shape[2]
        qkv = F.linear(x, self.in_proj_weight, self.in_proj_bias)
        qkv = qkv.reshape(-1, n, 3, self.num_heads, self.head_dim).permute(2, 0, 3, 1, 4)
        out = attention(qkv[0], qkv[1], qkv[2], self.head_dim ** -0.5, mask)
        out = out.transpose(1, 2).reshape(-1, n, dim)
        return self.out_proj(out)
