"""Downloads every file a variant's export needs from the places the official code loads them.

``python -m foleystream_export fetch --variant V --dir D`` puts the flow network, the VAE, the
vocoder, Synchformer, the CLIP model and the CLIP BPE vocabulary into ``D``, where ``export
--weights D`` finds them. Each file:

* comes from its official location (MMAudio's Hugging Face repository and GitHub release, the
  BigVGAN and DFN5B CLIP repositories on Hugging Face, open_clip's repository), the same URLs
  MMAudio's own ``download_utils.py`` and ``from_pretrained`` calls use;
* is checked against the MD5 sum MMAudio's downloader lists, or, for files upstream publishes no
  sum for, the SHA-256 that Hugging Face serves for the stored object (its ``X-Linked-Etag``) or
  the one pinned here;
* is downloaded to ``FILE.part`` first and resumed with an HTTP range request after an
  interruption, then renamed once its checksum matches; a file already present and correct is
  not downloaded again.

Only the standard library is used, so fetching needs no PyTorch.
"""

import dataclasses
import hashlib
import pathlib
import re
import sys
import time
import urllib.error
import urllib.request
from typing import Callable, Dict, List, Optional

from . import config, official

HF_MMAUDIO = "https://huggingface.co/hkchengrex/MMAudio/resolve/main/weights/"
GITHUB_MMAUDIO = "https://github.com/hkchengrex/MMAudio/releases/download/v0.1/"
HF_BIGVGAN_V2 = "https://huggingface.co/nvidia/bigvgan_v2_44khz_128band_512x/resolve/main/"
HF_CLIP = "https://huggingface.co/apple/DFN5B-CLIP-ViT-H-14-384/resolve/main/"
OPEN_CLIP_BPE_URL = ("https://raw.githubusercontent.com/mlfoundations/open_clip/main/src/open_clip/"
                     "bpe_simple_vocab_16e6.txt.gz")
BPE_FILE = "bpe_simple_vocab_16e6.txt.gz"
#: SHA-256 of open_clip's bundled vocabulary (the OpenAI CLIP BPE), unchanged since its release.
BPE_SHA256 = "924691ac288e54409236115652ad4aa250f48203de50a9e4722a6ecd48d6804a"

MMAUDIO_WEIGHTS = "CC-BY-NC 4.0 (MMAudio weights: non-commercial use only)"
CLIP_LICENCE = ("the licence on the model card of apple/DFN5B-CLIP-ViT-H-14-384 "
                "(https://huggingface.co/apple/DFN5B-CLIP-ViT-H-14-384)")
BIGVGAN_LICENCE = "MIT (NVIDIA BigVGAN)"
BPE_LICENCE = "MIT (OpenAI CLIP's BPE vocabulary, as bundled by open_clip)"

#: Attempts per file; each one resumes where the last one stopped.
ATTEMPTS = 4
CHUNK = 1 << 20


class FetchError(RuntimeError):
    """A file could not be downloaded or does not match its checksum."""


@dataclasses.dataclass(frozen=True)
class Download:
    """One file to fetch: where it comes from, what it is, how it is checked and licensed."""

    file: str
    url: str
    component: str
    origin: str
    licence: str
    md5: Optional[str] = None
    sha256: Optional[str] = None


def downloads(variant: str) -> List[Download]:
    """The files a released variant's export needs, in the order they are fetched."""
    cfg = config.builtin(variant)
    if variant not in config.RELEASED_VARIANTS or cfg.checkpoints is None:
        raise config.ConfigError(f"fetch is for the released variants {list(config.RELEASED_VARIANTS)}, "
                                 f"not '{variant}'")
    names = cfg.checkpoints
    out = [Download(names.network, HF_MMAUDIO + names.network, "flow network",
                    "Hugging Face hkchengrex/MMAudio (weights/)", MMAUDIO_WEIGHTS,
                    md5=official.KNOWN_MD5.get(names.network)),
           Download(names.vae, GITHUB_MMAUDIO + names.vae, "VAE",
                    "GitHub release hkchengrex/MMAudio v0.1", MMAUDIO_WEIGHTS,
                    md5=official.KNOWN_MD5.get(names.vae))]
    if names.vocoder in official.KNOWN_MD5:
        out.append(Download(names.vocoder, GITHUB_MMAUDIO + names.vocoder, "vocoder (BigVGAN v1)",
                            "GitHub release hkchengrex/MMAudio v0.1", MMAUDIO_WEIGHTS,
                            md5=official.KNOWN_MD5[names.vocoder]))
    else:
        out.append(Download(names.vocoder, HF_BIGVGAN_V2 + names.vocoder, "vocoder (BigVGAN v2)",
                            "Hugging Face nvidia/bigvgan_v2_44khz_128band_512x", BIGVGAN_LICENCE))
    out.append(Download(names.synchformer, GITHUB_MMAUDIO + names.synchformer, "Synchformer",
                        "GitHub release hkchengrex/MMAudio v0.1", MMAUDIO_WEIGHTS,
                        md5=official.KNOWN_MD5.get(names.synchformer)))
    out.append(Download(names.clip, HF_CLIP + names.clip, "CLIP (DFN5B ViT-H-14-384)",
                        "Hugging Face apple/DFN5B-CLIP-ViT-H-14-384", CLIP_LICENCE))
    out.append(Download(BPE_FILE, OPEN_CLIP_BPE_URL, "CLIP BPE vocabulary",
                        "GitHub mlfoundations/open_clip", BPE_LICENCE, sha256=BPE_SHA256))
    return out


def mirrored(items: List[Download], mirror: str) -> List[Download]:
    """The same files from a mirror that serves each one under its file name."""
    base = mirror.rstrip("/") + "/"
    return [dataclasses.replace(item, url=base + item.file) for item in items]


def fetch_all(items: List[Download], directory: pathlib.Path, log: Callable[[str], None],
              opener: Callable = urllib.request.urlopen, wait: Callable[[float], None] = time.sleep,
              progress: Optional[bool] = None) -> List[pathlib.Path]:
    """Fetches every file into ``directory`` (created if missing); returns their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    if progress is None:
        progress = sys.stderr.isatty()
    paths = []
    for index, item in enumerate(items, 1):
        log(f"[{index}/{len(items)}] {item.file}: {item.component}, from {item.origin} ({item.url}); "
            f"licence: {item.licence}")
        paths.append(_fetch_one(item, directory, log, opener, wait, progress))
    return paths


def _fetch_one(item: Download, directory: pathlib.Path, log, opener, wait, progress) -> pathlib.Path:
    target = directory / item.file
    if target.is_file():
        if item.md5 is None and item.sha256 is None:
            log(f"  {item.file}: already present ({target.stat().st_size} bytes; no published checksum)")
            return target
        if _matches(target, item.md5, item.sha256):
            log(f"  {item.file}: already present and verified")
            return target
        log(f"  {item.file}: present but its checksum does not match; downloading again")
        target.unlink()
    part = directory / (item.file + ".part")
    served_sha256 = None
    for attempt in range(1, ATTEMPTS + 1):
        try:
            served_sha256 = _download(item, part, opener, log, progress) or served_sha256
            break
        except (urllib.error.URLError, OSError, ConnectionError) as error:
            if isinstance(error, urllib.error.HTTPError) and error.code not in (408, 429) and error.code < 500:
                raise FetchError(f"{item.file}: {item.url} answered HTTP {error.code} {error.reason}") from error
            if attempt == ATTEMPTS:
                raise FetchError(f"{item.file}: download failed {ATTEMPTS} times, last: {error}; "
                                 f"run fetch again to resume from {part.stat().st_size if part.exists() else 0} "
                                 f"bytes") from error
            log(f"  {item.file}: interrupted ({error}); resuming (attempt {attempt + 1} of {ATTEMPTS})")
            wait(min(30.0, 2.0 ** attempt))
    sha256 = item.sha256 or served_sha256
    if not _matches(part, item.md5, sha256):
        md5, sha = _digests(part)
        part.unlink()
        expected = f"MD5 {item.md5}" if item.md5 else f"SHA-256 {sha256}"
        raise FetchError(f"{item.file}: checksum mismatch (got MD5 {md5}, SHA-256 {sha}; expected {expected}); "
                         f"the partial file was removed, run fetch again")
    part.replace(target)
    how = "MD5 verified" if item.md5 else ("SHA-256 verified" if sha256 else "no published checksum")
    log(f"  {item.file}: {target.stat().st_size} bytes, {how}")
    return target


def _download(item: Download, part: pathlib.Path, opener, log, progress) -> Optional[str]:
    """Downloads into ``part``, resuming; returns the SHA-256 the server names, if any."""
    have = part.stat().st_size if part.exists() else 0
    request = urllib.request.Request(item.url, headers={"User-Agent": "foleystream-export-fetch"})
    if have:
        request.add_header("Range", f"bytes={have}-")
    try:
        response = opener(request, timeout=60)
    except urllib.error.HTTPError as error:
        if error.code == 416 and have:
            return None  # the part is complete already
        raise
    with response:
        status = getattr(response, "status", 200)
        if have and status != 206:
            log(f"  {item.file}: the server cannot resume; starting again")
            have = 0
        length = response.headers.get("Content-Length")
        total = have + int(length) if length is not None else None
        served = _served_sha256(response.headers)
        if have:
            log(f"  {item.file}: resuming at {have} bytes")
        bar = _Progress(item.file, total, progress, log)
        with open(part, "ab" if have else "wb") as out:
            done = have
            while True:
                block = response.read(CHUNK)
                if not block:
                    break
                out.write(block)
                done += len(block)
                bar.update(done)
        if total is not None and done < total:
            raise ConnectionError(f"connection closed at {done} of {total} bytes")
        bar.finish(done)
        return served


def _served_sha256(headers) -> Optional[str]:
    """Hugging Face names a stored object's SHA-256 in ``X-Linked-Etag`` (or ``ETag``)."""
    for name in ("X-Linked-Etag", "ETag"):
        value = (headers.get(name) or "").strip().strip('"')
        if value.startswith("W/"):
            value = value[2:].strip('"')
        if re.fullmatch(r"[0-9a-f]{64}", value):
            return value
    return None


def _matches(path: pathlib.Path, md5: Optional[str], sha256: Optional[str]) -> bool:
    if md5 is None and sha256 is None:
        return True
    got_md5, got_sha = _digests(path)
    return (md5 is None or md5 == got_md5) and (sha256 is None or sha256 == got_sha)


def _digests(path: pathlib.Path):
    md5, sha = hashlib.md5(), hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(CHUNK * 4), b""):
            md5.update(block)
            sha.update(block)
    return md5.hexdigest(), sha.hexdigest()


class _Progress:
    """A bar redrawn in place on a terminal; elsewhere a plain line per tenth of the file."""

    def __init__(self, name: str, total: Optional[int], interactive: bool, log):
        self.name, self.total, self.interactive, self.log = name, total, interactive, log
        self.last_tenth = 0
        self.started = time.monotonic()

    def update(self, done: int) -> None:
        if not self.total:
            return
        if self.interactive:
            filled = 30 * done // self.total
            sys.stderr.write(f"\r  {self.name} [{'#' * filled}{'.' * (30 - filled)}] "
                             f"{done / 1e6:.0f}/{self.total / 1e6:.0f} MB")
            sys.stderr.flush()
            return
        tenth = 10 * done // self.total
        if tenth > self.last_tenth:
            self.last_tenth = tenth
            self.log(f"  {self.name}: {done / 1e6:.1f} of {self.total / 1e6:.1f} MB ({10 * tenth} %)")

    def finish(self, done: int) -> None:
        if self.interactive and self.total:
            sys.stderr.write("\n")
        seconds = max(time.monotonic() - self.started, 1e-6)
        self.log(f"  {self.name}: {done / 1e6:.1f} MB in {seconds:.1f} s")


def licences(items: List[Download]) -> Dict[str, List[str]]:
    """File names grouped by licence, for the summary."""
    grouped: Dict[str, List[str]] = {}
    for item in items:
        grouped.setdefault(item.licence, []).append(item.file)
    return grouped
