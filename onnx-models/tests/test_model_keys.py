"""For every full-size configuration, our modules' checkpoint tables (names, shapes, order) equal
the official ones in ../shared/model-keys; the modules are built on the meta device, so this
needs no memory."""

import json

import pytest

from foleystream_export import checkpoints, config, tables
from foleystream_export.nn.layers import empty_parameters
from foleystream_export.nn.mmaudio import MMAudio


def official(model_keys, name):
    data = json.loads((model_keys / f"{name}.json").read_text())
    return data, [(k["name"], tuple(k["shape"])) for k in data["keys"]]


@pytest.mark.parametrize("variant", config.RELEASED_VARIANTS)
def test_network_table(model_keys, variant):
    data, expected = official(model_keys, f"mmaudio_{variant}")
    fmt = checkpoints.formats(config.builtin(variant))["network"]
    table = fmt.table()
    assert table == expected
    assert sum(_numel(shape) for _, shape in table) == data["param_count"] == data["state_dict_numel"]


@pytest.mark.parametrize("variant", config.RELEASED_VARIANTS)
def test_network_derived_tables_have_the_official_shapes(model_keys, variant):
    data, _ = official(model_keys, f"mmaudio_{variant}")
    buffers = {b["name"]: tuple(b["shape"]) for b in data["non_persistent_buffers_not_in_state_dict"]}
    cfg = config.builtin(variant)
    seq, head_dim = cfg.sequence, cfg.network.hidden_dim // cfg.network.num_heads
    assert tuple(tables.rope_rotations(seq.latent_len, head_dim).shape) == buffers["latent_rot"]
    assert tuple(tables.rope_rotations(seq.clip_len, head_dim).shape) == buffers["clip_rot"]
    with empty_parameters():
        net = MMAudio(cfg.network, seq.latent_len, seq.clip_len, seq.sync_len)
    assert tuple(net.t_embed.freqs.shape) == buffers["t_embed.freqs"]
    assert all(p.device.type == "meta" for p in net.parameters())


@pytest.mark.parametrize("component, variant, name", [
    ("clip", "small_16k", "clip_dfn5b_vit_h_14_378"),
    ("synchformer", "small_16k", "synchformer"),
    ("vae", "small_16k", "vae_16k"),
    ("vae", "large_44k_v2", "vae_44k"),
    ("vocoder", "small_16k", "bigvgan_v1_16k"),
    ("vocoder", "large_44k_v2", "bigvgan_v2_44k_128band_512x"),
])
def test_external_component_table(model_keys, component, variant, name):
    data, expected = official(model_keys, name)
    table = checkpoints.formats(config.builtin(variant))[component].table()
    assert table == expected
    assert sum(_numel(shape) for _, shape in table) == data["state_dict_numel"]


@pytest.mark.parametrize("variant", config.RELEASED_VARIANTS)
def test_every_variant_uses_the_same_external_tables_per_rate(variant):
    """The 44.1 kHz variants share VAE, vocoder, CLIP and Synchformer layouts; 16 kHz differs only in VAE and vocoder."""
    formats = checkpoints.formats(config.builtin(variant))
    reference = checkpoints.formats(config.builtin("large_44k_v2" if "44k" in variant else "small_16k"))
    for component in ("clip", "synchformer", "vae", "vocoder"):
        assert formats[component].table() == reference[component].table()


def _numel(shape):
    n = 1
    for s in shape:
        n *= s
    return n
