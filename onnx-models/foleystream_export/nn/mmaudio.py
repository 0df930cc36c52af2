"""The MMAudio flow-prediction network (MM-DiT), all five released variants and custom sizes.

Written from model-facts.md section 6. Parameter names and registration order are those of the
official ``MMAudio`` class, so its checkpoints load strictly. The network splits into the
cacheable condition preprocessing (:meth:`MMAudio.preprocess_conditions`) and one velocity
evaluation (:meth:`MMAudio.predict_flow`), the two graphs of a model set.
"""

from typing import NamedTuple

import torch
from torch import nn
from torch.nn import functional as F

from .. import tables
from .layers import ChannelLastConv1d, ConvSwiGLU, RMSNorm, SwiGLU, attention, frozen, swiglu_hidden_dim


class Conditions(NamedTuple):
    """The cached per-window conditions (``PreprocessedConditions`` of the reference)."""

    clip_f: torch.Tensor  # [B, C, D]
    sync_f: torch.Tensor  # [B, L, D], already upsampled to the latent length
    text_f: torch.Tensor  # [B, 77, D]
    clip_c: torch.Tensor  # [B, D]
    text_c: torch.Tensor  # [B, D]


def modulate(x, shift, scale):
    return x * (1 + scale) + shift


def layer_norm(x, dim: int):
    """LayerNorm over the width ``dim`` without affine parameters (eps 1e-5).

    The unit scale and zero shift are passed explicitly: torch 1.13 exports a scale-less
    layer_norm with an empty scale input, which ONNX's LayerNormalization does not allow, and ONNX
    Runtime's graph optimisations crash on an empty (optional) bias input.
    """
    return F.layer_norm(x, (dim,), torch.ones(dim, dtype=x.dtype), torch.zeros(dim, dtype=x.dtype), eps=1e-5)


def apply_rope(x, rot_even, rot_odd):
    """Rotates adjacent channel pairs (2j, 2j+1) of ``x [B, H, N, d]``.

    ``rot_even``/``rot_odd`` are the two columns ``[cos, sin]`` and ``[-sin, cos]`` of the
    reference's ``[1, N, d/2, 2, 2]`` table, which multiply the even and the odd channel.
    """
    x32 = x.float()
    pairs = x32.reshape(*x32.shape[:-1], -1, 1, 2)
    out = rot_even * pairs[..., 0] + rot_odd * pairs[..., 1]
    return out.reshape(x.shape).to(x.dtype)


class SelfAttentionProjections(nn.Module):
    """qkv projection with the interleaved layout, per-head q/k RMSNorm and optional RoPE.

    The qkv output channel ``(h * d_head + d) * 3 + j`` is q (j = 0), k (1) or v (2): the three
    are interleaved innermost, not stacked as contiguous blocks.
    """

    def __init__(self, dim: int, num_heads: int):
        super().__init__()
        self.num_heads = num_heads
        self.head_dim = dim // num_heads
        self.qkv = nn.Linear(dim, dim * 3, bias=True)
        self.q_norm = RMSNorm(self.head_dim)
        self.k_norm = RMSNorm(self.head_dim)

    def forward(self, x, rot=None):
        n = x.shape[1]
        qkv = self.qkv(x).reshape(-1, n, self.num_heads, self.head_dim, 3).permute(4, 0, 2, 1, 3)
        q, k, v = self.q_norm(qkv[0]), self.k_norm(qkv[1]), qkv[2]
        if rot is not None:
            q, k = apply_rope(q, *rot), apply_rope(k, *rot)
        return q, k, v


def merge_heads(x):
    """``[B, H, N, d] -> [B, N, H * d]``, head-major channels."""
    b_h_n_d = x.transpose(1, 2)
    return b_h_n_d.reshape(-1, b_h_n_d.shape[1], b_h_n_d.shape[2] * b_h_n_d.shape[3])


class StreamBlock(nn.Module):
    """One stream of a joint block, or a fused block: adaLN-modulated attention and SwiGLU.

    ``kernel_size`` 1 gives Linear projections (the text stream), 3 channel-last convolutions.
    A ``pre_only`` block (the clip and text streams of the last joint block) only contributes
    keys and values: it has a 2-way adaLN and no output projection or MLP.
    """

    def __init__(self, dim: int, num_heads: int, hidden: int, kernel_size: int, pre_only: bool = False):
        super().__init__()
        self.dim = dim
        self.pre_only = pre_only
        self.attn = SelfAttentionProjections(dim, num_heads)
        if not pre_only:
            if kernel_size == 1:
                self.linear1 = nn.Linear(dim, dim)
                self.ffn = SwiGLU(dim, hidden)
            else:
                self.linear1 = ChannelLastConv1d(dim, dim, kernel_size, padding=(kernel_size - 1) // 2)
                self.ffn = ConvSwiGLU(dim, hidden, kernel_size)
        self.adaLN_modulation = nn.Sequential(nn.SiLU(), nn.Linear(dim, (2 if pre_only else 6) * dim))

    def pre_attention(self, x, c, rot):
        """Returns ``(q, k, v)`` and the modulation chunks the post-attention half needs."""
        mod = self.adaLN_modulation(c)
        shift_msa, scale_msa = mod[..., : self.dim], mod[..., self.dim: 2 * self.dim]
        h = modulate(layer_norm(x, self.dim), shift_msa, scale_msa)
        return self.attn(h, rot), mod

    def post_attention(self, x, attn_out, mod):
        d = self.dim
        gate_msa, shift_mlp, scale_mlp, gate_mlp = (mod[..., i * d: (i + 1) * d] for i in range(2, 6))
        x = x + self.linear1(attn_out) * gate_msa
        r = modulate(layer_norm(x, d), shift_mlp, scale_mlp)
        return x + self.ffn(r) * gate_mlp

    def forward(self, x, c, rot):
        """Single-stream (fused) use: self-attention over ``x`` alone."""
        (q, k, v), mod = self.pre_attention(x, c, rot)
        out = merge_heads(attention(q, k, v, self.attn.head_dim ** -0.5))
        return self.post_attention(x, out, mod)


class JointBlock(nn.Module):
    """Three streams (latent, clip, text) with separate weights sharing one attention.

    The attention runs over the concatenation ``[latent | clip | text]``; the latent stream is
    modulated per token (``extended_c``), clip and text by the global condition. In the last joint
    block (``pre_only``) the clip and text streams are not updated.
    """

    def __init__(self, dim: int, num_heads: int, hidden: int, pre_only: bool):
        super().__init__()
        self.pre_only = pre_only
        self.latent_block = StreamBlock(dim, num_heads, hidden, kernel_size=3)
        self.clip_block = StreamBlock(dim, num_heads, hidden, kernel_size=3, pre_only=pre_only)
        self.text_block = StreamBlock(dim, num_heads, hidden, kernel_size=1, pre_only=pre_only)

    def forward(self, latent, clip_f, text_f, global_c, extended_c, latent_rot, clip_rot):
        x_qkv, x_mod = self.latent_block.pre_attention(latent, extended_c, latent_rot)
        c_qkv, c_mod = self.clip_block.pre_attention(clip_f, global_c, clip_rot)
        t_qkv, t_mod = self.text_block.pre_attention(text_f, global_c, None)
        q, k, v = (torch.cat([x_qkv[i], c_qkv[i], t_qkv[i]], dim=2) for i in range(3))
        out = merge_heads(attention(q, k, v, self.latent_block.attn.head_dim ** -0.5))
        n_latent, n_clip = latent.shape[1], clip_f.shape[1]
        latent = self.latent_block.post_attention(latent, out[:, :n_latent], x_mod)
        if not self.pre_only:
            clip_f = self.clip_block.post_attention(clip_f, out[:, n_latent:n_latent + n_clip], c_mod)
            text_f = self.text_block.post_attention(text_f, out[:, n_latent + n_clip:], t_mod)
        return latent, clip_f, text_f


class TimestepEmbedder(nn.Module):
    """``[cos(t f), sin(t f)]`` (cos first, t in [0, 1], no x1000) followed by a SiLU MLP.

    The frequency table is a float32 constant computed as the reference does
    (:func:`foleystream_export.tables.timestep_frequencies`).
    """

    def __init__(self, dim: int, frequency_size: int, max_period: float):
        super().__init__()
        self.mlp = nn.Sequential(nn.Linear(frequency_size, dim), nn.SiLU(), nn.Linear(dim, dim))
        self.register_buffer("freqs", tables.timestep_frequencies(frequency_size, max_period), persistent=False)

    def forward(self, t):
        args = t[:, None].float() * self.freqs[None]
        embedding = torch.cat([torch.cos(args), torch.sin(args)], dim=-1)
        return self.mlp(embedding.to(self.mlp[0].weight.dtype))


class FinalLayer(nn.Module):
    """adaLN (conditioned on the *global* condition, as the released weights were trained) and a k=7 conv."""

    def __init__(self, dim: int, out_dim: int):
        super().__init__()
        self.dim = dim
        self.adaLN_modulation = nn.Sequential(nn.SiLU(), nn.Linear(dim, 2 * dim))
        self.conv = ChannelLastConv1d(dim, out_dim, kernel_size=7, padding=3)

    def forward(self, x, c):
        mod = self.adaLN_modulation(c)
        d = self.dim
        return self.conv(modulate(layer_norm(x, d), mod[..., :d], mod[..., d:]))


def length_of(x: torch.Tensor, dim: int) -> torch.Tensor:
    """Axis ``dim`` of ``x`` as an int64 0-dim tensor, a run-time value in a traced graph."""
    return torch._shape_as_tensor(x)[dim]


class MMAudio(nn.Module):
    """The flow network. ``(latent_len, clip_len, sync_len)`` are the default lengths (what
    :meth:`empty_conditions` builds); every other method takes the lengths of its inputs, and the
    RoPE tables and the sync upsampling index are computed from them, as the reference's
    ``update_seq_lengths`` recomputes them for a new duration.

    ``v2`` selects the large_44k_v2 differences (SiLU input activations, an extra SiLU in the
    clip/text projections, a D-sized time embedding with frequencies x10000).
    """

    def __init__(self, cfg, latent_len: int, clip_len: int, sync_len: int):
        super().__init__()
        d = cfg.hidden_dim
        hidden = swiglu_hidden_dim(d, cfg.mlp_ratio, cfg.swiglu_multiple_of)
        self.latent_len, self.clip_len, self.sync_len = latent_len, clip_len, sync_len
        self.text_len = cfg.text_len

        self.sync_pos_emb = nn.Parameter(torch.empty(1, 1, 8, cfg.sync_dim))
        self.latent_mean = frozen(1, 1, cfg.latent_dim)
        self.latent_std = frozen(1, 1, cfg.latent_dim)
        self.empty_string_feat = frozen(cfg.text_len, cfg.text_dim)
        self.empty_clip_feat = nn.Parameter(torch.empty(1, cfg.clip_dim))
        self.empty_sync_feat = nn.Parameter(torch.empty(1, cfg.sync_dim))

        act = nn.SiLU if cfg.v2 else nn.SELU
        self.audio_input_proj = nn.Sequential(
            ChannelLastConv1d(cfg.latent_dim, d, kernel_size=7, padding=3), act(), ConvSwiGLU(d, hidden, 7))
        self.clip_input_proj = nn.Sequential(
            nn.Linear(cfg.clip_dim, d), *([nn.SiLU()] if cfg.v2 else []), ConvSwiGLU(d, hidden, 3))
        self.sync_input_proj = nn.Sequential(
            ChannelLastConv1d(cfg.sync_dim, d, kernel_size=7, padding=3), act(), ConvSwiGLU(d, hidden, 3))
        self.text_input_proj = nn.Sequential(
            nn.Linear(cfg.text_dim, d), *([nn.SiLU()] if cfg.v2 else []), SwiGLU(d, hidden))
        self.clip_cond_proj = nn.Linear(d, d)
        self.text_cond_proj = nn.Linear(d, d)
        self.global_cond_mlp = SwiGLU(d, hidden)
        self.final_layer = FinalLayer(d, cfg.latent_dim)
        self.t_embed = TimestepEmbedder(d, d if cfg.v2 else 256, 1 if cfg.v2 else 10000)

        joint = cfg.depth - cfg.fused_depth
        self.joint_blocks = nn.ModuleList(
            [JointBlock(d, cfg.num_heads, hidden, pre_only=(i == joint - 1)) for i in range(joint)])
        self.fused_blocks = nn.ModuleList(
            [StreamBlock(d, cfg.num_heads, hidden, kernel_size=3) for _ in range(cfg.fused_depth)])

        self.head_dim = d // cfg.num_heads

    def preprocess_conditions(self, clip_f, sync_f, text_f, latent_len=None) -> Conditions:
        """Projects raw CLIP ``[B, C, clip_dim]``, sync ``[B, S, sync_dim]`` and text
        ``[B, 77, text_dim]`` features into the cached conditions, the sync features upsampled to
        ``latent_len`` (an int64 0-dim tensor; default: the network's latent length)."""
        if latent_len is None:
            latent_len = torch.tensor(self.latent_len)
        sync_len = length_of(sync_f, 1)
        sync_f = sync_f.reshape(sync_f.shape[0], -1, 8, sync_f.shape[-1]) + self.sync_pos_emb
        sync_f = sync_f.reshape(sync_f.shape[0], -1, sync_f.shape[-1])
        clip_f = self.clip_input_proj(clip_f)
        sync_f = self.sync_input_proj(sync_f)
        text_f = self.text_input_proj(text_f)
        sync_f = torch.index_select(sync_f, 1, tables.nearest_exact_index_of(sync_len, latent_len))
        clip_c = self.clip_cond_proj(clip_f.mean(dim=1))
        text_c = self.text_cond_proj(text_f.mean(dim=1))
        return Conditions(clip_f, sync_f, text_f, clip_c, text_c)

    def empty_conditions(self, batch: int, negative_text_f=None) -> Conditions:
        """Unconditional branch: learned empty clip/sync features and the negative text
        (or the stored ``empty_string_feat``).

        Like the reference, the empty features are preprocessed once (batch 1) and broadcast.
        """
        clip_f = self.empty_clip_feat.expand(1, self.clip_len, -1)
        sync_f = self.empty_sync_feat.expand(1, self.sync_len, -1)
        if negative_text_f is None:
            negative_text_f = self.empty_string_feat.unsqueeze(0)
        conditions = self.preprocess_conditions(clip_f, sync_f, negative_text_f)
        return Conditions(*(c.expand(batch, *c.shape[1:]) for c in conditions))

    def predict_flow(self, x, t, conditions: Conditions):
        """The velocity ``[B, L, latent_dim]`` at latent ``x`` and times ``t [B]``."""
        clip_f, sync_f, text_f, clip_c, text_c = conditions
        latent = self.audio_input_proj(x)
        global_c = self.global_cond_mlp(clip_c + text_c)
        global_c = (self.t_embed(t) + global_c).unsqueeze(1)
        extended_c = global_c + sync_f
        latent_len, clip_len = length_of(x, 1), length_of(clip_f, 1)
        latent_rot = tables.rope_columns(torch.arange(latent_len, dtype=torch.float32), self.head_dim)
        clip_rot = tables.rope_columns(torch.arange(clip_len, dtype=torch.float32), self.head_dim,
                                       latent_len.double() / clip_len.double())
        for block in self.joint_blocks:
            latent, clip_f, text_f = block(latent, clip_f, text_f, global_c, extended_c, latent_rot, clip_rot)
        for block in self.fused_blocks:
            latent = block(latent, extended_c, latent_rot)
        return self.final_layer(latent, global_c)

    def unnormalize(self, x):
        """Maps a sampled (normalised) latent back to the VAE's latent space."""
        return x * self.latent_std + self.latent_mean
