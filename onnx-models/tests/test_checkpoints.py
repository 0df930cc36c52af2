"""Strict checkpoint loading: clear errors naming the first wrong key and its shape, and the
alternative layouts the reference loaders accept."""

import re

import pytest
import torch

from foleystream_export import checkpoints, config, exporter
from foleystream_export.__main__ import main


@pytest.fixture(scope="module")
def tiny():
    return config.builtin("tiny")


@pytest.fixture(scope="module")
def network_checkpoint(tiny):
    return checkpoints.random_checkpoint(checkpoints.NetworkFormat(tiny), seed=3)


def test_random_checkpoint_loads(tiny, network_checkpoint):
    fmt = checkpoints.NetworkFormat(tiny)
    net = checkpoints.instantiate(fmt, checkpoints.load(fmt, network_checkpoint, "ok"))
    assert not any(p.device.type == "meta" for p in net.parameters())


def test_missing_key_is_named_with_its_shape(tiny, network_checkpoint):
    broken = dict(network_checkpoint)
    del broken["joint_blocks.1.clip_block.attn.qkv.weight"]
    with pytest.raises(checkpoints.CheckpointError,
                       match=re.escape("missing key 'joint_blocks.1.clip_block.attn.qkv.weight' (expected shape [96, 32])")):
        checkpoints.load(checkpoints.NetworkFormat(tiny), broken, "net.pth")


def test_unexpected_key_is_named(tiny, network_checkpoint):
    broken = dict(network_checkpoint, **{"joint_blocks.9.extra.weight": torch.zeros(3, 4)})
    with pytest.raises(checkpoints.CheckpointError,
                       match=re.escape("net.pth: unexpected key 'joint_blocks.9.extra.weight' (shape [3, 4])")):
        checkpoints.load(checkpoints.NetworkFormat(tiny), broken, "net.pth")


def test_wrong_shape_names_both_shapes_and_counts_the_rest(tiny, network_checkpoint):
    broken = dict(network_checkpoint)
    broken["latent_mean"] = torch.zeros(1, 1, 40)
    broken["latent_std"] = torch.zeros(1, 1, 40)
    with pytest.raises(checkpoints.CheckpointError) as error:
        checkpoints.load(checkpoints.NetworkFormat(tiny), broken, "net.pth")
    assert str(error.value) == ("net.pth: wrong shape for 'latent_mean': the checkpoint has [1, 1, 40], "
                                "expected [1, 1, 20] (and 1 more problem(s))")


def test_a_checkpoint_of_another_variant_is_rejected():
    small = checkpoints.random_checkpoint(checkpoints.NetworkFormat(config.builtin("small_16k")), seed=0,
                                          names=["sync_pos_emb", "latent_mean"])
    with pytest.raises(checkpoints.CheckpointError, match="wrong shape for 'latent_mean'.*expected \\[1, 1, 40\\]"):
        checkpoints.check_table(checkpoints.NetworkFormat(config.builtin("large_44k_v2")).table(), small, "small")


def test_network_drops_the_buffers_the_reference_drops(tiny, network_checkpoint):
    extra = dict(network_checkpoint, **{"t_embed.freqs": torch.zeros(128), "latent_rot": torch.zeros(1),
                                         "clip_rot": torch.zeros(1)})
    checkpoints.load(checkpoints.NetworkFormat(tiny), extra, "old.pth")


def test_synchformer_keeps_only_the_visual_extractor(tiny):
    fmt = checkpoints.SynchformerFormat(tiny)
    state = dict(checkpoints.random_checkpoint(fmt, 0), **{"afeat_extractor.x": torch.zeros(2), "transformer.y": torch.zeros(1)})
    checkpoints.load(fmt, state, "synchformer_state_dict.pth")
    del state["vfeat_extractor.patch_embed.proj.bias"]  # the unused 2-D stem is still required
    with pytest.raises(checkpoints.CheckpointError, match="missing key 'vfeat_extractor.patch_embed.proj.bias'"):
        checkpoints.load(fmt, state, "synchformer_state_dict.pth")


def test_vae_requires_the_encoder_keys(tiny):
    fmt = checkpoints.VaeFormat(tiny)
    state = checkpoints.random_checkpoint(fmt, 0)
    tensors = checkpoints.load(fmt, state, "v1-16.pth")
    assert not any(k.startswith("encoder.") for k in tensors)
    del state["encoder.conv_out.weight"]
    with pytest.raises(checkpoints.CheckpointError, match=re.escape("missing key 'encoder.conv_out.weight' (expected shape [40, 32, 3])")):
        checkpoints.load(fmt, state, "v1-16.pth")


def test_vocoder_accepts_legacy_parametrized_and_folded_weight_norm(tiny):
    fmt = checkpoints.VocoderFormat(tiny)
    legacy = checkpoints.random_checkpoint(fmt, 0)
    reference = checkpoints.load(fmt, legacy, "legacy")
    parametrized = {k.replace(".weight_g", ".parametrizations.weight.original0")
                    .replace(".weight_v", ".parametrizations.weight.original1"): v for k, v in legacy.items()}
    folded = dict(reference)
    for variant in (parametrized, folded):
        tensors = checkpoints.load(fmt, variant, "variant")
        assert tensors.keys() == reference.keys()
        for key in reference:
            torch.testing.assert_close(tensors[key], reference[key], rtol=1e-6, atol=1e-7)


def test_vocoder_names_a_missing_weight_norm_tensor(tiny):
    fmt = checkpoints.VocoderFormat(tiny)
    legacy = checkpoints.random_checkpoint(fmt, 0)
    del legacy["ups.2.0.weight_g"]
    with pytest.raises(checkpoints.CheckpointError, match=re.escape("missing key 'ups.2.0.weight_g' (expected shape [16, 1, 1])")):
        checkpoints.load(fmt, legacy, "best_netG.pt")


def test_reading_files(tmp_path):
    with pytest.raises(checkpoints.CheckpointError, match="checkpoint not found"):
        checkpoints.read_checkpoint(tmp_path / "absent.pth")
    (tmp_path / "junk.pth").write_bytes(b"not a checkpoint")
    with pytest.raises(checkpoints.CheckpointError, match="cannot read checkpoint"):
        checkpoints.read_checkpoint(tmp_path / "junk.pth")
    torch.save([1, 2, 3], tmp_path / "list.pth")
    with pytest.raises(checkpoints.CheckpointError, match="does not hold a state dict"):
        checkpoints.read_checkpoint(tmp_path / "list.pth")
    torch.save({"generator": {"w": torch.ones(2)}, "optimizer": {}}, tmp_path / "gen.pt")
    assert list(checkpoints.read_checkpoint(tmp_path / "gen.pt", "generator")) == ["w"]


def test_weights_directory_lookup_and_provenance(tmp_path, tiny):
    cfg = config.builtin("small_16k")
    weights = exporter.CheckpointWeights(cfg, tmp_path)
    fmt = checkpoints.formats(cfg)["vae"]
    with pytest.raises(checkpoints.CheckpointError, match="v1-16.pth \\(vae\\) not found; looked in"):
        weights.path(fmt)
    (tmp_path / "ext_weights").mkdir()
    (tmp_path / "ext_weights" / "v1-16.pth").write_bytes(b"x")
    assert weights.path(fmt) == tmp_path / "ext_weights" / "v1-16.pth"


def test_cli_reports_a_bad_checkpoint_and_exits_2(tmp_path, tiny, capsys):
    fmt = checkpoints.NetworkFormat(tiny)
    state = checkpoints.random_checkpoint(fmt, 0)
    state["final_layer.conv.bias"] = torch.zeros(7)
    torch.save(state, tmp_path / "net.pth")
    # The other components only need to exist for export's up-front check: the network fails first.
    others = [c for c in checkpoints.FORMATS if c != "network"]
    for component in others:
        (tmp_path / f"{component}.pth").write_bytes(b"")
    code = main(["export", "--variant", "tiny", "--weights", str(tmp_path), "--checkpoint", f"network={tmp_path / 'net.pth'}",
                 *[f"--checkpoint={c}={tmp_path / (c + '.pth')}" for c in others], "--out", str(tmp_path / "set")])
    assert code == 2
    err = capsys.readouterr().err
    assert "net.pth (network of tiny): wrong shape for 'final_layer.conv.bias': the checkpoint has [7], expected [20]" in err
    # No partial set, no staging directory left.
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["net.pth"] + [f"{c}.pth" for c in others])


def test_export_names_every_missing_checkpoint_before_it_starts(tmp_path, tiny, capsys):
    code = main(["export", "--variant", "tiny", "--weights", str(tmp_path), "--out", str(tmp_path / "set")])
    assert code == 2
    err = capsys.readouterr().err
    for component in checkpoints.FORMATS:
        assert f"no checkpoint file for the {component}; pass --checkpoint {component}=PATH" in err, err
    assert not (tmp_path / "set").exists()
