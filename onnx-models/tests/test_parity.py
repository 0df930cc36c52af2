"""Our modules, loaded strictly with the weights of ../shared/parity, reproduce the official
implementation's outputs within the stated float32 tolerance (max |error| <= 1e-5 x max |reference|)."""

import json
import types

import numpy as np
import pytest
import torch

from foleystream_export import checkpoints, config, sampler

TOLERANCE = 1e-5


def assert_close(actual, reference, what=""):
    actual = actual.detach().numpy() if isinstance(actual, torch.Tensor) else np.asarray(actual)
    assert actual.shape == reference.shape, what
    error = np.abs(actual.astype(np.float64) - reference).max() / np.abs(reference).max()
    assert error <= TOLERANCE, f"{what}: relative error {error:.2e}"


def settings(**parts):
    return types.SimpleNamespace(checkpoints=None, **parts)


def load_component(fmt, path):
    return checkpoints.instantiate(fmt, checkpoints.load(fmt, torch.load(path), str(path)))


def network_settings(directory):
    kw = read_config(directory)["MMAudio_kwargs"]
    net = config.NetworkConfig(
        latent_dim=kw["latent_dim"], clip_dim=kw["clip_dim"], sync_dim=kw["sync_dim"], text_dim=kw["text_dim"],
        hidden_dim=kw["hidden_dim"], depth=kw["depth"], fused_depth=kw["fused_depth"], num_heads=kw["num_heads"],
        v2=kw["v2"], mlp_ratio=kw["mlp_ratio"])
    seq = types.SimpleNamespace(latent_len=kw["latent_seq_len"], clip_len=kw["clip_seq_len"], sync_len=kw["sync_seq_len"])
    return settings(network=net, sequence=seq)


def read_config(directory) -> dict:
    return json.loads((directory / "config.json").read_text())


CONDITION_NAMES = ("clip_f", "sync_f", "text_f", "clip_f_c", "text_f_c")


@pytest.fixture(params=["mmaudio_v1_tiny", "mmaudio_v2_tiny"])
def network_case(request, parity):
    directory = parity / request.param
    net = load_component(checkpoints.NetworkFormat(network_settings(directory)), directory / "state_dict.pth")
    arrays = {p.stem: np.load(p) for p in directory.glob("*.npy")}
    tensors = {k: torch.from_numpy(v) for k, v in arrays.items() if k.startswith("in_")}
    return net, arrays, tensors, read_config(directory)


@torch.no_grad()
def test_condition_preprocessing(network_case):
    net, ref, t, cfg = network_case
    cond = net.preprocess_conditions(t["in_clip_f"], t["in_sync_f"], t["in_text_f"])
    uncond = net.empty_conditions(cfg["batch"], t["in_neg_text_f"])
    uncond_default = net.empty_conditions(cfg["batch"])
    for name, c, u, d in zip(CONDITION_NAMES, cond, uncond, uncond_default):
        assert_close(c, ref[f"out_cond_{name}"], f"cond {name}")
        assert_close(u, ref[f"out_uncond_{name}"], f"uncond {name}")
        assert_close(d, ref[f"out_uncond_default_{name}"], f"uncond_default {name}")


@torch.no_grad()
def test_flow_prediction(network_case):
    net, ref, t, _ = network_case
    cond = net.preprocess_conditions(t["in_clip_f"], t["in_sync_f"], t["in_text_f"])
    assert_close(net.predict_flow(t["in_x0"], t["in_flow_t_0"], cond), ref["out_flow_0"], "flow at t=0")
    assert_close(net.predict_flow(t["in_flow_x_1"], t["in_flow_t_1"], cond), ref["out_flow_1"], "flow at t=0.73")


def test_euler_sampler_with_guidance(network_case):
    net, ref, t, cfg = network_case
    assert cfg["cfg_strengths"], "the parity data holds no sampling run"
    for cfg_strength in cfg["cfg_strengths"]:
        with torch.no_grad():
            cond = net.preprocess_conditions(t["in_clip_f"], t["in_sync_f"], t["in_text_f"])
            uncond = net.empty_conditions(cfg["batch"], t["in_neg_text_f"])
            result = sampler.euler_sample(net, t["in_x0"], cond, uncond, steps=cfg["num_steps"],
                                          cfg_strength=cfg_strength)
            prefix = f"out_sample_cfg{cfg_strength}_"
            what = f"cfg {cfg_strength}"
            assert_close(torch.stack(result.states), ref[prefix + "trajectory_x"], f"{what} states")
            assert_close(torch.stack(result.velocities), ref[prefix + "trajectory_v"], f"{what} velocities")
            assert_close(result.x1, ref[prefix + "x1"], f"{what} x1")
            assert_close(net.unnormalize(result.x1), ref[prefix + "latent"], f"{what} unnormalised latent")


@torch.no_grad()
def test_clip_image_and_text_towers(parity):
    directory = parity / "clip_tiny"
    cfg = read_config(directory)
    kw = cfg["open_clip_CLIP_kwargs"]
    clip_cfg = config.ClipConfig(embed_dim=kw["embed_dim"], quick_gelu=kw["quick_gelu"],
                                 vision=config.ClipVisionConfig(**kw["vision_cfg"]),
                                 text=config.ClipTextConfig(**kw["text_cfg"]))
    clip = load_component(checkpoints.ClipFormat(settings(clip=clip_cfg)), directory / "state_dict.pth")
    images = torch.from_numpy(np.load(directory / "in_images_normalized.npy"))
    # The saved frames may be larger than the model's image size, as the real 384-pixel frames are
    # for the 378-pixel model: the patch stride drops the last pixels.
    assert images.shape[-1] == cfg["input_pixels"] >= kw["vision_cfg"]["image_size"]
    assert_close(clip.image_tower()(images), np.load(directory / "out_image_features.npy"), "image features")
    tokens = torch.from_numpy(np.load(directory / "in_tokens.npy"))
    assert_close(clip.text_tower()(tokens), np.load(directory / "out_text_features.npy"), "text features")


@torch.no_grad()
def test_synchformer(parity):
    directory = parity / "synchformer_tiny"
    cfg = read_config(directory)
    overrides = cfg["VIT_overrides"]
    sync_cfg = config.SynchformerConfig(embed_dim=overrides["EMBED_DIM"], depth=overrides["DEPTH"],
                                        num_heads=overrides["NUM_HEADS"], frames=cfg["video_frames"])
    sync = load_component(checkpoints.SynchformerFormat(settings(synchformer=sync_cfg)), directory / "state_dict.pth")
    segments = torch.from_numpy(np.load(directory / "in_segments.npy")).float()
    assert segments.shape[:2] == (cfg["segments"], sync_cfg.frames)
    assert_close(sync(segments), np.load(directory / "out_features.npy"), "features")


@pytest.mark.parametrize("name", ["vae_16k_tiny", "vae_44k_tiny"])
@torch.no_grad()
def test_vae_decoder(parity, name):
    directory = parity / name
    vae_cfg = config.VaeConfig(**read_config(directory)["VAE_kwargs"])
    vae = load_component(checkpoints.VaeFormat(settings(vae=vae_cfg)), directory / "state_dict.pth")
    folded = torch.load(directory / "decoder_folded.pth")
    state = vae.state_dict()
    for key, value in folded.items():
        assert torch.equal(state[key], value), f"load-time weight normalisation of {key}"
    assert_close(vae(torch.from_numpy(np.load(directory / "in_latent.npy"))), np.load(directory / "out_mel.npy"), "mel")


@pytest.mark.parametrize("name, version", [("bigvgan_v1_tiny", 1), ("bigvgan_v2_tiny", 2)])
@torch.no_grad()
def test_bigvgan(parity, name, version):
    directory = parity / name
    h = read_config(directory)["h"]
    vocoder_cfg = config.VocoderConfig(
        version=version, num_mels=h["num_mels"], upsample_rates=tuple(h["upsample_rates"]),
        upsample_kernel_sizes=tuple(h["upsample_kernel_sizes"]), upsample_initial_channel=h["upsample_initial_channel"])
    vocoder = load_component(checkpoints.VocoderFormat(settings(vocoder=vocoder_cfg)), directory / "checkpoint.pth")
    state = vocoder.state_dict()
    for key, value in torch.load(directory / "folded.pth").items():
        assert torch.equal(state[key], value), f"weight-norm folding of {key}"
    waveform = vocoder(torch.from_numpy(np.load(directory / "in_mel.npy")))
    assert_close(waveform, np.load(directory / "out_waveform.npy"), "waveform")
