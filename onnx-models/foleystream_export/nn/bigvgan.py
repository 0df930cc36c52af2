"""BigVGAN generators: v1 (MMAudio's 16 kHz vocoder) and v2 (``bigvgan_v2_44khz_128band_512x``).

Written from model-facts.md section 9. Convolutions hold plain (weight-norm folded) weights:
checkpoints store ``weight_g``/``weight_v`` and :mod:`foleystream_export.checkpoints` folds
them at load, as the reference's ``remove_weight_norm()`` does.
"""

import dataclasses
import math

import torch
from torch import nn
from torch.nn import functional as F

from .. import tables

FILTER_TAPS = 12


class SnakeBeta(nn.Module):
    """``x + sin^2(exp(alpha) x) / (exp(beta) + 1e-9)`` per channel (alpha, beta stored as logs)."""

    def __init__(self, channels: int):
        super().__init__()
        self.alpha = nn.Parameter(torch.zeros(channels))
        self.beta = nn.Parameter(torch.zeros(channels))

    def forward(self, x):
        alpha = torch.exp(self.alpha)[None, :, None]
        beta = torch.exp(self.beta)[None, :, None]
        return x + (1.0 / (beta + 1e-9)) * torch.sin(x * alpha).pow(2)


def replicate_pad(x, left: int, right: int):
    """Edge padding along time, spelled as a concatenation (exports to one Concat node)."""
    return torch.cat([x[..., :1]] * left + [x] + [x[..., -1:]] * right, dim=-1)


class AntiAliasFilter(nn.Module):
    """The 12-tap Kaiser-sinc low-pass filter, applied depthwise to ``channels`` channels.

    ``filter`` is the checkpoint's ``[1, 1, 12]`` buffer; ``depthwise`` is the same taps for every
    channel, the weight of the grouped convolution, rebuilt by :meth:`refresh` after a load.
    """

    def __init__(self, channels: int):
        super().__init__()
        self.channels = channels
        self.register_buffer("filter", tables.kaiser_sinc_filter(0.25, 0.3, FILTER_TAPS))
        self.register_buffer("depthwise", self.filter.repeat(channels, 1, 1), persistent=False)

    def refresh(self):
        self.depthwise = self.filter.repeat(self.channels, 1, 1)


class UpSample1d(AntiAliasFilter):
    """x2 upsampling: replicate-pad 5, transposed conv with the low-pass taps (x2), crop 15."""

    def forward(self, x):
        pad = FILTER_TAPS // 2 - 1
        crop = pad * 2 + (FILTER_TAPS - 2) // 2
        x = replicate_pad(x, pad, pad)
        x = 2 * F.conv_transpose1d(x, self.depthwise, stride=2, groups=self.channels)
        return x[..., crop:-crop]


class LowPassFilter1d(AntiAliasFilter):
    def forward(self, x):
        x = replicate_pad(x, FILTER_TAPS // 2 - 1, FILTER_TAPS // 2)
        return F.conv1d(x, self.depthwise, stride=2, groups=self.channels)


class DownSample1d(nn.Module):
    """x2 downsampling: replicate-pad (5, 6), depthwise strided conv with the low-pass taps."""

    def __init__(self, channels: int):
        super().__init__()
        self.lowpass = LowPassFilter1d(channels)

    def forward(self, x):
        return self.lowpass(x)


class Activation1d(nn.Module):
    """Anti-aliased SnakeBeta: upsample x2, activate, downsample x2 (length preserved)."""

    def __init__(self, channels: int):
        super().__init__()
        self.act = SnakeBeta(channels)
        self.upsample = UpSample1d(channels)
        self.downsample = DownSample1d(channels)

    def forward(self, x):
        return self.downsample(self.act(self.upsample(x)))


class AMPBlock1(nn.Module):
    """Three dilated residual pairs: ``x += conv2(act(conv1_d(act(x))))`` for d in the dilations."""

    def __init__(self, channels: int, kernel_size: int, dilations):
        super().__init__()
        self.convs1 = nn.ModuleList([
            nn.Conv1d(channels, channels, kernel_size, dilation=d, padding=d * (kernel_size - 1) // 2)
            for d in dilations])
        self.convs2 = nn.ModuleList([
            nn.Conv1d(channels, channels, kernel_size, padding=(kernel_size - 1) // 2) for _ in dilations])
        self.activations = nn.ModuleList([Activation1d(channels) for _ in range(2 * len(dilations))])

    def forward(self, x):
        for n, (conv1, conv2) in enumerate(zip(self.convs1, self.convs2)):
            t = conv2(self.activations[2 * n + 1](conv1(self.activations[2 * n](x))))
            x = x + t
        return x


class BigVGAN(nn.Module):
    """Log-mel ``[B, n_mels, T]`` -> waveform ``[B, 1, T * prod(upsample_rates)]``.

    v1 ends with a biased conv_post and tanh; v2 with a bias-free conv_post and a clamp to [-1, 1].
    """

    def __init__(self, cfg):
        super().__init__()
        self.final_tanh = cfg.final_tanh
        ch = cfg.upsample_initial_channel
        self.conv_pre = nn.Conv1d(cfg.num_mels, ch, 7, padding=3)
        self.ups = nn.ModuleList()
        for i, (rate, kernel) in enumerate(zip(cfg.upsample_rates, cfg.upsample_kernel_sizes)):
            c_in = ch // 2 ** i
            self.ups.append(nn.ModuleList([
                nn.ConvTranspose1d(c_in, c_in // 2, kernel, stride=rate, padding=(kernel - rate) // 2)]))
        self.kernels = len(cfg.resblock_kernel_sizes)
        self.resblocks = nn.ModuleList([
            AMPBlock1(ch // 2 ** (i + 1), k, d)
            for i in range(len(self.ups))
            for k, d in zip(cfg.resblock_kernel_sizes, cfg.resblock_dilation_sizes)])
        last = ch // 2 ** len(self.ups)
        self.activation_post = Activation1d(last)
        self.conv_post = nn.Conv1d(last, 1, 7, padding=3, bias=cfg.final_bias)

    def refresh_filters(self):
        """Rebuilds every per-channel filter from the loaded ``filter`` buffers."""
        for module in self.modules():
            if isinstance(module, AntiAliasFilter):
                module.refresh()

    def forward(self, mel):
        x = self.pre_output(mel)
        return torch.tanh(x) if self.final_tanh else x.clamp(-1.0, 1.0)

    def pre_output(self, mel):
        """Everything before the final tanh or clamp, whose saturation would hide a dependency."""
        x = self.conv_pre(mel)
        for i, up in enumerate(self.ups):
            x = up[0](x)
            blocks = self.resblocks[i * self.kernels:(i + 1) * self.kernels]
            total = blocks[0](x)
            for block in blocks[1:]:
                total = total + block(x)
            x = total / self.kernels
        return self.conv_post(self.activation_post(x))


def context_mel_frames(cfg) -> int:
    """How many mel frames before a stretch of output a vocoder of this structure must see for
    that stretch to come out as it does inside a longer mel: the one-sided reach of its
    convolutions, transposed convolutions and anti-aliasing filters, in whole frames, plus one.

    Found by propagating the support of one input frame rather than by summing each layer's reach
    by hand: on a float64 copy of the structure (narrowed to a few channels: widths do not change
    which inputs an output depends on) whose weights and filter taps are all positive, whose
    biases are zero and whose SnakeBeta activations are the identity up to 1e-300, every value is
    non-negative and a value is positive exactly where it depends on that frame, however small
    its share. The mel is lengthened until the support stays clear of both ends."""
    narrow = dataclasses.replace(cfg, upsample_initial_channel=2 ** (len(cfg.upsample_rates) + 1))
    hop = math.prod(cfg.upsample_rates)
    model = BigVGAN(narrow).double().eval()
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, (nn.Conv1d, nn.ConvTranspose1d)):
                # Averaging weights keep the values in float64's range through the whole stack.
                module.weight.fill_(1.0 / module.weight[0].numel())
                if module.bias is not None:
                    module.bias.zero_()
            elif isinstance(module, SnakeBeta):
                module.beta.fill_(700.0)
            elif isinstance(module, AntiAliasFilter):
                module.filter.fill_(1.0 / FILTER_TAPS)
                module.refresh()
        frames = 32
        while True:
            mel = torch.zeros(1, cfg.num_mels, frames, dtype=torch.float64)
            mel[..., frames // 2] = 1.0
            where = torch.nonzero(model.pre_output(mel)[0, 0] > 0).flatten()
            first, last = int(where[0]), int(where[-1])
            if first > 0 and last < frames * hop - 1:
                break
            frames *= 2
    reach = max(frames // 2 * hop - first, last - (frames // 2 + 1) * hop + 1)
    return -(-reach // hop) + 1


def weight_norm_modules(model: BigVGAN):
    """Names of the convolutions the checkpoint stores with weight norm, in checkpoint order."""
    return [name for name, module in model.named_modules() if isinstance(module, (nn.Conv1d, nn.ConvTranspose1d))]


def fold_weight_norm(g: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """``g * v / ||v||`` with the norm over every axis but 0 (for ConvTranspose1d, axis 0 is the
    input channel), in float32."""
    g, v = g.float(), v.float()
    # The kernel the reference's remove_weight_norm() runs: bit-identical folded weights.
    return torch._weight_norm(v, g, 0)
