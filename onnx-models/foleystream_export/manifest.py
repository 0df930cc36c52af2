"""``manifest.json``: writing it, and checking a model set against it (docs/model-set.md)."""

import datetime
import hashlib
import json
import os
import pathlib
from typing import Dict, List

from .graphs import GraphSpec, TensorSpec, sequence_sizes
from .nn import bigvgan

FORMAT = "foleystream-model-set"
FORMAT_VERSION = 3
MANIFEST = "manifest.json"
EMPTY_FEATURE_FILES = {"clip": "empty_clip.npy", "sync": "empty_sync.npy", "text": "empty_string.npy"}
VOCAB_FILE = "bpe_vocab.txt.gz"


class ManifestError(ValueError):
    """A model set's files do not match its manifest."""


def sha256(path: pathlib.Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def created_timestamp() -> str:
    """UTC creation time; ``SOURCE_DATE_EPOCH`` pins it for reproducible sets."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = (datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc) if epoch
              else datetime.datetime.now(datetime.timezone.utc))
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def sequence_block(cfg) -> dict:
    """The manifest's ``sequence`` block: the sizes of :func:`~.graphs.sequence_sizes` and the
    vocoder context."""
    return {**sequence_sizes(cfg), "vocoder_context_frames": bigvgan.context_mel_frames(cfg.vocoder)}


def build(cfg, out_dir: pathlib.Path, specs: Dict[str, GraphSpec], graph_files: Dict[str, List[str]],
          precision: str, provenance: dict) -> dict:
    """The manifest of the set in ``out_dir`` (every file there except the manifest is hashed)."""
    models = {}
    for name, spec in specs.items():
        files = graph_files[name]
        models[name] = {
            "file": files[0], "external_data": files[1:],
            "inputs": [s.to_dict() for s in spec.inputs], "outputs": [s.to_dict() for s in spec.outputs]}
    net = cfg.network
    empty_shapes = {"clip": [1, net.clip_dim], "sync": [1, net.sync_dim], "text": [net.text_len, net.text_dim]}
    files = {p.name: {"sha256": sha256(p), "bytes": p.stat().st_size}
             for p in sorted(out_dir.iterdir()) if p.is_file() and p.name != MANIFEST}
    return {
        "format": FORMAT, "format_version": FORMAT_VERSION,
        "variant": cfg.variant, "precision": precision,
        "sample_rate": cfg.sequence.sample_rate, "duration_s": cfg.sequence.duration_s,
        "sequence": sequence_block(cfg),
        "sampler": {"steps": 25, "cfg_strength": 4.5, "time_grid": "linspace(0, 1, steps + 1) in float32"},
        "models": models,
        "empty_features": {k: {"file": EMPTY_FEATURE_FILES[k], "shape": empty_shapes[k]} for k in EMPTY_FEATURE_FILES},
        "tokenizer": {
            "type": "clip-bpe", "file": VOCAB_FILE, "clean": "lower", "context_length": net.text_len,
            "vocab_size": cfg.vocab_size, "merges": cfg.bpe_merges,
            "start_token": cfg.vocab_size - 2, "end_token": cfg.vocab_size - 1, "pad_token": 0},
        "files": files,
        "provenance": provenance,
    }


def write(manifest: dict, out_dir: pathlib.Path) -> None:
    (out_dir / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")


def read(set_dir: pathlib.Path) -> dict:
    path = pathlib.Path(set_dir) / MANIFEST
    try:
        manifest = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as error:
        raise ManifestError(f"cannot read {path}: {error}") from None
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise ManifestError(f"{path}: not a {FORMAT} version {FORMAT_VERSION} manifest")
    return manifest


def graph_specs(manifest: dict) -> Dict[str, GraphSpec]:
    """The graph interfaces the manifest declares."""
    def tensors(entries):
        return tuple(TensorSpec(e["name"], tuple(e["shape"]), e["dtype"]) for e in entries)
    return {name: GraphSpec(name, tensors(m["inputs"]), tensors(m["outputs"])) for name, m in manifest["models"].items()}


def verify_files(set_dir: pathlib.Path, manifest: dict) -> None:
    """Every file is listed with the right size and SHA-256, nothing listed is missing, nothing
    unlisted is present, and every file a model, feature or tokenizer entry names is listed."""
    set_dir = pathlib.Path(set_dir)
    listed = manifest["files"]
    present = {p.name for p in set_dir.iterdir() if p.is_file() and p.name != MANIFEST}
    for name in sorted(set(listed) - present):
        raise ManifestError(f"{name} is listed in the manifest but missing from {set_dir}")
    for name in sorted(present - set(listed)):
        raise ManifestError(f"{name} is in {set_dir} but not listed in the manifest")
    for name, entry in sorted(listed.items()):
        path = set_dir / name
        if path.stat().st_size != entry["bytes"] or sha256(path) != entry["sha256"]:
            raise ManifestError(f"{name} does not match its manifest size/SHA-256")
    referenced = [manifest["tokenizer"]["file"]] + [e["file"] for e in manifest["empty_features"].values()]
    for model in manifest["models"].values():
        referenced += [model["file"]] + model["external_data"]
    for name in referenced:
        if name not in listed:
            raise ManifestError(f"{name} is referenced but not listed under 'files'")
