"""CLIP (open_clip layout) as MMAudio uses it: DFN5B ViT-H/14 image tower and text tower.

Written from model-facts.md section 4. Parameter names are open_clip's, so
``open_clip_pytorch_model.bin`` loads strictly. The image tower pools the class token, projects
and L2-normalises; the text tower returns per-token features after ``ln_final``, L2-normalised
per token, with no pooling and no ``text_projection`` (MMAudio's patched ``encode_text``).
"""

from collections import OrderedDict

import torch
from torch import nn
from torch.nn import functional as F

from .layers import PackedMultiheadAttention


class QuickGELU(nn.Module):
    """``x * sigmoid(1.702 x)``: the activation DFN5B was trained with (not erf-GELU)."""

    def forward(self, x):
        return x * torch.sigmoid(1.702 * x)


class ResidualAttentionBlock(nn.Module):
    """Pre-LN transformer block: ``x += attn(ln_1(x)); x += mlp(ln_2(x))``."""

    def __init__(self, width: int, heads: int, mlp_ratio: float, quick_gelu: bool):
        super().__init__()
        hidden = int(width * mlp_ratio)
        self.ln_1 = nn.LayerNorm(width)
        self.attn = PackedMultiheadAttention(width, heads)
        self.ln_2 = nn.LayerNorm(width)
        self.mlp = nn.Sequential(OrderedDict([
            ("c_fc", nn.Linear(width, hidden)),
            ("gelu", QuickGELU() if quick_gelu else nn.GELU()),
            ("c_proj", nn.Linear(hidden, width)),
        ]))

    def forward(self, x, mask=None):
        x = x + self.attn(self.ln_1(x), mask)
        return x + self.mlp(self.ln_2(x))


class Transformer(nn.Module):
    def __init__(self, width: int, layers: int, heads: int, mlp_ratio: float, quick_gelu: bool):
        super().__init__()
        self.resblocks = nn.ModuleList(
            [ResidualAttentionBlock(width, heads, mlp_ratio, quick_gelu) for _ in range(layers)])

    def forward(self, x, mask=None):
        for block in self.resblocks:
            x = block(x, mask)
        return x


class VisionTransformer(nn.Module):
    """Patch-14 ViT with class-token pooling and a bias-free projection.

    Frames larger than ``grid * patch`` (384 for the 378 model) lose their last rows and
    columns to the stride: the positional table always fits the grid, nothing is interpolated.
    """

    def __init__(self, vision, embed_dim: int, quick_gelu: bool):
        super().__init__()
        width = vision.width
        self.class_embedding = nn.Parameter(torch.empty(width))
        self.positional_embedding = nn.Parameter(torch.empty(vision.grid ** 2 + 1, width))
        self.proj = nn.Parameter(torch.empty(width, embed_dim))
        self.conv1 = nn.Conv2d(3, width, kernel_size=vision.patch_size, stride=vision.patch_size, bias=False)
        self.ln_pre = nn.LayerNorm(width)
        self.transformer = Transformer(width, vision.layers, vision.heads, vision.mlp_ratio, quick_gelu)
        self.ln_post = nn.LayerNorm(width)

    def forward(self, frames):
        x = self.conv1(frames)
        x = x.flatten(2).transpose(1, 2)
        cls = self.class_embedding.reshape(1, 1, -1).expand(x.shape[0], 1, x.shape[2])
        x = torch.cat([cls, x], dim=1) + self.positional_embedding
        x = self.transformer(self.ln_pre(x))
        x = self.ln_post(x)
        return x[:, 0] @ self.proj


class ClipImageTower(nn.Module):
    """Normalised frames ``[N, 3, H, W]`` -> L2-normalised embeddings ``[N, embed_dim]``."""

    def __init__(self, visual: VisionTransformer):
        super().__init__()
        self.visual = visual

    def forward(self, frames):
        return F.normalize(self.visual(frames), dim=-1)


class ClipTextTower(nn.Module):
    """Token ids ``[B, 77]`` -> per-token features ``[B, 77, width]``, L2-normalised per token.

    Causal attention (each position sees itself and what precedes it); every position is
    returned, padding included, exactly as MMAudio consumes them. Shares its parameters with the
    :class:`Clip` it comes from.
    """

    def __init__(self, token_embedding, positional_embedding, transformer, ln_final):
        super().__init__()
        self.token_embedding = token_embedding
        self.positional_embedding = positional_embedding
        self.transformer = transformer
        self.ln_final = ln_final
        n = positional_embedding.shape[0]
        self.register_buffer("causal_mask", torch.full((n, n), float("-inf")).triu(1), persistent=False)

    def forward(self, tokens):
        x = self.token_embedding(tokens) + self.positional_embedding
        x = self.transformer(x, self.causal_mask)
        return F.normalize(self.ln_final(x), dim=-1)


class Clip(nn.Module):
    """The whole open_clip ``CLIP`` state-dict layout (686 tensors for DFN5B ViT-H/14).

    ``text_projection`` and ``logit_scale`` are part of the checkpoint and must load, but MMAudio
    uses neither.
    """

    def __init__(self, cfg):
        super().__init__()
        text = cfg.text
        self.positional_embedding = nn.Parameter(torch.empty(text.context_length, text.width))
        self.text_projection = nn.Parameter(torch.empty(text.width, cfg.embed_dim))
        self.logit_scale = nn.Parameter(torch.empty(()))
        self.visual = VisionTransformer(cfg.vision, cfg.embed_dim, cfg.quick_gelu)
        self.transformer = Transformer(text.width, text.layers, text.heads, text.mlp_ratio, cfg.quick_gelu)
        self.token_embedding = nn.Embedding(text.vocab_size, text.width)
        self.ln_final = nn.LayerNorm(text.width)

    def image_tower(self) -> ClipImageTower:
        return ClipImageTower(self.visual)

    def text_tower(self) -> ClipTextTower:
        return ClipTextTower(self.token_embedding, self.positional_embedding, self.transformer, self.ln_final)
