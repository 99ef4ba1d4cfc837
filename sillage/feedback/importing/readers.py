"""Reading an uploaded file as numbered rows, without ever holding the whole file in memory.

A CSV is read through a text wrapper and Python's `csv` module, record by record; an XLSX
through openpyxl's read-only (streaming) mode. Every row comes with the number a person sees:
for a CSV the PHYSICAL line where the record starts in a text editor (a quoted comment may span
several lines), for an XLSX the sheet's row number.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO, Any

CHUNK_BYTES = 1 << 20
SNIFF_CHARS = 64 * 1024
DELIMITERS = (",", ";", "\t")
# csv refuses fields longer than 128 KiB by default; a long comment must not stop an import.
csv.field_size_limit(16 * 1024 * 1024)


class Unreadable(Exception):
    """The file cannot be read as rows; `code` names the reason (see errors.FILE_MESSAGES)."""

    def __init__(self, code: str, line: int = 0, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.line = line
        self.params = params


@dataclass(frozen=True)
class FileInfo:
    kind: str  # "csv" or "xlsx"
    encoding: str = ""
    delimiter: str = ""
    sha256: str = ""
    line_estimate: int = 0  # physical lines (CSV) or declared sheet rows (XLSX)


def _line_of_offset(fh: IO[bytes], offset: int) -> int:
    """The 1-based line holding byte `offset` (read again from the start, in chunks)."""
    fh.seek(0)
    line, read = 1, 0
    while read < offset:
        chunk = fh.read(min(CHUNK_BYTES, offset - read))
        if not chunk:
            break
        line += chunk.count(b"\n")
        read += len(chunk)
    return line


def _first_cp1252_error(fh: IO[bytes]) -> int | None:
    """Byte offset of the first byte that Windows-1252 cannot decode either, or None."""
    fh.seek(0)
    decoder = codecs.getincrementaldecoder("cp1252")()
    offset = 0
    for chunk in iter(lambda: fh.read(CHUNK_BYTES), b""):
        try:
            decoder.decode(chunk)
        except UnicodeDecodeError as error:
            return offset + error.start
        offset += len(chunk)
    return None


def inspect_file(fh: IO[bytes]) -> FileInfo:
    """Kind, text encoding, separator, SHA-256 and a line estimate, reading the file once.

    Text encodings tried: UTF-16 with a BOM (Excel's "Unicode text"), UTF-8 with or without a
    BOM, then Windows-1252 (what French Excel writes as "CSV"). Raises Unreadable otherwise.
    """
    fh.seek(0)
    head = fh.read(8)
    if not head:
        raise Unreadable("empty_file")
    if head.startswith(b"PK\x03\x04"):
        digest = hashlib.sha256()
        fh.seek(0)
        for chunk in iter(lambda: fh.read(CHUNK_BYTES), b""):
            digest.update(chunk)
        return FileInfo(kind="xlsx", sha256=digest.hexdigest())
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise Unreadable("old_excel")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        encoding = "utf-8-sig"
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder(encoding)()
    newlines = 0
    offset = 0
    last = b""
    utf8_error: int | None = None
    fh.seek(0)
    for chunk in iter(lambda: fh.read(CHUNK_BYTES), b""):
        digest.update(chunk)
        newlines += chunk.count(b"\n")
        last = chunk[-2:]
        if encoding != "utf-16" and b"\x00" in chunk:
            raise Unreadable("not_text")  # a line number means nothing in a binary file
        if utf8_error is None:
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as error:
                utf8_error = offset + error.start
        offset += len(chunk)
    if utf8_error is None:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8_error = offset
    if utf8_error is not None:
        if encoding == "utf-16":
            raise Unreadable("encoding", line=_line_of_offset(fh, utf8_error))
        bad = _first_cp1252_error(fh)
        if bad is not None:
            raise Unreadable("encoding", line=_line_of_offset(fh, bad))
        encoding = "cp1252"
    return FileInfo(
        kind="csv",
        encoding=encoding,
        delimiter=sniff_delimiter(fh, encoding),
        sha256=digest.hexdigest(),
        # Lines, whether or not the last one ends with a newline.
        line_estimate=newlines + (0 if last.rstrip(b"\x00").endswith(b"\n") else 1),
    )


def sniff_delimiter(fh: IO[bytes], encoding: str) -> str:
    """`,`, `;` or tab: the one that splits the first records into the same, largest number
    of fields (quotes respected, so a comma inside a quoted comment does not count)."""
    fh.seek(0)
    text = io.TextIOWrapper(fh, encoding=encoding, newline="")
    try:
        sample = text.read(SNIFF_CHARS)
    finally:
        text.detach()
    lines = sample.splitlines(keepends=True)
    if len(sample) >= SNIFF_CHARS and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut in the middle
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        records = list(_safe_records("".join(lines), delimiter, limit=20))
        if not records:
            continue
        widths = [len(r) for r in records if any(c.strip() for c in r)]
        if not widths:
            continue
        # Prefer a separator giving every record the header's width, then more columns.
        consistent = sum(1 for w in widths if w == widths[0])
        score = (consistent if widths[0] > 1 else 0, widths[0])
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _safe_records(text: str, delimiter: str, limit: int) -> Iterator[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for i, record in enumerate(reader):
            if i >= limit:
                return
            yield record
    except csv.Error:
        return


@dataclass
class RowSource:
    """An open file: `rows()` yields (line number, cells) from the first row of the file."""

    fh: IO[bytes]
    info: FileInfo
    epoch: Any = None  # XLSX date system, for numbers that are Excel serial dates
    _closers: list = field(default_factory=list)

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        if self.info.kind == "xlsx":
            return self._xlsx_rows()
        return self._csv_rows()

    def _csv_rows(self) -> Iterator[tuple[int, list[Any]]]:
        self.fh.seek(0)
        text = io.TextIOWrapper(self.fh, encoding=self.info.encoding, newline="")
        self._closers.append(text.detach)
        reader = csv.reader(text, delimiter=self.info.delimiter or ",")
        start = 1
        try:
            for cells in reader:
                line = start
                start = reader.line_num + 1
                yield line, cells
        except csv.Error as error:
            raise Unreadable("csv", line=start, detail=str(error)) from error

    def _xlsx_rows(self) -> Iterator[tuple[int, list[Any]]]:
        import openpyxl

        self.fh.seek(0)
        try:
            workbook = openpyxl.load_workbook(self.fh, read_only=True, data_only=True)
        except Exception as error:  # noqa: BLE001 - any zip/XML failure means "not a workbook"
            raise Unreadable("xlsx") from error
        self._closers.append(workbook.close)
        self.epoch = workbook.epoch
        sheet = workbook.worksheets[0]
        # Some generators declare a wrong dimension ("A1"); do not trust it to stop reading.
        sheet.reset_dimensions()
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, ["" if v is None else v for v in values]

    def close(self) -> None:
        for closer in reversed(self._closers):
            try:
                closer()
            except ValueError:  # already detached
                pass
        self._closers.clear()


@contextmanager
def open_rows(fh: IO[bytes], info: FileInfo) -> Iterator[RowSource]:
    source = RowSource(fh=fh, info=info)
    try:
        yield source
    finally:
        source.close()


def xlsx_row_estimate(fh: IO[bytes]) -> int:
    """The sheet's declared row count (may be absent or wrong: an estimate for progress)."""
    import openpyxl

    fh.seek(0)
    try:
        workbook = openpyxl.load_workbook(fh, read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001
        raise Unreadable("xlsx") from error
    try:
        return workbook.worksheets[0].max_row or 0
    finally:
        workbook.close()
