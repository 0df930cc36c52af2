"""The reference tokenizer reproduces open_clip's ids, and the tiny vocabulary is a faithful prefix."""

import gzip
import json
import pathlib
import sys

import numpy as np
import pytest

from foleystream_export import config, tokenizer

SCRIPTS = pathlib.Path(__file__).resolve().parents[1] / "scripts"


@pytest.fixture(scope="module")
def full(parity):
    return tokenizer.ClipTokenizer.from_file(parity / "tokenizer" / "bpe_simple_vocab_16e6.txt.gz")


def test_vocabulary_layout(full):
    assert full.vocab_size == 49408 and (full.sot, full.eot) == (49406, 49407)


def test_every_reference_prompt(full, parity):
    """open_clip's ids for every prompt of the parity data; where ftfy would change the text, the
    ids it gives when fix_text is the identity (this implementation does not run ftfy)."""
    rows = json.loads((parity / "tokenizer" / "tokens.json").read_text())["rows"]
    assert rows, "the parity data holds no tokenizer rows"
    for row in rows:
        expected = row.get("ids_if_ftfy_fix_text_were_identity", row["ids"])
        assert full.tokenize([row["prompt"]])[0].tolist() == expected, repr(row["prompt"])
        if "ids_if_ftfy_fix_text_were_identity" in row:
            assert expected != row["ids"], f"{row['prompt']!r}: identity ids listed but equal to the ids"


def test_the_id_array_holds_the_json_rows(parity):
    rows = json.loads((parity / "tokenizer" / "tokens.json").read_text())["rows"]
    ids = np.load(parity / "tokenizer" / "ids.npy")
    assert ids.dtype == np.int64 and ids.tolist() == [row["ids"] for row in rows]


def test_documented_vectors(full):
    ids = full.tokenize(["", "A dog barking.", "waves crashing on rocks", "Playing the   GUITAR!!", "dog " * 100])
    assert ids.dtype == np.int64 and ids.shape == (5, 77)
    assert ids[0, :3].tolist() == [49406, 49407, 0]
    assert ids[1, :7].tolist() == [49406, 320, 1929, 32676, 269, 49407, 0]
    assert ids[2, :7].tolist() == [49406, 7882, 24991, 525, 6135, 49407, 0]
    assert ids[3, :7].tolist() == [49406, 1629, 518, 5084, 748, 49407, 0]
    assert ids[4, -3:].tolist() == [1929, 1929, 49407] and (ids[4] != 0).all()


def test_pre_tokenizer_alternatives():
    assert tokenizer.pre_tokenize("don't rock'n'roll 12ab <start_of_text>x") == [
        "don", "'t", "rock", "'", "n", "'", "roll", "1", "2", "ab", "<start_of_text>", "x"]
    assert tokenizer.clean("  &amp;amp;  Two\u00a0\tWords ") == "& two words"


def test_tiny_vocabulary_is_the_first_merges_of_the_full_file(parity):
    sys.path.insert(0, str(SCRIPTS))
    import make_tiny_vocab
    cfg = config.builtin("tiny")
    full_bytes = (parity / "tokenizer" / "bpe_simple_vocab_16e6.txt.gz").read_bytes()
    regenerated = make_tiny_vocab.truncated_vocabulary(full_bytes, cfg.bpe_merges)
    assert regenerated == cfg.bpe_path.read_bytes(), "tiny_bpe.txt.gz is stale: run scripts/make_tiny_vocab.py"
    lines = gzip.decompress(regenerated).decode().split("\n")
    assert len(lines) == cfg.bpe_merges + 1 and lines[1:] == gzip.decompress(full_bytes).decode().split("\n")[1:cfg.bpe_merges + 1]


def test_tiny_vocabulary_ids_agree_with_the_full_one_below_the_cut(full):
    cfg = config.builtin("tiny")
    tiny = tokenizer.ClipTokenizer.from_file(cfg.bpe_path, cfg.bpe_merges)
    assert tiny.vocab_size == cfg.vocab_size == 4514 and (tiny.sot, tiny.eot) == (4512, 4513)
    for word in ("the", "dog", "music", "rain", "water", "people"):
        assert tiny.encode(word) == full.encode(word), word  # common words still merge to one token
    long_word = tiny.encode("barking")
    assert len(long_word) > 1 and all(i < 512 + cfg.bpe_merges for i in long_word)


def test_reading_too_few_merges_fails(tmp_path):
    path = tmp_path / "short.txt.gz"
    path.write_bytes(gzip.compress(b"header\na b\nc d"))
    assert len(tokenizer.read_merges(path, 2)) == 2
    with pytest.raises(ValueError, match="does not hold 3 merge rules"):
        tokenizer.read_merges(path, 3)


def test_export_checks_the_vocabulary(parity, tmp_path):
    from foleystream_export import exporter
    full = parity / "tokenizer" / "bpe_simple_vocab_16e6.txt.gz"
    exporter.check_vocabulary(config.builtin("small_16k"), full)
    exporter.check_vocabulary(config.builtin("tiny"), config.builtin("tiny").bpe_path)
    with pytest.raises(exporter.ExportError, match="does not hold 48894 merge rules"):
        exporter.check_vocabulary(config.builtin("small_16k"), config.builtin("tiny").bpe_path)
    lines = gzip.decompress(full.read_bytes()).decode().split("\n")
    lines[1:20001] = lines[20000:0:-1]  # other merge ranks: another vocabulary
    (tmp_path / "other.txt.gz").write_bytes(gzip.compress("\n".join(lines).encode()))
    with pytest.raises(exporter.ExportError, match="is not open_clip's"):
        exporter.check_vocabulary(config.builtin("small_16k"), tmp_path / "other.txt.gz")
