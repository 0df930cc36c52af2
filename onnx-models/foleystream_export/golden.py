"""The committed tiny model set and its golden data (``onnx-models/fixtures/tiny/``).

Everything is derived from fixed seeds: the weights (random checkpoints in the official layouts),
every golden input (NumPy's frozen legacy generator) and therefore every PyTorch output. On the
same torch version the whole directory regenerates bit for bit; :func:`make_fixtures` is what
``scripts/make_tiny_fixtures.py`` runs and what the test suite re-runs to compare.
"""

import contextlib
import dataclasses
import gzip
import io
import json
import os
import pathlib
from typing import List

import numpy as np
import torch

from . import checkpoints, config, exporter, graphs, sampler, tables, tokenizer

WEIGHTS_SEED = 0
INPUT_SEED = 1
#: Creation time written into the committed manifest (2026-01-01T00:00:00Z).
CREATED_EPOCH = 1767225600
PROMPT = "a dog barks twice while rain falls"
NEGATIVE_PROMPT = ""
STEPS = 25
CFG_STRENGTH = 4.5
#: Durations of the whole-generation goldens besides the set's own: 2.5 s and 6 s are lengths
#: whose float32 sync upsampling index differs from exact arithmetic, 10 s is longer than the
#: training length.
GOLDEN_DURATIONS = (2.5, 6.0, 10.0)
CLIP_MEAN = np.array([0.48145466, 0.4578275, 0.40821073], dtype=np.float32)
CLIP_STD = np.array([0.26862954, 0.26130258, 0.27577711], dtype=np.float32)

#: Prompts that exercise the tokenizer: whitespace, case, punctuation, contractions, digits,
#: accents, scripts, emoji, HTML entities, a literal special token and truncation. Text that
#: ftfy would repair (ligatures, fullwidth forms, curly quotes, mojibake, decomposed accents) is
#: left out: the reference tokenizer here runs without ftfy.
TOKENIZER_PROMPTS = [
    "", "   ", "\t\n  ", "a", "!!!", PROMPT, "A dog barking.", "Waves crashing on rocks, seagulls crying!",
    "Playing the   GUITAR!!", "  leading and trailing spaces  ", "tab\tseparated\nnew line\r\nwindows line",
    "don't stop the music", "it's raining; we're inside, they've left, I'm here, you'll see, he'd go",
    "DON'T SHOUT, IT'S LOUD", "rock'n'roll drums", "3 dogs barking at 12:45pm", "1234567890",
    "version 2.0.1 beta-test", "under_score and hyphen-ated words", "café crème brûlée",
    "naïve façade — an über-cool jalapeño", "日本語のテキスト", "한국어 텍스트", "Привет мир",
    "🐶 barking 🔊🔊", "&amp; &lt;tag&gt; &quot;quoted&quot;", "&amp;amp; double-escaped", "fish &#38; chips &#x263A;",
    "hello\u00a0world", "<start_of_text> literal special token", " ".join(["dog"] * 100),
    "Rain falling on a tin roof at night, distant thunder, a car drives by slowly; then a door creaks open and "
    "footsteps echo in a long hallway while a dog barks twice, birds chirp outside, wind howls through the "
    "trees and a clock ticks steadily on the wall as someone whispers quietly",
]


@contextlib.contextmanager
def _created_at(epoch: int):
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


class GoldenWriter:
    """Writes ``.npy`` (or gzip-compressed ``.npy.gz``) files and records them for the README."""

    def __init__(self, directory: pathlib.Path):
        self.directory = directory
        self.rows: List[tuple] = []
        directory.mkdir(parents=True, exist_ok=True)

    def save(self, name: str, array, what: str, compress: bool = False) -> None:
        array = np.ascontiguousarray(array.detach().numpy() if isinstance(array, torch.Tensor) else array)
        buffer = io.BytesIO()
        np.save(buffer, array)
        data = buffer.getvalue()
        file = f"{name}.npy"
        if compress:
            out = io.BytesIO()
            with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0, compresslevel=9) as gz:
                gz.write(data)
            data, file = out.getvalue(), file + ".gz"
        (self.directory / file).write_bytes(data)
        self.rows.append((file, str(array.dtype), "[" + ", ".join(map(str, array.shape)) + "]", what))

    def save_json(self, name: str, data, what: str) -> None:
        (self.directory / name).write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")
        self.rows.append((name, "json", "", what))

    def write_readme(self, header: str) -> None:
        lines = [header, "", "| file | dtype | shape | content |", "| --- | --- | --- | --- |"]
        lines += [f"| `{f}` | {d} | {s} | {w} |" for f, d, s, w in self.rows]
        (self.directory / "README.md").write_text("\n".join(lines) + "\n")


def _blocky(rng, shape, block: int, low: int, high: int):
    """Random integers constant over ``block x block`` pixel squares (compresses well)."""
    *lead, h, w = shape
    coarse = rng.randint(low, high + 1, size=(*lead, h // block, w // block))
    return np.repeat(np.repeat(coarse, block, axis=-2), block, axis=-1)


def clip_frames(rng, count: int, size: int) -> np.ndarray:
    """CLIP-normalised frames from 8-bit RGB, rounded to float16 (exact in float16 and float32)."""
    rgb01 = _blocky(rng, (count, 3, size, size), 8, 0, 255).astype(np.float32) / np.float32(255)
    normalised = (rgb01 - CLIP_MEAN[:, None, None]) / CLIP_STD[:, None, None]
    return normalised.astype(np.float16)


def sync_segments(rng, frames: int, size: int, segment: int, step: int) -> np.ndarray:
    """Overlapping segments (frames ``[8i, 8i + 16)``) of values k/256 in [-1, 1], float16."""
    video = (_blocky(rng, (frames, 3, size, size), 8, -256, 256) / 256).astype(np.float16)
    starts = range(0, frames - segment + 1, step)
    return np.stack([video[s:s + segment] for s in starts])


def make_fixtures(root) -> None:
    """Writes ``root/model-set`` and ``root/golden`` (both must not exist or be empty)."""
    root = pathlib.Path(root)
    cfg = config.builtin("tiny")
    weights = exporter.RandomWeights(WEIGHTS_SEED)
    with _created_at(CREATED_EPOCH):
        exporter.export_model_set(cfg, root / "model-set", weights, log=lambda message: None)

    formats = checkpoints.formats(cfg)
    net = checkpoints.instantiate(formats["network"], weights.tensors(formats["network"]))
    vae = checkpoints.instantiate(formats["vae"], weights.tensors(formats["vae"]))
    vocoder = checkpoints.instantiate(formats["vocoder"], weights.tensors(formats["vocoder"]))
    sync = checkpoints.instantiate(formats["synchformer"], weights.tensors(formats["synchformer"]))
    clip = checkpoints.instantiate(formats["clip"], weights.tensors(formats["clip"]))
    image, text = clip.image_tower().eval(), clip.text_tower().eval()
    vae_decoder = graphs.VaeDecoderGraph(net.latent_mean, net.latent_std, vae).eval()
    vocoder_graph = graphs.VocoderGraph(vocoder).eval()

    def decoder(latent):
        return graphs.decode(vae_decoder, vocoder_graph, latent)
    tok = tokenizer.ClipTokenizer.from_file(cfg.bpe_path, cfg.bpe_merges)

    seq, rng = cfg.sequence, np.random.RandomState(INPUT_SEED)
    out = GoldenWriter(root / "golden")
    f32 = lambda a: torch.from_numpy(np.asarray(a, dtype=np.float32))

    with torch.no_grad():
        frames = clip_frames(rng, 2, seq.clip_image_size)
        out.save("clip_image_frames", frames, "`clip_image` input `frames`: 8-bit RGB in 8x8 blocks, /255, CLIP "
                 "mean/std-normalised, rounded to float16 (feed as float32)", compress=True)
        out.save("clip_image_features", image(f32(frames)), "`clip_image` output `features` (PyTorch)")

        segments = sync_segments(rng, 24, seq.sync_image_size, seq.sync_segment_frames, seq.sync_segment_step)
        out.save("synchformer_segments", segments, "`synchformer` input `segments`: 2 overlapping segments "
                 "(frames 0-15 and 8-23) of a 24-frame clip, values k/256 in 8x8 blocks (feed as float32)",
                 compress=True)
        out.save("synchformer_features", sync(f32(segments)), "`synchformer` output `features` (PyTorch)")

        tokens = tok.tokenize([PROMPT, NEGATIVE_PROMPT])
        out.save("clip_text_tokens", tokens, f"`clip_text` input `tokens`: \"{PROMPT}\" and \"\" (the default "
                 "negative prompt)")
        text_features = text(torch.from_numpy(tokens))
        out.save("clip_text_features", text_features, "`clip_text` output `features` (PyTorch)")

        clip_features = rng.standard_normal((1, seq.clip_len, cfg.network.clip_dim)).astype(np.float32)
        clip_features /= np.linalg.norm(clip_features, axis=-1, keepdims=True)
        sync_features = rng.standard_normal((1, seq.sync_len, cfg.network.sync_dim)).astype(np.float32)
        conditions = graphs.ConditionsGraph(net)
        branches = {
            "cond": {"clip_features": (clip_features, "random unit-norm rows"),
                     "sync_features": (sync_features, "N(0, 1)"),
                     "text_features": (text_features[0:1], "`clip_text_features[0]` (the prompt)")},
            "uncond": {"clip_features": (net.empty_clip_feat.expand(1, seq.clip_len, -1),
                                         "the set's `empty_clip.npy` broadcast over the clip tokens"),
                       "sync_features": (net.empty_sync_feat.expand(1, seq.sync_len, -1),
                                         "the set's `empty_sync.npy` broadcast over the sync tokens"),
                       "text_features": (text_features[1:2], "`clip_text_features[1]` (negative prompt \"\")")}}
        outputs = {}
        for branch, named in branches.items():
            inputs = {name: f32(value) for name, (value, _) in named.items()}
            for name, (_, what) in named.items():
                out.save(f"conditions_{branch}_{name}", inputs[name], f"`conditions` input `{name}` ({branch}): {what}")
            outputs[branch] = conditions(*inputs.values(), torch.tensor([seq.latent_len]))
            for spec, value in zip(graphs.specs(cfg)["conditions"].outputs, outputs[branch]):
                out.save(f"conditions_{branch}_{spec.name}", value, f"`conditions` output `{spec.name}` ({branch})")

        grid = tables.euler_time_grid(STEPS)
        x = f32(rng.standard_normal((2, seq.latent_len, cfg.network.latent_dim)))
        t = torch.stack([grid[1], grid[STEPS - 1]])
        both = [torch.cat([c, u]) for c, u in zip(outputs["cond"], outputs["uncond"])]
        out.save("velocity_x", x, "`velocity` input `x`: N(0, 1); row 0 is a conditional row, row 1 an "
                 "unconditional one (batch 2B, conditional rows first)")
        out.save("velocity_t", t, "`velocity` input `t`: grid values t_1 and t_24 of linspace(0, 1, 26)")
        for spec, value in zip(graphs.specs(cfg)["conditions"].outputs, both):
            out.save(f"velocity_{spec.name}", value, f"`velocity` input `{spec.name}`: the cond row then the "
                     f"uncond row of `conditions_*_{spec.name}`")
        out.save("velocity_flow", graphs.VelocityGraph(net)(x, t, *both), "`velocity` output `flow` (PyTorch)")

        latent = f32(rng.standard_normal((1, seq.latent_len, cfg.network.latent_dim)))
        out.save("decoder_latent", latent, "`vae_decoder` input `latent`: N(0, 1) normalised latent")
        out.save("decoder_waveform", decoder(latent), "`vocoder` output `waveform` of `vae_decoder`'s `mel` (PyTorch)")

        cases = tok.tokenize(TOKENIZER_PROMPTS)
        out.save_json("tokenizer_cases.json", {
            "vocabulary": "model-set/bpe_vocab.txt.gz", "merges": cfg.bpe_merges, "vocab_size": cfg.vocab_size,
            "ftfy": "not applied (identity); no prompt here is one that ftfy would change",
            "rows": [{"prompt": p, "ids": ids.tolist()} for p, ids in zip(TOKENIZER_PROMPTS, cases)]},
            "prompts and their 77 token ids under the tiny vocabulary (reference tokenizer)")

        gen_clip = rng.standard_normal((1, seq.clip_len, cfg.network.clip_dim)).astype(np.float32)
        gen_clip /= np.linalg.norm(gen_clip, axis=-1, keepdims=True)
        gen_sync = rng.standard_normal((1, seq.sync_len, cfg.network.sync_dim)).astype(np.float32)
        noise = f32(rng.standard_normal((1, seq.latent_len, cfg.network.latent_dim)))
        gen_text = text(torch.from_numpy(tokens))
        cond = net.preprocess_conditions(f32(gen_clip), f32(gen_sync), gen_text[0:1])
        uncond = net.empty_conditions(1, gen_text[1:2])
        result = sampler.euler_sample(net, noise, cond, uncond, STEPS, CFG_STRENGTH)
        out.save("generate_clip_features", gen_clip, "generate(): CLIP features (random unit-norm rows)")
        out.save("generate_sync_features", gen_sync, "generate(): Synchformer features (N(0, 1))")
        out.save("generate_tokens", tokens, "generate(): prompt tokens (row 0) and negative-prompt tokens (row 1, \"\")")
        out.save("generate_noise", noise, "generate(): x_0, the initial noise")
        out.save("generate_states", torch.stack(result.states), f"generate(): the {STEPS + 1} Euler states x_0 .. "
                 f"x_{STEPS} ({STEPS} steps, CFG {CFG_STRENGTH}, cond/uncond batched as 2B)")
        out.save("generate_latent", result.x1, "generate(): the final normalised latent x_25")
        out.save("generate_waveform", decoder(result.x1), "generate(): the waveform, `vocoder(vae_decoder(generate_latent))`")

        durations = []
        for duration in GOLDEN_DURATIONS:
            s = dataclasses.replace(seq, duration_s=duration)
            tag = duration_tag(duration)
            clip_f = rng.standard_normal((1, s.clip_len, cfg.network.clip_dim)).astype(np.float32)
            clip_f /= np.linalg.norm(clip_f, axis=-1, keepdims=True)
            sync_f = rng.standard_normal((1, s.sync_len, cfg.network.sync_dim)).astype(np.float32)
            x0 = f32(rng.standard_normal((1, s.latent_len, cfg.network.latent_dim)))
            latent_len = torch.tensor(s.latent_len)
            cond = net.preprocess_conditions(f32(clip_f), f32(sync_f), gen_text[0:1], latent_len)
            uncond = net.preprocess_conditions(net.empty_clip_feat.expand(1, s.clip_len, -1),
                                               net.empty_sync_feat.expand(1, s.sync_len, -1), gen_text[1:2], latent_len)
            result = sampler.euler_sample(net, x0, cond, uncond, STEPS, CFG_STRENGTH)
            what = f"generate() at {duration:g} s"
            out.save(f"{tag}_clip_features", clip_f, f"{what}: CLIP features (random unit-norm rows)")
            out.save(f"{tag}_sync_features", sync_f, f"{what}: Synchformer features (N(0, 1))")
            out.save(f"{tag}_noise", x0, f"{what}: x_0, the initial noise")
            out.save(f"{tag}_latent", result.x1, f"{what}: the final normalised latent")
            out.save(f"{tag}_waveform", decoder(result.x1), f"{what}: the waveform")
            exact = np.minimum(np.floor((np.arange(s.latent_len) + 0.5) * s.sync_len / s.latent_len), s.sync_len - 1)
            durations.append({
                "duration_s": duration, "prefix": tag, "latent_len": s.latent_len, "clip_len": s.clip_len,
                "sync_len": s.sync_len, "samples": s.samples,
                "sync_index_positions_off_exact": int((tables.nearest_exact_index(s.sync_len, s.latent_len) != exact).sum())})
        out.save_json("durations.json", {"prompt": PROMPT, "negative_prompt": NEGATIVE_PROMPT, "steps": STEPS,
                                         "cfg_strength": CFG_STRENGTH, "durations": durations},
                      "the whole generation at other durations than the set's (same prompts, steps and "
                      "guidance as `generate_*`): their lengths and files")

    out.write_readme(README_HEADER.format(seed=WEIGHTS_SEED, input_seed=INPUT_SEED, steps=STEPS, cfg=CFG_STRENGTH))


def duration_tag(duration: float) -> str:
    """File prefix of a duration's goldens: ``duration_2.5s`` is written ``duration_2_5s``."""
    return "duration_" + f"{duration:g}".replace(".", "_") + "s"


README_HEADER = """# Golden data of the tiny model set

Inputs and PyTorch outputs of every graph of `../model-set/` and of one whole generation, written
by `onnx-models/scripts/make_tiny_fixtures.py` (weights: random checkpoints in the official
layouts from seed {seed}; inputs: NumPy's legacy generator from seed {input_seed}). On the same
torch version the script regenerates every file bit for bit; the test suite checks that.

* `.npy` files are NumPy format 1.0; `.npy.gz` are the same, gzip-compressed. float16 inputs hold
  values that float32 represents exactly: convert and feed them as float32.
* Graph goldens are named `<graph>_<io name>`; the generation run is `generate_*`: its text
  features come from `clip_text` on `generate_tokens`, the conditional branch from `conditions` on
  the given features, the unconditional one from the set's empty clip/sync features and the
  negative prompt's text features; then {steps} Euler steps on the time grid
  `linspace(0, 1, {steps} + 1)` (float32) with `v = {cfg} v_cond + (1 - {cfg}) v_uncond` (one
  `velocity` call of batch 2, conditional row first) and `x += (t_(k+1) - t_k) v`; then `vae_decoder` and `vocoder`.
* Tolerances: ONNX Runtime and PyTorch agree to rounding, not bit for bit; the generation
  accumulates 25 steps of such differences."""
