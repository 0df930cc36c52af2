"""Exporting a set: every graph passes onnx.checker with strict full shape inference and declares
the contract's interface, and the manifest matches the files."""

import json
import shutil

import numpy as np
import onnx
import pytest

from foleystream_export import config, exporter, graphs, manifest, onnx_export
from foleystream_export.nn import bigvgan
from foleystream_export.__main__ import main

from conftest import FIXTURES


@pytest.fixture(scope="module")
def tiny_set(tmp_path_factory):
    out = tmp_path_factory.mktemp("export") / "tiny"
    assert main(["export", "--variant", "tiny", "--random-init", "7", "--out", str(out)]) == 0
    return out


def test_export_writes_every_file_of_the_contract(tiny_set):
    names = sorted(p.name for p in tiny_set.iterdir())
    assert names == sorted([f"{g}.onnx" for g in graphs.GRAPH_NAMES] + [
        "manifest.json", "bpe_vocab.txt.gz", "empty_clip.npy", "empty_sync.npy", "empty_string.npy"])
    exporter.check_model_set(tiny_set)


def test_manifest_content(tiny_set):
    data = manifest.read(tiny_set)
    cfg = config.builtin("tiny")
    assert (data["variant"], data["precision"], data["sample_rate"], data["duration_s"]) == ("tiny", "fp32", 16000, 8.0)
    seq = data["sequence"]
    assert (seq["latent_len"], seq["clip_len"], seq["sync_len"], seq["text_len"], seq["samples"]) == (250, 64, 192, 77, 128000)
    assert (seq["sync_frames"], seq["sync_segments"], seq["mel_frames"], seq["clip_image_size"]) == (200, 24, 500, 384)
    assert data["tokenizer"] == {"type": "clip-bpe", "file": "bpe_vocab.txt.gz", "clean": "lower", "context_length": 77,
                                 "vocab_size": 4514, "merges": 4000, "start_token": 4512, "end_token": 4513,
                                 "pad_token": 0}
    assert data["provenance"]["weights"] == "random-init" and data["provenance"]["seed"] == 7
    assert config.from_dict(data["provenance"]["variant_config"]) == cfg
    velocity = data["models"]["velocity"]
    assert velocity["inputs"][0] == {"name": "x", "dtype": "float32", "shape": ["B", "latent_len", 20]}
    assert [i["name"] for i in velocity["inputs"]] == ["x", "t", "clip_f", "sync_f", "text_f", "clip_c", "text_c"]
    assert data["models"]["vae_decoder"]["outputs"] == [{"name": "mel", "dtype": "float32", "shape": ["B", 80, "mel_len"]}]
    assert data["models"]["vocoder"]["inputs"] == data["models"]["vae_decoder"]["outputs"]
    assert data["models"]["vocoder"]["outputs"] == [{"name": "waveform", "dtype": "float32", "shape": ["B", "samples"]}]
    assert (seq["mel_bins"], seq["vocoder_context_frames"]) == (80, bigvgan.context_mel_frames(cfg.vocoder))
    assert data["models"]["conditions"]["inputs"][-1] == {"name": "latent_len", "dtype": "int64", "shape": [1]}
    assert data["format_version"] == 3
    assert data["models"]["clip_text"]["inputs"] == [{"name": "tokens", "dtype": "int64", "shape": ["B", 77]}]
    for key, shape in (("clip", [1, 32]), ("sync", [1, 16]), ("text", [77, 16])):
        entry = data["empty_features"][key]
        assert entry["shape"] == shape and list(np.load(tiny_set / entry["file"]).shape) == shape


def test_layer_norms_have_explicit_scale_and_bias(tiny_set):
    """ONNX Runtime's extended graph optimisations crash on a LayerNormalization whose optional
    bias input is empty (what torch exports for a parameter-free layer norm)."""
    for name in graphs.GRAPH_NAMES:
        model = onnx.load(str(tiny_set / f"{name}.onnx"))
        bad = [n.name for n in model.graph.node
               if n.op_type == "LayerNormalization" and (len(n.input) != 3 or "" in n.input)]
        assert not bad, f"{name}: layer norms without scale or bias: {bad[:5]}"
        assert model.opset_import[0].version == 17


def test_weights_keep_their_checkpoint_names(tiny_set):
    initializers = {i.name for i in onnx.load(str(tiny_set / "clip_text.onnx")).graph.initializer}
    assert {"token_embedding.weight", "positional_embedding", "ln_final.weight"} <= initializers
    initializers = {i.name for i in onnx.load(str(tiny_set / "velocity.onnx")).graph.initializer}
    assert "network.final_layer.conv.weight" in initializers


@pytest.mark.parametrize("tamper, message", [
    (lambda d: (d / "velocity.onnx").write_bytes((d / "velocity.onnx").read_bytes()[:-1] + b"\\0"), "velocity.onnx does not match"),
    (lambda d: (d / "empty_sync.npy").unlink(), "empty_sync.npy is listed in the manifest but missing"),
    (lambda d: (d / "notes.txt").write_text("x"), "notes.txt is in"),
])
def test_check_detects_a_tampered_set(tiny_set, tmp_path, tamper, message):
    copy = tmp_path / "set"
    shutil.copytree(tiny_set, copy)
    tamper(copy)
    with pytest.raises(manifest.ManifestError, match=message):
        exporter.check_model_set(copy)


def test_check_detects_an_interface_that_differs_from_the_manifest(tiny_set, tmp_path):
    copy = tmp_path / "set"
    shutil.copytree(tiny_set, copy)
    data = json.loads((copy / "manifest.json").read_text())
    data["models"]["velocity"]["outputs"][0]["shape"] = ["B", 250, 21]
    (copy / "manifest.json").write_text(json.dumps(data))
    with pytest.raises(onnx_export.GraphCheckError, match="velocity.onnx: interface"):
        exporter.check_model_set(copy)


def test_export_refuses_a_non_empty_directory(tmp_path):
    (tmp_path / "keep.txt").write_text("mine")
    with pytest.raises(exporter.ExportError, match="not an empty directory"):
        exporter.export_model_set(config.builtin("tiny"), tmp_path, exporter.RandomWeights(0))
    assert (tmp_path / "keep.txt").read_text() == "mine"


def test_large_graphs_go_to_one_external_data_file(tmp_path, monkeypatch):
    monkeypatch.setattr(onnx_export, "EXTERNAL_DATA_THRESHOLD", 0)
    out = tmp_path / "set"
    exporter.export_model_set(config.builtin("tiny"), out, exporter.RandomWeights(1), log=lambda m: None)
    data = exporter.check_model_set(out)
    for name in graphs.GRAPH_NAMES:
        assert data["models"][name]["external_data"] == [f"{name}.onnx.data"]
        assert (out / f"{name}.onnx.data").stat().st_size > 0
    model = onnx.load(str(out / "velocity.onnx"), load_external_data=False)
    locations = {e.value for t in model.graph.initializer for e in t.external_data if e.key == "location"}
    assert locations == {"velocity.onnx.data"}


def test_committed_tiny_set_passes_the_checks():
    data = exporter.check_model_set(FIXTURES / "model-set")
    assert data["variant"] == "tiny" and data["provenance"]["seed"] == 0
