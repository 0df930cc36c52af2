"""The downloader against a local HTTP server on 127.0.0.1 that serves small files (ranges,
dropped connections, servers that cannot resume, Hugging Face's checksum header), and the
checks ``export`` makes before it starts."""

import hashlib
import http.server
import pathlib
import threading

import pytest

from foleystream_export import __main__ as cli
from foleystream_export import config, fetch, official


class _Server:
    """Serves ``files`` (name -> bytes); can drop a transfer halfway or ignore ranges."""

    def __init__(self):
        self.files = {}
        self.etags = {}
        self.drop_once = set()
        self.ignore_ranges = False
        self.requests = []
        self.bytes_sent = 0
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                name = self.path.lstrip("/")
                server.requests.append((name, self.headers.get("Range")))
                if name not in server.files:
                    self.send_error(404)
                    return
                body = server.files[name]
                start = 0
                ranged = self.headers.get("Range")
                if ranged and not server.ignore_ranges:
                    start = int(ranged.split("=")[1].rstrip("-"))
                    if start >= len(body):
                        self.send_response(416)
                        self.end_headers()
                        return
                    self.send_response(206)
                    self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
                else:
                    self.send_response(200)
                self.send_header("Content-Length", str(len(body) - start))
                if name in server.etags:
                    self.send_header("X-Linked-Etag", f'"{server.etags[name]}"')
                self.end_headers()
                payload = body[start:]
                if name in server.drop_once:
                    server.drop_once.discard(name)
                    payload = payload[:len(payload) // 2]
                    # Counted before writing: the client may finish reading (and the test
                    # assert) before this thread runs another line after the write.
                    server.bytes_sent += len(payload)
                    self.wfile.write(payload)
                    self.close_connection = True
                    return
                server.bytes_sent += len(payload)
                self.wfile.write(payload)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    s = _Server()
    yield s
    s.close()


def _blob(seed: int, size: int) -> bytes:
    out = bytearray()
    counter = 0
    while len(out) < size:
        out += hashlib.sha256(f"{seed}-{counter}".encode()).digest()
        counter += 1
    return bytes(out[:size])


def _item(server, name, body, *, md5=True, sha256=None):
    server.files[name] = body
    return fetch.Download(name, server.url + name, "test component", "the test server", "test licence",
                          md5=hashlib.md5(body).hexdigest() if md5 else None, sha256=sha256)


def _run(items, directory, **kwargs):
    log = []
    paths = fetch.fetch_all(items, directory, log.append, wait=lambda seconds: None, progress=False, **kwargs)
    return paths, log


def test_every_file_is_fetched_verified_and_named_with_origin_and_licence(server, tmp_path):
    items = [_item(server, "a.pth", _blob(1, 300_000)), _item(server, "b.pt", _blob(2, 1_234))]
    paths, log = _run(items, tmp_path / "weights")
    for item, path in zip(items, paths):
        assert path.read_bytes() == server.files[item.file]
        assert any(item.file in line and "the test server" in line and "licence: test licence" in line
                   for line in log), log
    assert any("MD5 verified" in line for line in log)
    assert not list((tmp_path / "weights").glob("*.part"))


def test_a_partial_download_is_resumed_with_a_range_request(server, tmp_path):
    body = _blob(3, 200_000)
    item = _item(server, "net.pth", body)
    tmp_path.joinpath("net.pth.part").write_bytes(body[:150_000])
    (path,), log = _run([item], tmp_path)
    assert path.read_bytes() == body
    assert server.requests == [("net.pth", "bytes=150000-")]
    assert server.bytes_sent == 50_000
    assert any("resuming at 150000 bytes" in line for line in log), log


def test_a_dropped_connection_is_resumed_where_it_stopped(server, tmp_path):
    body = _blob(4, 400_000)
    item = _item(server, "vae.pth", body)
    server.drop_once.add("vae.pth")
    (path,), log = _run([item], tmp_path)
    assert path.read_bytes() == body
    assert server.requests[0] == ("vae.pth", None)
    assert server.requests[1] == ("vae.pth", "bytes=200000-")
    assert any("interrupted" in line for line in log), log


def test_a_server_that_cannot_resume_gets_a_fresh_download(server, tmp_path):
    body = _blob(5, 100_000)
    item = _item(server, "voc.pt", body)
    tmp_path.joinpath("voc.pt.part").write_bytes(b"x" * 60_000)
    server.ignore_ranges = True
    (path,), log = _run([item], tmp_path)
    assert path.read_bytes() == body
    assert any("cannot resume" in line for line in log), log


def test_a_checksum_mismatch_keeps_nothing(server, tmp_path):
    item = _item(server, "bad.pth", _blob(6, 10_000))
    wrong = fetch.Download(item.file, item.url, item.component, item.origin, item.licence, md5="0" * 32)
    with pytest.raises(fetch.FetchError, match="bad.pth: checksum mismatch"):
        _run([wrong], tmp_path)
    assert not tmp_path.joinpath("bad.pth").exists()
    assert not tmp_path.joinpath("bad.pth.part").exists()


def test_the_servers_sha256_is_checked_when_upstream_lists_no_sum(server, tmp_path):
    body = _blob(7, 50_000)
    item = _item(server, "clip.bin", body, md5=False)
    server.etags["clip.bin"] = hashlib.sha256(body).hexdigest()
    (_, log) = _run([item], tmp_path)
    assert any("SHA-256 verified" in line for line in log), log

    other = _item(server, "clip2.bin", body, md5=False)
    server.etags["clip2.bin"] = hashlib.sha256(b"something else").hexdigest()
    with pytest.raises(fetch.FetchError, match="clip2.bin: checksum mismatch"):
        _run([other], tmp_path)


def test_a_verified_file_is_not_downloaded_again(server, tmp_path):
    body = _blob(8, 20_000)
    item = _item(server, "sync.pth", body)
    tmp_path.joinpath("sync.pth").write_bytes(body)
    (_, log) = _run([item], tmp_path)
    assert server.requests == []
    assert any("already present and verified" in line for line in log)

    tmp_path.joinpath("sync.pth").write_bytes(b"corrupt")
    (path,), _ = _run([item], tmp_path)
    assert path.read_bytes() == body


def test_a_missing_file_on_the_server_is_a_clear_error(server, tmp_path):
    item = fetch.Download("gone.pth", server.url + "gone.pth", "c", "o", "l", md5="0" * 32)
    with pytest.raises(fetch.FetchError, match="gone.pth: .* answered HTTP 404"):
        _run([item], tmp_path)


@pytest.mark.parametrize("variant", config.RELEASED_VARIANTS)
def test_each_variant_fetches_what_its_export_loads_from_the_official_places(variant):
    cfg = config.builtin(variant)
    items = fetch.downloads(variant)
    names = cfg.checkpoints
    assert [item.file for item in items] == [names.network, names.vae, names.vocoder, names.synchformer,
                                             names.clip, fetch.BPE_FILE]
    for item in items:
        assert item.url.startswith("https://") and item.url.endswith("/" + item.file)
        assert item.md5 == official.KNOWN_MD5.get(item.file)
        assert item.licence
    network = items[0]
    assert network.url == f"https://huggingface.co/hkchengrex/MMAudio/resolve/main/weights/{names.network}"
    assert "CC-BY-NC 4.0" in network.licence
    vocoder = items[2]
    if variant.endswith("16k"):
        assert vocoder.url.startswith("https://github.com/hkchengrex/MMAudio/releases/download/v0.1/")
    else:
        assert vocoder.url.startswith("https://huggingface.co/nvidia/bigvgan_v2_44khz_128band_512x/")


def test_the_pinned_vocabulary_checksum_is_open_clips(parity):
    vocabulary = pathlib.Path(parity) / "tokenizer" / fetch.BPE_FILE
    assert hashlib.sha256(vocabulary.read_bytes()).hexdigest() == fetch.BPE_SHA256


def test_the_command_line_fetches_from_a_mirror_and_fails_in_one_line(server, tmp_path, capsys):
    for item in fetch.downloads("small_16k"):
        server.files[item.file] = b"not the official file"
    code = cli.main(["fetch", "--variant", "small_16k", "--dir", str(tmp_path), "--mirror", server.url])
    err = capsys.readouterr().err
    assert code == 1
    assert "mmaudio_small_16k.pth: checksum mismatch" in err
    assert "CC-BY-NC 4.0" in err
    assert server.requests[0][0] == "mmaudio_small_16k.pth"
    assert cli.main(["fetch", "--variant", "tiny", "--dir", str(tmp_path)]) == 2


def test_export_names_every_missing_file_before_it_starts(tmp_path, capsys):
    out = tmp_path / "set"
    code = cli.main(["export", "--variant", "small_16k", "--weights", str(tmp_path), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    for name in ("mmaudio_small_16k.pth", "v1-16.pth", "best_netG.pt", "synchformer_state_dict.pth",
                 "open_clip_pytorch_model.bin"):
        assert name in err, err
    assert "fetch --variant small_16k" in err
    assert not out.exists()


def test_the_exporter_images_commands_are_the_exporters():
    dockerfile = (pathlib.Path(__file__).resolve().parents[2] / "docker" / "exporter.Dockerfile").read_text()
    script = dockerfile.split("<<'SCRIPT'", 1)[1].split("\nSCRIPT", 1)[0]
    commands = " ".join(script.replace("\\\n", " ").split("\n")).split("python3 -m foleystream_export ")[1:]
    assert [c.split()[0] for c in commands] == ["fetch", "export", "check"]
    parser = cli.build_parser()
    for command in commands:
        words = command.split()
        argv = [w.strip('"').replace("$variant", "small_16k").replace("$precision", "fp16")
                for w in words if not w.startswith("#")]
        args = parser.parse_args(argv)
        assert args.command == argv[0]
    assert "COPY foleystream_export foleystream_export/" in dockerfile
