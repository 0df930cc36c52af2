"""The Synchformer visual feature extractor (MotionFormer ``divided_224_16x4``, feature mode).

Written from model-facts.md section 5. Only the ``vfeat_extractor.*`` part of the Synchformer
checkpoint is used; its names are kept (with that prefix) so the subset loads strictly.
Per segment of 16 frames it yields 8 vectors, one per temporal patch of 2 frames.
"""

import torch
from torch import nn
from torch.nn import functional as F

from .layers import PackedMultiheadAttention, attention

LN_EPS = 1e-6


class PatchEmbed(nn.Module):
    """Holds a patch-embedding convolution (the checkpoint's names ``*.proj.{weight,bias}``)."""

    def __init__(self, conv: nn.Module):
        super().__init__()
        self.proj = conv

    def forward(self, x):
        return self.proj(x)


class DividedAttention(nn.Module):
    """Time or space attention of a divided space-time block.

    The class token attends to every token. Patch tokens are grouped (by spatial position for
    time attention, by frame for space attention) and each group attends to the class token and
    its own members. q is scaled by ``d_head^-0.5`` before the dot products; qkv is the standard
    contiguous ``[q | k | v]`` layout.
    """

    def __init__(self, dim: int, num_heads: int, over_time: bool):
        super().__init__()
        self.num_heads = num_heads
        self.head_dim = dim // num_heads
        self.over_time = over_time
        self.qkv = nn.Linear(dim, dim * 3)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x, frames: int, positions: int):
        n, dim = x.shape[1], x.shape[2]
        qkv = self.qkv(x).reshape(-1, n, 3, self.num_heads, self.head_dim).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0] * self.head_dim ** -0.5, qkv[1], qkv[2]  # [B, H, N, d]
        cls_out = attention(q[:, :, :1], k, v, 1.0)

        def grouped(t):  # [B, H, T*P, d] -> [B, H, groups, members, d]
            t = t[:, :, 1:].reshape(-1, self.num_heads, frames, positions, self.head_dim)
            return t.transpose(2, 3) if self.over_time else t

        q_, k_, v_ = grouped(q), grouped(k), grouped(v)
        groups, members = q_.shape[2], q_.shape[3]
        k_ = torch.cat([k[:, :, None, :1].expand(-1, -1, groups, 1, -1), k_], dim=3)
        v_ = torch.cat([v[:, :, None, :1].expand(-1, -1, groups, 1, -1), v_], dim=3)
        out = attention(q_, k_, v_, 1.0)
        if self.over_time:
            out = out.transpose(2, 3)
        out = out.reshape(-1, self.num_heads, groups * members, self.head_dim)
        out = torch.cat([cls_out, out], dim=2).transpose(1, 2).reshape(-1, n, dim)
        return self.proj(out)


class Mlp(nn.Module):
    def __init__(self, dim: int, hidden: int):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(F.gelu(self.fc1(x)))


class DividedBlock(nn.Module):
    """Time attention (after ``norm3``), then space attention (after ``norm1``), then the MLP."""

    def __init__(self, dim: int, num_heads: int, mlp_ratio: float):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=LN_EPS)
        self.attn = DividedAttention(dim, num_heads, over_time=False)
        self.timeattn = DividedAttention(dim, num_heads, over_time=True)
        self.norm2 = nn.LayerNorm(dim, eps=LN_EPS)
        self.mlp = Mlp(dim, int(dim * mlp_ratio))
        self.norm3 = nn.LayerNorm(dim, eps=LN_EPS)

    def forward(self, x, frames: int, positions: int):
        x = x + self.timeattn(self.norm3(x), frames, positions)
        x = x + self.attn(self.norm1(x), frames, positions)
        return x + self.mlp(self.norm2(x))


class SpatialAggregation(nn.Module):
    """A norm-first ``nn.TransformerEncoderLayer`` (exact GELU, eps 1e-6) with its own class token;
    its class-token output summarises one temporal index."""

    def __init__(self, dim: int, num_heads: int, mlp_ratio: float):
        super().__init__()
        self.cls_token = nn.Parameter(torch.empty(1, 1, dim))
        self.self_attn = PackedMultiheadAttention(dim, num_heads)
        self.linear1 = nn.Linear(dim, int(dim * mlp_ratio))
        self.linear2 = nn.Linear(int(dim * mlp_ratio), dim)
        self.norm1 = nn.LayerNorm(dim, eps=LN_EPS)
        self.norm2 = nn.LayerNorm(dim, eps=LN_EPS)

    def forward(self, x):
        x = torch.cat([self.cls_token.expand(x.shape[0], 1, x.shape[2]), x], dim=1)
        x = x + self.self_attn(self.norm1(x))
        x = x + self.linear2(F.gelu(self.linear1(self.norm2(x))))
        return x[:, 0]


class VisualFeatureExtractor(nn.Module):
    """One segment ``[B, 3, T, H, W]`` in [-1, 1] -> ``[B, T / tubelet, dim]``."""

    def __init__(self, cfg):
        super().__init__()
        dim, patch = cfg.embed_dim, cfg.patch_size
        self.grid, self.time_tokens = cfg.grid, cfg.time_tokens
        self.cls_token = nn.Parameter(torch.empty(1, 1, dim))
        self.pos_embed = nn.Parameter(torch.empty(1, cfg.grid ** 2 + 1, dim))
        self.temp_embed = nn.Parameter(torch.empty(1, cfg.time_tokens, dim))
        # The 2-D stem is never used in this mode, but the checkpoint has it and the load is strict.
        self.patch_embed = PatchEmbed(nn.Conv2d(3, dim, patch, stride=patch))
        self.patch_embed_3d = PatchEmbed(
            nn.Conv3d(3, dim, (cfg.tubelet, patch, patch), stride=(cfg.tubelet, patch, patch)))
        self.blocks = nn.ModuleList([DividedBlock(dim, cfg.num_heads, cfg.mlp_ratio) for _ in range(cfg.depth)])
        self.norm = nn.LayerNorm(dim, eps=LN_EPS)
        self.spatial_attn_agg = SpatialAggregation(dim, cfg.num_heads, cfg.mlp_ratio)

    def forward(self, x):
        positions = self.grid ** 2
        x = self.patch_embed_3d(x).flatten(2).transpose(1, 2)  # [B, T*P, D], (t, h, w) order
        dim = x.shape[2]
        patch_pos = self.pos_embed[:, 1:].repeat(1, self.time_tokens, 1)
        time_pos = self.temp_embed.repeat_interleave(positions, dim=1)
        pos = torch.cat([self.pos_embed[:, :1], patch_pos + time_pos], dim=1)
        x = torch.cat([self.cls_token.expand(x.shape[0], 1, dim), x], dim=1) + pos
        for block in self.blocks:
            x = block(x, self.time_tokens, positions)
        x = self.norm(x)[:, 1:]
        x = x.reshape(-1, positions, dim)  # one row per (segment, temporal index)
        return self.spatial_attn_agg(x).reshape(-1, self.time_tokens, dim)


class Synchformer(nn.Module):
    """Segments ``[S, 16, 3, 224, 224]`` (frame-major, in [-1, 1]) -> features ``[S, 8, dim]``."""

    def __init__(self, cfg):
        super().__init__()
        self.vfeat_extractor = VisualFeatureExtractor(cfg)

    def forward(self, segments):
        return self.vfeat_extractor(segments.permute(0, 2, 1, 3, 4))
