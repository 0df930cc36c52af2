"""CLIP's byte-level BPE tokenizer (open_clip ``SimpleTokenizer``, clean mode ``lower``).

Written from model-facts.md section 4.4 as the reference for the Java tokenizer: the tiny
fixtures' token ids and the export-time checks come from it.

One documented difference: open_clip first runs ``ftfy.fix_text``, which is not available here.
This implementation does every other cleaning step (HTML-unescape twice, whitespace collapse,
lower-case) and treats ``fix_text`` as the identity, which changes the ids only for text that
ftfy would repair (mojibake, ligatures, fullwidth forms, curly quotes, decomposed accents).
The pre-tokenisation regex (which needs ``\\p{L}``/``\\p{N}``) is spelled out with Unicode
categories, so only the standard library is needed.
"""

import gzip
import html
import pathlib
import re
import unicodedata
from typing import Dict, Iterable, List, Sequence, Tuple

import numpy as np

#: Merges in open_clip's full vocabulary: lines 1 .. 48894 of the merges file (line 0 is a header).
FULL_MERGES = 49152 - 256 - 2
CONTEXT_LENGTH = 77
SPECIAL_TOKENS = ("<start_of_text>", "<end_of_text>")
CONTRACTIONS = ("'s", "'t", "'re", "'ve", "'m", "'ll", "'d")


def bytes_to_unicode() -> Dict[int, str]:
    """GPT-2's reversible byte -> printable character table (printable bytes map to themselves)."""
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + \
        list(range(ord("®"), ord("ÿ") + 1))
    chars = list(printable)
    extra = 0
    for b in range(256):
        if b not in printable:
            printable.append(b)
            chars.append(256 + extra)
            extra += 1
    return dict(zip(printable, (chr(c) for c in chars)))


def read_merges(path, merges: int = FULL_MERGES) -> List[Tuple[str, str]]:
    """The first ``merges`` merge rules of a (gzip-compressed) merges file."""
    lines = gzip.open(pathlib.Path(path), "rt", encoding="utf-8").read().split("\n")
    rules = [tuple(line.split()) for line in lines[1:merges + 1]]
    if len(rules) < merges or any(len(rule) != 2 for rule in rules):
        raise ValueError(f"{path} does not hold {merges} merge rules after its header line")
    return rules


def clean(text: str) -> str:
    """open_clip's 'lower' cleaning without ftfy: unescape HTML twice, collapse whitespace, lower-case."""
    text = html.unescape(html.unescape(text)).strip()
    return re.sub(r"\s+", " ", text).strip().lower()


def _is_letter(ch: str) -> bool:
    return unicodedata.category(ch)[0] == "L"


def _is_number(ch: str) -> bool:
    return unicodedata.category(ch)[0] == "N"


def pre_tokenize(text: str) -> List[str]:
    """Splits cleaned text the way open_clip's regex does, alternatives tried in order at each
    position: a special token, a contraction, a run of letters, one digit, a run of other
    non-space symbols; anything else (whitespace) is skipped."""
    pieces = []
    i, n = 0, len(text)
    while i < n:
        match = next((s for s in SPECIAL_TOKENS + CONTRACTIONS if text.startswith(s, i)), None)
        if match is not None:
            end = i + len(match)
        elif _is_letter(text[i]):
            end = i + 1
            while end < n and _is_letter(text[end]):
                end += 1
        elif _is_number(text[i]):
            end = i + 1
        elif not text[i].isspace():
            end = i + 1
            while end < n and not (text[end].isspace() or _is_letter(text[end]) or _is_number(text[end])):
                end += 1
        else:
            i += 1
            continue
        pieces.append(text[i:end])
        i = end
    return pieces


class ClipTokenizer:
    """Token ids for prompts, from a merges list (the full 48,894 or a truncated prefix)."""

    def __init__(self, merges: Sequence[Tuple[str, str]]):
        self.byte_encoder = bytes_to_unicode()
        symbols = list(self.byte_encoder.values())
        vocab = symbols + [s + "</w>" for s in symbols] + ["".join(m) for m in merges] + list(SPECIAL_TOKENS)
        self.encoder = dict(zip(vocab, range(len(vocab))))
        self.ranks = dict(zip(merges, range(len(merges))))
        self.vocab_size = len(vocab)
        self.sot, self.eot = self.encoder[SPECIAL_TOKENS[0]], self.encoder[SPECIAL_TOKENS[1]]
        self.cache = {s: s for s in SPECIAL_TOKENS}

    @classmethod
    def from_file(cls, path, merges: int = FULL_MERGES) -> "ClipTokenizer":
        return cls(read_merges(path, merges))

    def bpe(self, token: str) -> List[str]:
        """Greedy lowest-rank merging of one pre-token (in byte-unicode symbols)."""
        if token in self.cache:
            return self.cache[token].split(" ")
        word = list(token[:-1]) + [token[-1] + "</w>"]
        while len(word) > 1:
            pairs = set(zip(word, word[1:]))
            best = min(pairs, key=lambda pair: self.ranks.get(pair, float("inf")))
            if best not in self.ranks:
                break
            merged, i = [], 0
            while i < len(word):
                if i < len(word) - 1 and (word[i], word[i + 1]) == best:
                    merged.append(word[i] + word[i + 1])
                    i += 2
                else:
                    merged.append(word[i])
                    i += 1
            word = merged
        self.cache[token] = " ".join(word)
        return word

    def encode(self, text: str) -> List[int]:
        """Ids of a prompt without the start/end tokens."""
        ids = []
        for piece in pre_tokenize(clean(text)):
            symbols = "".join(self.byte_encoder[b] for b in piece.encode("utf-8"))
            ids.extend(self.encoder[s] for s in self.bpe(symbols))
        return ids

    def tokenize(self, texts: Iterable[str], context_length: int = CONTEXT_LENGTH) -> np.ndarray:
        """int64 ``[N, context_length]``: start, ids, end, zero padding; over-long prompts keep
        their first ``context_length`` tokens with the last one overwritten by the end token."""
        texts = list(texts)
        out = np.zeros((len(texts), context_length), dtype=np.int64)
        for row, text in enumerate(texts):
            tokens = [self.sot] + self.encode(text) + [self.eot]
            if len(tokens) > context_length:
                tokens = tokens[:context_length]
                tokens[-1] = self.eot
            out[row, :len(tokens)] = tokens
        return out
