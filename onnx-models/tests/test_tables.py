"""The tables the graphs compute equal what the reference computes."""

import json

import numpy as np
import pytest
import torch
from torch.nn import functional as F

from foleystream_export import tables


NETWORKS = ["mmaudio_v1_tiny", "mmaudio_v2_tiny"]
HEAD_DIM = 64  # every MMAudio network (model-facts.md)


def network_kwargs(parity, name) -> dict:
    return json.loads((parity / name / "config.json").read_text())["MMAudio_kwargs"]


@pytest.mark.parametrize("name", NETWORKS)
def test_rope_tables_are_bit_identical_to_the_reference(parity, name):
    kw = network_kwargs(parity, name)
    latent, clip = kw["latent_seq_len"], kw["clip_seq_len"]
    assert kw["hidden_dim"] // kw["num_heads"] == HEAD_DIM
    np.testing.assert_array_equal(tables.rope_rotations(latent, HEAD_DIM).numpy(),
                                  np.load(parity / name / "derived_latent_rot.npy"))
    np.testing.assert_array_equal(tables.rope_rotations(clip, HEAD_DIM, latent / clip).numpy(),
                                  np.load(parity / name / "derived_clip_rot.npy"))


@pytest.mark.parametrize("name", NETWORKS)
def test_timestep_frequencies_are_torchs_float32_table(parity, name):
    kw = network_kwargs(parity, name)
    size, max_period = (kw["hidden_dim"], 1) if kw["v2"] else (256, 10000)
    np.testing.assert_array_equal(tables.timestep_frequencies(size, max_period).numpy(),
                                  np.load(parity / name / "derived_t_embed_freqs.npy"))


@pytest.mark.parametrize("latent, clip", [(250, 64), (345, 64), (79, 20), (188, 48), (313, 80), (41, 8)])
def test_run_time_rope_columns_equal_the_tables(latent, clip):
    """What the graphs compute from their lengths equals the reference's tables bit for bit."""
    for length, scaling, reference in ((latent, None, tables.rope_rotations(latent, HEAD_DIM)),
                                       (clip, torch.tensor(latent, dtype=torch.float64) / clip,
                                        tables.rope_rotations(clip, HEAD_DIM, latent / clip))):
        even, odd = tables.rope_columns(torch.arange(length, dtype=torch.float32), HEAD_DIM, scaling)
        assert torch.equal(even, reference[..., 0]) and torch.equal(odd, reference[..., 1])


@pytest.mark.parametrize("source, target", [(192, 250), (192, 345), (48, 79), (136, 188), (240, 313), (16, 41)])
def test_run_time_sync_index_equals_the_table(source, target):
    index = tables.nearest_exact_index_of(torch.tensor(source), torch.tensor(target))
    np.testing.assert_array_equal(index.numpy(), tables.nearest_exact_index(source, target))


def test_timestep_frequencies_match_the_documented_end_points():
    v1, v2 = tables.timestep_frequencies(256, 10000), tables.timestep_frequencies(896, 1)
    assert v1[0] == 1.0 and v1[127].item() == pytest.approx(1.0746078e-4, rel=1e-6)
    assert v2[0] == 10000.0 and v2[1].item() == pytest.approx(9796.511, rel=1e-6)
    assert v2[447].item() == pytest.approx(1.0207715, rel=1e-6)


@pytest.mark.parametrize("name", NETWORKS)
def test_sync_index_matches_the_reference(parity, name):
    kw = network_kwargs(parity, name)
    np.testing.assert_array_equal(tables.nearest_exact_index(kw["sync_seq_len"], kw["latent_seq_len"]),
                                  np.load(parity / name / "derived_sync_upsample_index.npy"))


def test_sync_index_keeps_the_float32_quirk_at_full_size():
    index = tables.nearest_exact_index(192, 345)
    assert index[57] == 31 and index[172] == 95  # float64 arithmetic gives 32 and 96
    assert index[:20].tolist() == [0, 0, 1, 1, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 8, 8, 9, 9, 10, 10]
    assert index[-5:].tolist() == [189, 190, 190, 191, 191]
    assert tables.nearest_exact_index(192, 250)[:10].tolist() == [0, 1, 1, 2, 3, 4, 4, 5, 6, 7]


@pytest.mark.parametrize("source, target", [(192, 345), (192, 250), (16, 41), (240, 431), (112, 216)])
def test_sync_index_equals_torch_nearest_exact(source, target):
    ramp = torch.arange(source, dtype=torch.float32)[None, None]
    expected = F.interpolate(ramp, size=target, mode="nearest-exact")[0, 0].long().numpy()
    np.testing.assert_array_equal(tables.nearest_exact_index(source, target), expected)


@pytest.mark.parametrize("name", NETWORKS)
def test_euler_grid_is_float32_linspace(parity, name):
    steps = json.loads((parity / name / "config.json").read_text())["num_steps"]
    np.testing.assert_array_equal(tables.euler_time_grid(steps).numpy(),
                                  np.load(parity / name / "derived_euler_t.npy"))
    assert tables.euler_time_grid(25)[1].item() == 0.03999999910593033


def test_kaiser_filter_has_the_documented_taps():
    taps = tables.kaiser_sinc_filter(0.25, 0.3, 12).flatten().tolist()
    expected = [0.0020289647, 0.0093894657, -0.0255434588, -0.0576573834, 0.1285725832, 0.4432097971]
    np.testing.assert_allclose(taps, expected + expected[::-1], rtol=1e-6)


def test_kaiser_filter_equals_the_checkpoint_buffers(parity):
    state = torch.load(parity / "bigvgan_v2_tiny" / "checkpoint.pth")
    reference = state["activation_post.upsample.filter"]
    assert torch.equal(tables.kaiser_sinc_filter(0.25, 0.3, 12), reference)
