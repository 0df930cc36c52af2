"""The vocoder context the manifest declares: a vocoder run on the end of a mel, starting that many
frames early, renders the end exactly as a run on the whole mel does; with much less it does not."""

import dataclasses
import math

import pytest
import torch

from foleystream_export import config
from foleystream_export.nn import bigvgan


def narrow(cfg):
    """The variant's vocoder structure with few channels: the same reach, a fraction of the cost."""
    return dataclasses.replace(cfg.vocoder, upsample_initial_channel=2 ** (len(cfg.vocoder.upsample_rates) + 2))


@pytest.mark.parametrize("variant", ["tiny", "small_16k", "small_44k", "large_44k_v2"])
def test_end_of_a_mel_rendered_from_its_context(variant):
    structure = narrow(config.builtin(variant))
    context = bigvgan.context_mel_frames(structure)
    hop = math.prod(structure.upsample_rates)
    generator = torch.Generator().manual_seed(3)
    with torch.random.fork_rng():
        torch.manual_seed(1)
        model = bigvgan.BigVGAN(structure).eval()
    mel = torch.randn(1, structure.num_mels, 6 * context, generator=generator)
    start = 4 * context
    with torch.no_grad():
        whole = model(mel)[0, 0, start * hop:]

        def end_from(first):
            return model(mel[..., first:])[0, 0, (start - first) * hop:]

        exact = (end_from(start - context) - whole).abs().max().item()
        short = (end_from(start - context // 4) - whole).abs().max().item()
    scale = whole.abs().max().item()
    assert exact <= 1e-5 * scale, f"{variant}: {context} frames of context leave {exact / scale:.2e}"
    assert short > 1e-3 * scale, f"{variant}: a quarter of the context already renders the end"


def test_context_is_a_property_of_the_structure_not_the_widths():
    cfg = config.builtin("small_16k").vocoder
    assert bigvgan.context_mel_frames(cfg) == bigvgan.context_mel_frames(narrow(config.builtin("small_16k")))
