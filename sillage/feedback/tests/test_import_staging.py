"""The staging file between an import's check and its commit: chunks come back as written,
and a file staged by the previous format is still read."""

import marshal

from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage

from sillage.feedback.importing.staging import StagingWriter, staged_chunks

CHUNKS = [
    [(2, 7, None, 3, "ext-1", "fr", "2025-01-02 10:00:00", 9, None, None, "Merci", "")],
    [
        (3, 7, 4, 3, None, "en", "2025-01-03 11:00:00", 2, 1, 2, "Trop long\nvraiment", "E01"),
        (4, 8, 4, None, "ext-2", "fr", "2025-01-03 12:00:00", None, 5, None, "", ""),
    ],
]


def test_chunks_come_back_as_written(tmp_path):
    storage = FileSystemStorage(location=tmp_path)
    writer = StagingWriter()
    for chunk in CHUNKS:
        writer.write(chunk)
    name = writer.save(storage, "upload.csv")
    writer.close()
    assert list(staged_chunks(storage, name)) == CHUNKS
    assert writer.written == 3


def test_a_file_staged_before_the_frames_is_still_read(tmp_path):
    storage = FileSystemStorage(location=tmp_path)
    name = storage.save("old.csv.checked", ContentFile(b"".join(marshal.dumps(c) for c in CHUNKS)))
    assert list(staged_chunks(storage, name)) == CHUNKS
