"""Validate files, globs or fsspec URLs on a Dask `distributed` cluster (extra `llm-analytics-hub[dask]`).

    from distributed import Client
    from llm_analytics_hub.dask import validate

    result = validate(["s3://lake/events/dt=2026-11-29/*.ndjson.gz"], Client("tcp://scheduler:8786"),
                      invalid_out="s3://lake/quarantine/dt=2026-11-29/")
    print(result.tally.valid, result.tally.invalid, result.invalid[:3])

The verdicts are those of `llm-hub validate` on one machine: same counts by label, same files,
lines and findings, in input order.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import InputError
from ..validation.core import BlockOutcome, ValidatorSpec
from ..validation.findings import DocumentResult
from ..validation.inputs import BLOCK_BYTES, InputSource, collect_sources
from ..validation.quarantine import QuarantineWriter, output_names
from ..validation.remote import StorageOptions
from ..validation.reporters import Tally
from .runner import run_on_cluster

__all__ = ["LakeResult", "ValidatorSpec", "iter_outcomes", "validate"]


@dataclass
class LakeResult:
    tally: Tally  # exact counts: documents, valid, invalid, by label, by keyword, unreadable inputs
    invalid: list[DocumentResult] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)  # inputs that could not be read


def iter_outcomes(paths: Sequence[str], cluster: Any, spec: ValidatorSpec | None = None, *,
                  valid_out: str | None = None, keep_invalid: bool = False,
                  storage_options: StorageOptions | None = None,
                  block_bytes: int = BLOCK_BYTES) -> Iterator[BlockOutcome | InputError]:
    """Block outcomes and unreadable inputs in input order, streaming (for very large runs)."""
    sources = collect_sources(paths, storage_options=storage_options)
    names = output_names([s.name for s in sources if isinstance(s, InputSource)])
    return run_on_cluster(sources, cluster, spec or ValidatorSpec(), valid_out=valid_out, keep_invalid=keep_invalid,
                          names=names, storage_options=storage_options, block_bytes=block_bytes)


def validate(paths: Sequence[str], cluster: Any, *, schema: str | None = None, version: str | None = None,
             lenient: bool = False, semantic: bool = False, valid_out: str | None = None,
             invalid_out: str | None = None, storage_options: StorageOptions | None = None,
             block_bytes: int = BLOCK_BYTES) -> LakeResult:
    """Validate every document of `paths` (files, globs, fsspec URLs) on `cluster` (a scheduler address or
    a `distributed.Client`). With valid_out / invalid_out, every document lands in exactly one of them."""
    spec = ValidatorSpec(schema, version, lenient=lenient, semantic=semantic)
    spec.build()  # an unknown type or version fails here, once, not in every task
    sources = collect_sources(paths, storage_options=storage_options)
    names = output_names([s.name for s in sources if isinstance(s, InputSource)])
    result = LakeResult(Tally())
    writer = QuarantineWriter(None, invalid_out, names, write_valid=False, storage_options=storage_options)
    try:
        for item in run_on_cluster(sources, cluster, spec, valid_out=valid_out, keep_invalid=invalid_out is not None,
                                   names=names, storage_options=storage_options, block_bytes=block_bytes):
            if isinstance(item, InputError):
                result.errors.append(item)
                result.tally.unreadable.append(item.source)
                continue
            result.tally.add_block(item)
            result.invalid.extend(item.invalid)
            writer.add(item)
    finally:
        writer.close()
    return result
