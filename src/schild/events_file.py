"""The events Parquet file of a simulation, written chunk by chunk as the runs finish.

A regular file is written beside its target and renamed into place at the end, so a crash or an error
never leaves a half-written file; a FIFO or a device is written straight into (Parquet needs no seeking
when written through a stream); a symbolic link's target is replaced, keeping the link. A failed write
(a full disk, a closed pipe) is an ``InputError`` naming the path.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO

import pyarrow as pa
import pyarrow.parquet as pq

from .output_paths import output_target, write_error
from .results import temp_file_beside

__all__ = ["EventsFile"]


class EventsFile:
    """Append tables of events to ``path``; ``commit`` finishes the file, ``discard`` drops a partial one."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._target, self._straight = output_target(self.path)
        self._writer: pq.ParquetWriter | None = None
        self._stream: IO[bytes] | None = None
        self._tmp: str | None = None

    def write(self, table: pa.Table) -> None:
        try:
            if self._writer is None:
                self._open(table.schema)
            self._writer.write_table(table)
        except OSError as exc:
            self.discard()
            raise write_error("the events", self.path, exc) from None

    def _open(self, schema: pa.Schema) -> None:
        if self._straight:
            self._stream = open(self._target, "wb")
            self._writer = pq.ParquetWriter(self._stream, schema)
            return
        self._target.parent.mkdir(parents=True, exist_ok=True)
        fd, self._tmp = temp_file_beside(self._target)
        os.close(fd)
        self._writer = pq.ParquetWriter(self._tmp, schema)

    def commit(self) -> None:
        """Finish the file: close the writer, then rename the temporary file into place."""
        try:
            if self._writer is not None:
                self._writer.close()
                self._writer = None
            if self._stream is not None:
                self._stream.close()
                self._stream = None
            if self._tmp is not None:
                os.replace(self._tmp, self._target)
                self._tmp = None
        except OSError as exc:
            self.discard()
            raise write_error("the events", self.path, exc) from None

    def discard(self) -> None:
        """Close everything without raising and remove the temporary file (a no-op after ``commit``)."""
        for closable in (self._writer, self._stream):
            if closable is not None:
                try:
                    closable.close()
                except (OSError, ValueError):  # the stream's own error was already reported
                    pass
        self._writer = self._stream = None
        if self._tmp is not None and os.path.exists(self._tmp):
            os.unlink(self._tmp)
        self._tmp = None
