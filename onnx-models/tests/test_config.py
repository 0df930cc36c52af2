"""Configurations: the sequence arithmetic of model-facts.md section 2, and clear errors for
sizes that do not fit together."""

import json
import re

import pytest

from foleystream_export import config
from foleystream_export.nn.layers import swiglu_hidden_dim


@pytest.mark.parametrize("duration, rate, hop, expected", [
    (8.0, 16000, 256, (250, 64, 192, 128000)), (8.0, 44100, 512, (345, 64, 192, 353280)),
    (10.0, 16000, 256, (313, 80, 240, 160256)), (10.0, 44100, 512, (431, 80, 240, 441344)),
    (5.0, 16000, 256, (157, 40, 112, 80384)), (5.0, 44100, 512, (216, 40, 112, 221184)),
    (4.2, 16000, 256, (132, 33, 96, 67584)), (4.2, 44100, 512, (181, 33, 96, 185344)),
])
def test_sequence_lengths(duration, rate, hop, expected):
    seq = config.SequenceConfig(duration_s=duration, sample_rate=rate, hop=hop)
    assert (seq.latent_len, seq.clip_len, seq.sync_len, seq.samples) == expected


def test_swiglu_widths():
    assert swiglu_hidden_dim(448, 4.0) == 1280 and swiglu_hidden_dim(896, 4.0) == 2560
    assert swiglu_hidden_dim(64, 4.0) == 256 and swiglu_hidden_dim(32, 4.0, 32) == 96


@pytest.mark.parametrize("variant", config.RELEASED_VARIANTS + ("tiny",))
def test_builtin_variants_are_consistent(variant):
    cfg = config.builtin(variant)
    assert cfg.variant == variant
    assert config.from_dict(cfg.to_dict()) == cfg


def test_released_variants_name_their_checkpoints():
    assert config.builtin("small_16k").checkpoints.vocoder == "best_netG.pt"
    assert config.builtin("large_44k_v2").checkpoints.network == "mmaudio_large_44k_v2.pth"
    assert config.builtin("tiny").checkpoints is None


def _tiny_dict():
    return json.loads((config.VARIANTS_DIR / "tiny.json").read_text())


@pytest.mark.parametrize("edit, message", [
    (lambda d: d["network"].update(text_dim=24), "network.text_dim 24 != clip.text.width 16"),
    (lambda d: d["network"].update(latent_dim=8), "network.latent_dim 8 != vae.embed_dim 20"),
    (lambda d: d["vocoder"].update(upsample_rates=[4, 4, 2, 2, 2, 4]), "vocoder upsampling x512 != sequence.hop 256"),
    (lambda d: d.update(bpe_merges=100), "100 BPE merges give 614 tokens, clip.text.vocab_size is 4514"),
    (lambda d: d["clip"]["vision"].update(image_size=336), "CLIP frames of 384 px give a 27-patch grid, the positional table fits 24"),
    (lambda d: d["network"].update(colour="red"), "network: unknown key(s) ['colour']"),
    (lambda d: d.pop("vae"), "missing section 'vae'"),
    (lambda d: d["network"].update(fused_depth=3), "at least one joint block"),
])
def test_inconsistent_configurations_are_rejected(edit, message):
    data = _tiny_dict()
    edit(data)
    with pytest.raises(config.ConfigError, match=re.escape(message)):
        config.from_dict(data)


def test_custom_configuration_file_resolves_its_vocabulary(tmp_path):
    data = _tiny_dict()
    data["variant"] = "my_tiny"
    (tmp_path / "custom.json").write_text(json.dumps(data))
    (tmp_path / "tiny_bpe.txt.gz").write_bytes((config.VARIANTS_DIR / "tiny_bpe.txt.gz").read_bytes())
    cfg = config.load(tmp_path / "custom.json")
    assert cfg.variant == "my_tiny" and cfg.bpe_path == tmp_path / "tiny_bpe.txt.gz"
    assert "source_dir" not in cfg.to_dict()


def test_unknown_variant():
    with pytest.raises(config.ConfigError, match="unknown variant 'huge'"):
        config.builtin("huge")
