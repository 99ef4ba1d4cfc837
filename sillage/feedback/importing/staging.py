"""The rows a check found valid, kept for the commit next to the uploaded file.

The check pass reads and validates every row; it also writes the valid rows, already parsed,
to a staging file (marshal chunks, in the same storage as the upload, so any worker can
commit). The commit then streams that file straight into the database instead of parsing
the upload again: its cost is the INSERT (or COPY) alone.

What may have changed in between is guarded: the units, touchpoints, surveys and employee
codes the rows use are checked again before writing, and a duplicate external id trips the
database's unique constraint; either rolls the whole commit back.
"""

from __future__ import annotations

import marshal
import struct
import tempfile
from collections.abc import Iterator
from typing import IO, Any

from django.core.files import File
from django.core.files.storage import Storage

from sillage.feedback.importing.validate import Record

SUFFIX = ".checked"
# Each chunk is framed (its length, then its marshal bytes) and read back with one `read` and
# one `marshal.loads`: `marshal.load` on a file asks the file for every value it reads, which
# made reading the chunks a fifth of the commit. Files staged before the frames (no magic
# header) are still read.
MAGIC = b"SILLAGE-STAGED-2\n"
FRAME = struct.Struct("<Q")


def _raw(handle: Any) -> Any:
    while isinstance(handle, File):
        handle = handle.file
    return handle


class StagingWriter:
    """A writer for the check pass: valid rows go to a temporary file, in chunks."""

    def __init__(self) -> None:
        self.tmp: IO[bytes] = tempfile.TemporaryFile(prefix="sillage-staged-")
        self.tmp.write(MAGIC)
        self.written = 0
        self.units: set[int] = set()
        self.touchpoints: set[int] = set()
        self.surveys: set[int] = set()
        self.employees: set[str] = set()

    def prepare(self, records: list[Record]) -> list[tuple[Any, ...]]:
        return records

    def write_prepared(self, rows: list[tuple[Any, ...]]) -> None:
        self.write(rows)

    def write(self, records: list[Record]) -> None:
        rows = records if type(records) is list else list(records)
        blob = marshal.dumps(rows)
        self.tmp.write(FRAME.pack(len(blob)))
        self.tmp.write(blob)
        self.written += len(rows)
        self.units.update(r[1] for r in records)
        self.touchpoints.update(r[2] for r in records if r[2] is not None)
        self.surveys.update(r[3] for r in records if r[3] is not None)
        self.employees.update(r[11] for r in records if r[11])

    def refs(self) -> dict[str, list[Any]]:
        return {
            "units": sorted(self.units),
            "touchpoints": sorted(self.touchpoints),
            "surveys": sorted(self.surveys),
            "employees": sorted(self.employees),
        }

    def save(self, storage: Storage, upload_name: str) -> str:
        self.tmp.seek(0)
        return storage.save(upload_name + SUFFIX, File(self.tmp))

    def close(self) -> None:
        self.tmp.close()


def staged_chunks(storage: Storage, name: str) -> Iterator[list[tuple[Any, ...]]]:
    """The staged rows, one chunk at a time (memory holds one chunk)."""
    # Written by StagingWriter only, under a name kept in the job: not user input.
    with storage.open(name, "rb") as handle:
        raw = _raw(handle)
        if raw.read(len(MAGIC)) != MAGIC:
            raw.seek(0)
            while True:
                try:
                    yield marshal.load(raw)  # noqa: S302
                except EOFError:
                    return
        while header := raw.read(FRAME.size):
            (size,) = FRAME.unpack(header)
            yield marshal.loads(raw.read(size))  # noqa: S302
