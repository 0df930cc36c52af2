"""Writes a model set: every graph, the empty features, the vocabulary and the manifest.

Components are exported one at a time and dropped before the next, so the peak memory is that of
the largest component (CLIP ViT-H), not of the whole stack.
"""

import gc
import hashlib
import importlib.util
import os
import pathlib
import shutil
import tempfile
import time
import warnings
from typing import Dict, List, Optional

import numpy as np
import onnx
import torch

from . import __version__, checkpoints, graphs, manifest, official, onnx_export, tokenizer
from .config import RELEASED_VARIANTS, ModelSetConfig

OPEN_CLIP_BPE = "bpe_simple_vocab_16e6.txt.gz"


class ExportError(RuntimeError):
    """The export cannot proceed (bad output directory, missing vocabulary, ...)."""


class RandomWeights:
    """Random checkpoints in the official layouts, reproducible from one seed."""

    def __init__(self, seed: int):
        self.seed = seed

    def tensors(self, fmt: checkpoints.CheckpointFormat) -> Dict[str, torch.Tensor]:
        return checkpoints.load(fmt, checkpoints.random_checkpoint(fmt, self.seed), f"random-init {fmt.component}")

    def provenance(self) -> dict:
        return {"weights": "random-init", "seed": self.seed, "checkpoints": {}}


class CheckpointWeights:
    """Checkpoint files found under ``--weights`` (or given one by one), read strictly."""

    def __init__(self, cfg: ModelSetConfig, weights_dir: Optional[pathlib.Path],
                 overrides: Optional[Dict[str, pathlib.Path]] = None):
        self.cfg = cfg
        self.weights_dir = weights_dir
        self.overrides = overrides or {}
        self.used: Dict[str, dict] = {}

    def path(self, fmt: checkpoints.CheckpointFormat) -> pathlib.Path:
        if fmt.component in self.overrides:
            return pathlib.Path(self.overrides[fmt.component])
        if not fmt.file_name:
            raise checkpoints.CheckpointError(
                f"the configuration names no checkpoint file for the {fmt.component}; pass --checkpoint "
                f"{fmt.component}=PATH")
        if self.weights_dir is None:
            raise checkpoints.CheckpointError(f"no --weights directory for the {fmt.component} ({fmt.file_name})")
        candidates = [self.weights_dir / sub / fmt.file_name for sub in official.SEARCH_DIRS]
        for candidate in candidates:
            if candidate.is_file():
                return candidate
        raise checkpoints.CheckpointError(
            f"{fmt.file_name} ({fmt.component}) not found; looked in " + ", ".join(str(c) for c in candidates))

    def missing(self, formats) -> List[str]:
        """Why each checkpoint of ``formats`` cannot be found, checked before any export work."""
        problems = []
        for fmt in formats:
            try:
                self.path(fmt)
            except checkpoints.CheckpointError as error:
                problems.append(str(error))
        return problems

    def tensors(self, fmt: checkpoints.CheckpointFormat) -> Dict[str, torch.Tensor]:
        path = self.path(fmt)
        subkey = official.VOCODER_KEY if fmt.component == "vocoder" else None
        state = checkpoints.read_checkpoint(path, subkey)
        tensors = checkpoints.load(fmt, state, f"{path.name} ({fmt.component} of {self.cfg.variant})")
        sha, md5 = _digests(path)
        self.used[fmt.component] = {"file": path.name, "sha256": sha, "md5": md5}
        return tensors

    def provenance(self) -> dict:
        known = all(official.KNOWN_MD5.get(entry["file"], entry["md5"]) == entry["md5"] for entry in self.used.values())
        released = self.cfg.variant in RELEASED_VARIANTS and not self.overrides and known
        return {"weights": "official" if released else "custom",
                "checkpoints": {k: {"file": v["file"], "sha256": v["sha256"]} for k, v in self.used.items()}}


def _digests(path: pathlib.Path):
    sha, md5 = hashlib.sha256(), hashlib.md5()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 22), b""):
            sha.update(block)
            md5.update(block)
    return sha.hexdigest(), md5.hexdigest()


def find_vocabulary(cfg: ModelSetConfig, explicit: Optional[pathlib.Path]) -> pathlib.Path:
    """The BPE merges file: ``--bpe``, else the configuration's own file, else open_clip's."""
    if explicit is not None:
        return pathlib.Path(explicit)
    if cfg.bpe_path is not None:
        return cfg.bpe_path
    spec = importlib.util.find_spec("open_clip")
    if spec is not None and spec.origin:
        candidate = pathlib.Path(spec.origin).parent / OPEN_CLIP_BPE
        if candidate.is_file():
            return candidate
    raise ExportError(f"no CLIP BPE vocabulary: install open_clip_torch or pass --bpe PATH/{OPEN_CLIP_BPE}")


#: open_clip's ids for a few prompts under the full vocabulary (model-facts.md section 4.4).
FULL_VOCABULARY_VECTORS = {
    "A dog barking.": [49406, 320, 1929, 32676, 269, 49407],
    "waves crashing on rocks": [49406, 7882, 24991, 525, 6135, 49407],
    "Playing the   GUITAR!!": [49406, 1629, 518, 5084, 748, 49407],
}


def check_vocabulary(cfg: ModelSetConfig, path: pathlib.Path) -> None:
    """The merges file holds the configuration's number of rules and, for open_clip's full
    vocabulary, tokenizes the documented prompts to open_clip's ids."""
    try:
        tok = tokenizer.ClipTokenizer.from_file(path, cfg.bpe_merges)
    except (OSError, ValueError) as error:
        raise ExportError(f"vocabulary {path}: {error}") from None
    if tok.vocab_size != cfg.vocab_size or (tok.sot, tok.eot) != (cfg.vocab_size - 2, cfg.vocab_size - 1):
        raise ExportError(f"vocabulary {path}: {tok.vocab_size} tokens, the configuration needs {cfg.vocab_size}")
    if cfg.bpe_merges == tokenizer.FULL_MERGES:
        for prompt, ids in FULL_VOCABULARY_VECTORS.items():
            got = tok.tokenize([prompt])[0, :len(ids)].tolist()
            if got != ids:
                raise ExportError(f"vocabulary {path} is not open_clip's: {prompt!r} gives {got}, expected {ids}")


def export_model_set(cfg: ModelSetConfig, out_dir, weights, precision: str = "fp32",
                     bpe: Optional[pathlib.Path] = None, log=print) -> dict:
    """Exports the whole set into ``out_dir`` and returns the manifest.

    ``out_dir`` must not exist or be empty. The set is written into a staging directory beside
    it and renamed at the end, so a failed export (a bad checkpoint, say) leaves nothing behind.
    """
    if precision not in ("fp32", "fp16"):
        raise ExportError(f"unsupported precision '{precision}' (fp32 or fp16)")
    out_dir = pathlib.Path(out_dir)
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise ExportError(f"{out_dir} is not an empty directory; choose a new one")
    vocabulary = find_vocabulary(cfg, bpe)
    check_vocabulary(cfg, vocabulary)

    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = pathlib.Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        shutil.copyfile(vocabulary, staging / manifest.VOCAB_FILE)
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*shape inference of prim::Constant.*")
            written = _export_graphs(cfg, staging, weights, precision, log)
        specs = graphs.specs(cfg)
        for index, name in enumerate(graphs.GRAPH_NAMES, 1):
            log(f"[{index}/{len(graphs.GRAPH_NAMES)}] checking {name} ...")
            onnx_export.check(staging / written[name][0], specs[name])
        provenance = dict(weights.provenance())
        provenance.update({
            "variant_config": cfg.to_dict(),
            "exporter": f"foleystream_export {__version__}", "torch": torch.__version__, "onnx": onnx.__version__,
            "created": manifest.created_timestamp()})
        result = manifest.build(cfg, staging, specs, written, precision, provenance)
        manifest.write(result, staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    os.chmod(staging, 0o755)
    if out_dir.exists():
        out_dir.rmdir()
    staging.rename(out_dir)
    return result


def _export_graphs(cfg: ModelSetConfig, out_dir: pathlib.Path, weights, precision: str, log) -> Dict[str, List[str]]:
    """Exports the seven graphs and the empty features, one component at a time."""
    specs = graphs.specs(cfg)
    formats = checkpoints.formats(cfg)
    written: Dict[str, List[str]] = {}

    def export(name, module):
        # Numbered, with the time each graph took: a full-size export runs for tens of minutes.
        log(f"[{len(written) + 1}/{len(graphs.GRAPH_NAMES)}] exporting {name} ...")
        started = time.monotonic()
        written[name] = onnx_export.export(module, specs[name], out_dir, precision)
        log(f"[{len(written)}/{len(graphs.GRAPH_NAMES)}] {name} exported in {time.monotonic() - started:.0f} s")

    net = checkpoints.instantiate(formats["network"], weights.tensors(formats["network"]))
    export("conditions", graphs.ConditionsGraph(net))
    export("velocity", graphs.VelocityGraph(net))
    for key, tensor in (("clip", net.empty_clip_feat), ("sync", net.empty_sync_feat), ("text", net.empty_string_feat)):
        np.save(out_dir / manifest.EMPTY_FEATURE_FILES[key], tensor.detach().numpy().astype(np.float32))
    latent_mean, latent_std = net.latent_mean, net.latent_std
    del net
    gc.collect()

    vae = checkpoints.instantiate(formats["vae"], weights.tensors(formats["vae"]))
    vocoder = checkpoints.instantiate(formats["vocoder"], weights.tensors(formats["vocoder"]))
    export("vae_decoder", graphs.VaeDecoderGraph(latent_mean, latent_std, vae))
    export("vocoder", graphs.VocoderGraph(vocoder))
    del vae, vocoder
    gc.collect()

    sync = checkpoints.instantiate(formats["synchformer"], weights.tensors(formats["synchformer"]))
    export("synchformer", sync)
    del sync
    gc.collect()

    # CLIP is the largest component: the towers share one checkpoint read, and the image
    # tower's tensors are released before the text tower is traced.
    clip_tensors = weights.tensors(formats["clip"])
    clip = formats["clip"].build()
    image = clip.image_tower()
    checkpoints.attach_tensors(image, clip_tensors)
    export("clip_image", image)
    del image
    for key in [k for k in clip_tensors if k.startswith("visual.")]:
        del clip_tensors[key]
    gc.collect()
    text = clip.text_tower()
    checkpoints.attach_tensors(text, clip_tensors)
    export("clip_text", text)
    return written


def check_model_set(set_dir) -> dict:
    """Verifies files against the manifest and every graph with the ONNX checker and full shape
    inference against the interface the manifest declares. Returns the manifest."""
    set_dir = pathlib.Path(set_dir)
    data = manifest.read(set_dir)
    manifest.verify_files(set_dir, data)
    for name, spec in manifest.graph_specs(data).items():
        onnx_export.check(set_dir / data["models"][name]["file"], spec)
    return data
