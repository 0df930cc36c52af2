"""The graph contract (``contract.json``): every configuration resolves it, the modules compute
the sizes it declares, and the committed tiny set declares exactly what it resolves to."""

import json

import pytest

from foleystream_export import config, graphs, manifest

from conftest import FIXTURES

VARIANTS = sorted(p.stem for p in config.VARIANTS_DIR.glob("*.json"))


def declared_axes(contract):
    return set(contract["axes"]["batch"]) | set(contract["axes"]["length"])


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_variant_resolves_the_contract(variant):
    cfg = config.builtin(variant)
    sizes = graphs.sequence_sizes(cfg)
    axes = declared_axes(graphs.CONTRACT)
    specs = graphs.specs(cfg)
    assert tuple(specs) == graphs.GRAPH_NAMES
    for name, spec in specs.items():
        for tensor in spec.inputs + spec.outputs:
            for dim in tensor.shape:
                assert dim in axes or (isinstance(dim, int) and dim > 0), (name, tensor.name, dim)
    # Every length axis traces at the configuration's default duration, as the manifest states it.
    for axis, reference in graphs.CONTRACT["axes"]["length"].items():
        assert dict(specs["velocity"].trace_sizes)[axis] == sizes[reference[len(graphs.SEQUENCE_PREFIX):]]


@pytest.mark.parametrize("variant", VARIANTS)
def test_the_modules_compute_the_declared_sizes(variant):
    """The contract names the manifest's sequence fields; these are the sizes each module
    configuration gives the same tensors (the tiny export checks the graphs themselves)."""
    cfg = config.builtin(variant)
    specs = graphs.specs(cfg)
    clip, sync, net = cfg.clip, cfg.synchformer, cfg.network
    frames = specs["clip_image"].inputs[0].shape
    assert frames[1] == 3 and frames[2] == frames[3] and frames[2] // clip.vision.patch_size == clip.vision.grid
    assert specs["clip_image"].outputs[0].shape[-1] == clip.embed_dim
    assert specs["clip_text"].outputs[0].shape[-1] == clip.text.width
    assert specs["synchformer"].inputs[0].shape[1:] == (sync.frames, 3, sync.image_size, sync.image_size)
    assert specs["synchformer"].outputs[0].shape[1:] == (sync.time_tokens, sync.embed_dim)
    assert specs["velocity"].inputs[0].shape[-1] == cfg.vae.embed_dim
    assert specs["vae_decoder"].outputs[0].shape[1] == cfg.vae.data_dim
    assert specs["vocoder"].inputs[0].shape[1] == cfg.vocoder.num_mels
    assert all(t.shape[-1] == net.hidden_dim for t in specs["conditions"].outputs)


def test_velocity_takes_the_conditions_outputs_by_name():
    io = graphs.CONTRACT["graphs"]
    conditions = io["conditions"]["outputs"]
    assert io["velocity"]["inputs"][-len(conditions):] == conditions


def test_the_committed_tiny_set_declares_the_contract():
    data = json.loads((FIXTURES / "model-set" / manifest.MANIFEST).read_text())
    cfg = config.builtin("tiny")
    declared = {name: {"inputs": m["inputs"], "outputs": m["outputs"]} for name, m in data["models"].items()}
    expected = {name: {"inputs": [t.to_dict() for t in s.inputs], "outputs": [t.to_dict() for t in s.outputs]}
                for name, s in graphs.specs(cfg).items()}
    assert declared == expected
    assert list(data["models"]) == list(graphs.GRAPH_NAMES)
    sizes = graphs.sequence_sizes(cfg)
    assert {k: data["sequence"][k] for k in sizes} == sizes


def test_a_malformed_contract_is_refused(tmp_path):
    contract = json.loads(graphs.CONTRACT_FILE.read_text())
    waveform = contract["graphs"]["vocoder"]["outputs"][0]
    waveform["shape"][1] = "sample_count"
    path = tmp_path / "contract.json"
    path.write_text(json.dumps(contract))
    with pytest.raises(ValueError, match=f"vocoder.{waveform['name']} has the shape entry 'sample_count'"):
        graphs.load_contract(path)
    contract["format"] = "other"
    path.write_text(json.dumps(contract))
    with pytest.raises(ValueError, match="not a foleystream-graph-contract"):
        graphs.load_contract(path)
