"""Model-set configurations: every hyperparameter of every module, read from JSON.

The five released variants and the ``tiny`` test configuration are JSON files in ``variants/``;
``--config FILE.json`` accepts any other consistent set of sizes. Derived values (sequence
lengths, SwiGLU widths) are computed here, the way model-facts.md section 2 defines them.
"""

import dataclasses
import json
import math
import pathlib
from typing import List, Optional, Tuple

VARIANTS_DIR = pathlib.Path(__file__).resolve().parent / "variants"
RELEASED_VARIANTS = ("small_16k", "small_44k", "medium_44k", "large_44k", "large_44k_v2")


class ConfigError(ValueError):
    """A configuration file is malformed or its sizes do not fit together."""


@dataclasses.dataclass(frozen=True)
class SequenceConfig:
    duration_s: float
    sample_rate: int
    hop: int  # STFT hop of the mel the VAE models (256 for 16 kHz, 512 for 44.1 kHz)
    latent_downsample: int = 2
    clip_fps: int = 8
    sync_fps: int = 25
    sync_segment_frames: int = 16
    sync_segment_step: int = 8
    sync_tokens_per_segment: int = 8
    clip_image_size: int = 384
    sync_image_size: int = 224

    @property
    def latent_len(self) -> int:
        return math.ceil(self.duration_s * self.sample_rate / self.hop / self.latent_downsample)

    @property
    def clip_len(self) -> int:
        return int(self.duration_s * self.clip_fps)

    @property
    def sync_frames(self) -> int:
        return int(self.duration_s * self.sync_fps)

    @property
    def sync_segments(self) -> int:
        # Python floor division on floats, as the reference writes it.
        return int((self.duration_s * self.sync_fps - self.sync_segment_frames) // self.sync_segment_step + 1)

    @property
    def sync_len(self) -> int:
        return self.sync_segments * self.sync_tokens_per_segment

    @property
    def mel_frames(self) -> int:
        return self.latent_len * self.latent_downsample

    @property
    def samples(self) -> int:
        return self.mel_frames * self.hop


@dataclasses.dataclass(frozen=True)
class NetworkConfig:
    latent_dim: int
    clip_dim: int
    sync_dim: int
    text_dim: int
    hidden_dim: int
    depth: int
    fused_depth: int
    num_heads: int
    v2: bool
    mlp_ratio: float = 4.0
    text_len: int = 77
    #: SwiGLU widths are rounded up to a multiple of this (the reference's ``multiple_of``).
    swiglu_multiple_of: int = 256


@dataclasses.dataclass(frozen=True)
class ClipVisionConfig:
    image_size: int
    layers: int
    width: int
    head_width: int
    patch_size: int
    mlp_ratio: float = 4.0

    @property
    def heads(self) -> int:
        return self.width // self.head_width

    @property
    def grid(self) -> int:
        return self.image_size // self.patch_size


@dataclasses.dataclass(frozen=True)
class ClipTextConfig:
    context_length: int
    vocab_size: int
    width: int
    heads: int
    layers: int
    mlp_ratio: float = 4.0


@dataclasses.dataclass(frozen=True)
class ClipConfig:
    embed_dim: int
    vision: ClipVisionConfig
    text: ClipTextConfig
    quick_gelu: bool = True


@dataclasses.dataclass(frozen=True)
class SynchformerConfig:
    embed_dim: int = 768
    depth: int = 12
    num_heads: int = 12
    mlp_ratio: float = 4.0
    patch_size: int = 16
    tubelet: int = 2
    image_size: int = 224
    frames: int = 16

    @property
    def grid(self) -> int:
        return self.image_size // self.patch_size

    @property
    def time_tokens(self) -> int:
        return self.frames // self.tubelet


@dataclasses.dataclass(frozen=True)
class VaeConfig:
    data_dim: int
    embed_dim: int
    hidden_dim: int
    ch_mult: Tuple[int, ...] = (1, 2, 4)
    decoder_blocks: int = 3
    encoder_blocks: int = 2


@dataclasses.dataclass(frozen=True)
class VocoderConfig:
    version: int  # 1: BigVGAN v1 (tanh, conv_post bias); 2: BigVGAN v2 (clamp, no conv_post bias)
    num_mels: int
    upsample_rates: Tuple[int, ...]
    upsample_kernel_sizes: Tuple[int, ...]
    upsample_initial_channel: int
    resblock_kernel_sizes: Tuple[int, ...] = (3, 7, 11)
    resblock_dilation_sizes: Tuple[Tuple[int, ...], ...] = ((1, 3, 5), (1, 3, 5), (1, 3, 5))

    @property
    def final_tanh(self) -> bool:
        return self.version == 1

    @property
    def final_bias(self) -> bool:
        return self.version == 1


@dataclasses.dataclass(frozen=True)
class CheckpointNames:
    """File names of the official checkpoints the variant loads (looked up under ``--weights``)."""

    network: str
    vae: str
    vocoder: str
    synchformer: str = "synchformer_state_dict.pth"
    clip: str = "open_clip_pytorch_model.bin"


@dataclasses.dataclass(frozen=True)
class ModelSetConfig:
    variant: str
    sequence: SequenceConfig
    network: NetworkConfig
    clip: ClipConfig
    synchformer: SynchformerConfig
    vae: VaeConfig
    vocoder: VocoderConfig
    bpe_merges: int
    checkpoints: Optional[CheckpointNames] = None
    description: str = ""
    #: A merges file that belongs to the configuration (the tiny set's truncated vocabulary),
    #: relative to the configuration file; absent, the exporter uses open_clip's or ``--bpe``.
    bpe_file: Optional[str] = None
    #: Directory of the configuration file (not part of the configuration itself).
    source_dir: Optional[str] = dataclasses.field(default=None, compare=False)

    @property
    def vocab_size(self) -> int:
        return 2 * 256 + self.bpe_merges + 2

    @property
    def bpe_path(self) -> Optional[pathlib.Path]:
        if self.bpe_file is None:
            return None
        return pathlib.Path(self.source_dir or ".") / self.bpe_file

    def to_dict(self) -> dict:
        data = dataclasses.asdict(self)
        del data["source_dir"]
        return data


def _build(cls, data, where: str):
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: expected an object, got {type(data).__name__}")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {unknown}; allowed: {sorted(fields)}")
    kwargs = {}
    for name, value in data.items():
        kwargs[name] = _tuples(value) if isinstance(value, list) else value
    try:
        return cls(**kwargs)
    except TypeError as error:
        raise ConfigError(f"{where}: {error}") from None


def _tuples(value):
    return tuple(_tuples(v) if isinstance(v, list) else v for v in value)


def from_dict(data: dict, source_dir: Optional[str] = None) -> ModelSetConfig:
    """Builds and validates a configuration from its JSON form."""
    data = dict(data)
    if "source_dir" in data:
        raise ConfigError("config: unknown key(s) ['source_dir']")
    data["source_dir"] = source_dir
    parts = {
        "sequence": lambda d: _build(SequenceConfig, d, "sequence"),
        "network": lambda d: _build(NetworkConfig, d, "network"),
        "clip": lambda d: ClipConfig(
            **{**_checked(d, "clip", {"embed_dim", "vision", "text", "quick_gelu"}),
               "vision": _build(ClipVisionConfig, d.get("vision"), "clip.vision"),
               "text": _build(ClipTextConfig, d.get("text"), "clip.text")}),
        "synchformer": lambda d: _build(SynchformerConfig, d, "synchformer"),
        "vae": lambda d: _build(VaeConfig, d, "vae"),
        "vocoder": lambda d: _build(VocoderConfig, d, "vocoder"),
        "checkpoints": lambda d: None if d is None else _build(CheckpointNames, d, "checkpoints"),
    }
    for key, build in parts.items():
        if key not in data and key != "checkpoints":
            raise ConfigError(f"missing section '{key}'")
        data[key] = build(data.get(key))
    cfg = _build(ModelSetConfig, data, "config")
    validate(cfg)
    return cfg


def _checked(data, where, allowed):
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: expected an object")
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {unknown}; allowed: {sorted(allowed)}")
    if "embed_dim" not in data:
        raise ConfigError(f"{where}: missing 'embed_dim'")
    return data


def validate(cfg: ModelSetConfig) -> None:
    """Raises :class:`ConfigError` naming the first pair of sizes that do not fit together."""
    seq, net, clip, sync, vae, voc = cfg.sequence, cfg.network, cfg.clip, cfg.synchformer, cfg.vae, cfg.vocoder
    checks: List[Tuple[bool, str]] = [
        (net.clip_dim == clip.embed_dim, f"network.clip_dim {net.clip_dim} != clip.embed_dim {clip.embed_dim}"),
        (net.text_dim == clip.text.width, f"network.text_dim {net.text_dim} != clip.text.width {clip.text.width}"),
        (net.text_len == clip.text.context_length,
         f"network.text_len {net.text_len} != clip.text.context_length {clip.text.context_length}"),
        (net.sync_dim == sync.embed_dim, f"network.sync_dim {net.sync_dim} != synchformer.embed_dim {sync.embed_dim}"),
        (net.latent_dim == vae.embed_dim, f"network.latent_dim {net.latent_dim} != vae.embed_dim {vae.embed_dim}"),
        (vae.data_dim == voc.num_mels, f"vae.data_dim {vae.data_dim} != vocoder.num_mels {voc.num_mels}"),
        (math.prod(voc.upsample_rates) == seq.hop,
         f"vocoder upsampling x{math.prod(voc.upsample_rates)} != sequence.hop {seq.hop}"),
        (len(voc.upsample_rates) == len(voc.upsample_kernel_sizes), "vocoder rates and kernel sizes differ in length"),
        (voc.upsample_initial_channel % 2 ** len(voc.upsample_rates) == 0,
         "vocoder.upsample_initial_channel must stay divisible through every upsampling stage"),
        (len(voc.resblock_kernel_sizes) == len(voc.resblock_dilation_sizes),
         "vocoder resblock kernel and dilation lists differ in length"),
        (voc.version in (1, 2), f"vocoder.version must be 1 or 2, not {voc.version}"),
        (seq.latent_downsample == 2 and len(vae.ch_mult) == 3,
         "the VAE decoder upsamples x2 once: sequence.latent_downsample must be 2 and vae.ch_mult have 3 levels"),
        (net.hidden_dim % net.num_heads == 0 and (net.hidden_dim // net.num_heads) % 2 == 0,
         f"network.hidden_dim {net.hidden_dim} must split into {net.num_heads} heads of even width"),
        (0 <= net.fused_depth < net.depth, "network needs at least one joint block (depth > fused_depth >= 0)"),
        (seq.sync_tokens_per_segment == 8 and sync.time_tokens == 8,
         "MMAudio's sync_pos_emb holds 8 vectors: segments must give 8 tokens (frames / tubelet = 8)"),
        (sync.frames == seq.sync_segment_frames,
         f"synchformer.frames {sync.frames} != sequence.sync_segment_frames {seq.sync_segment_frames}"),
        (sync.image_size == seq.sync_image_size,
         f"synchformer.image_size {sync.image_size} != sequence.sync_image_size {seq.sync_image_size}"),
        (sync.embed_dim % sync.num_heads == 0, "synchformer.embed_dim must split into its heads"),
        (clip.vision.width % clip.vision.head_width == 0, "clip.vision.width must split into heads of head_width"),
        (clip.text.width % clip.text.heads == 0, "clip.text.width must split into its heads"),
        (seq.clip_image_size // clip.vision.patch_size == clip.vision.grid,
         f"CLIP frames of {seq.clip_image_size} px give a {seq.clip_image_size // clip.vision.patch_size}-patch grid, "
         f"the positional table fits {clip.vision.grid}"),
        (cfg.vocab_size == clip.text.vocab_size,
         f"{cfg.bpe_merges} BPE merges give {cfg.vocab_size} tokens, clip.text.vocab_size is {clip.text.vocab_size}"),
        (seq.latent_len > 0 and seq.clip_len > 0 and seq.sync_segments > 0, "duration too short for one sync segment"),
    ]
    for ok, message in checks:
        if not ok:
            raise ConfigError(message)


def load(path) -> ModelSetConfig:
    """Reads a configuration file."""
    path = pathlib.Path(path)
    try:
        data = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as error:
        raise ConfigError(f"cannot read configuration {path}: {error}") from None
    return from_dict(data, str(path.resolve().parent))


def builtin(variant: str) -> ModelSetConfig:
    """A released variant (``small_16k`` ... ``large_44k_v2``) or ``tiny``."""
    path = VARIANTS_DIR / f"{variant}.json"
    if not path.is_file():
        known = sorted(p.stem for p in VARIANTS_DIR.glob("*.json"))
        raise ConfigError(f"unknown variant '{variant}'; known: {known}")
    return load(path)
