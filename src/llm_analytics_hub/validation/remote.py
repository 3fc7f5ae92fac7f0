"""Object storage and other fsspec URLs (`s3://bucket/prefix/*.ndjson.gz`, `gs://...`, `memory://...`).

fsspec is imported only when a URL is given, so local runs do not pay for it. Credentials and
endpoints come from the store's usual configuration (AWS_* variables, FSSPEC_S3_ENDPOINT_URL, ...)
or from `storage_options`, the same keyword arguments fsspec takes.
"""

from __future__ import annotations

from typing import Any, BinaryIO

from ..errors import InputError

GLOB_CHARACTERS = frozenset("*?[")
StorageOptions = dict[str, Any]


def _filesystem(url: str, storage_options: StorageOptions | None) -> tuple[Any, str]:
    try:
        from fsspec.core import url_to_fs
    except ImportError:  # pragma: no cover - the [lake] extra is part of dev
        raise InputError(url, 0, "reading URLs needs fsspec: pip install 'llm-analytics-hub[lake]'") from None
    fs, path = url_to_fs(url, **(storage_options or {}))
    return fs, path


def open_url(url: str, storage_options: StorageOptions | None = None) -> BinaryIO:
    fs, path = _filesystem(url, storage_options)
    handle: BinaryIO = fs.open(path, "rb")
    return handle


def read_url(url: str, storage_options: StorageOptions | None = None, start: int | None = None,
             end: int | None = None) -> bytes:
    """The bytes of an object, or of the range [start, end)."""
    fs, path = _filesystem(url, storage_options)
    if not start and end is None:  # whole: no range request (an empty object has no byte 0 to ask for)
        whole: bytes = fs.cat_file(path)
        return whole
    data: bytes = fs.cat_file(path, start=start, end=end)
    return data


def size_of(url: str, storage_options: StorageOptions | None = None) -> int:
    fs, path = _filesystem(url, storage_options)
    return int(fs.size(path))


def expand_url(url: str, storage_options: StorageOptions | None = None) -> list[str]:
    """The object URLs a URL names: itself, or the matches of its glob (sorted). Raises what the store raises."""
    if not GLOB_CHARACTERS & set(url):
        return [url]
    fs, path = _filesystem(url, storage_options)
    protocol = url.split("://", 1)[0]
    return [f"{protocol}://{match}" for match in sorted(fs.glob(path))]


def write_url(url: str, data: bytes, storage_options: StorageOptions | None = None) -> None:
    """Write an object (or a local file, creating its folders)."""
    fs, path = _filesystem(url, storage_options)
    parent = path.rsplit("/", 1)[0]
    if parent and parent != path:
        fs.makedirs(parent, exist_ok=True)
    with fs.open(path, "wb") as handle:
        handle.write(data)
