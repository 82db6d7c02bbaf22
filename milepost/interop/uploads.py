"""The size limit of a Bundle upload, enforced while the request is read.

A form's `clean_bundle` sees the file only once Django has read all of it (to memory, or
to a temporary file past FILE_UPLOAD_MAX_MEMORY_SIZE). `BundleSizeLimit` is installed as
the first upload handler of the import view: it counts the bytes of the upload as they
arrive and stops reading (Django's StopUpload) once they pass the limit, so a huge upload
costs neither memory nor disk. The view checks CONTENT_LENGTH before that, so an upload
that says it is too big is refused before any of it is read.
"""

from __future__ import annotations

from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest

# A Bundle of two years of weekly questionnaires is well under 2 MB.
MAX_BUNDLE_BYTES = 5 * 1024 * 1024
# The multipart envelope around the file: boundaries, headers, the CSRF token.
ENVELOPE_BYTES = 64 * 1024

TOO_LARGE = f"The file is larger than {MAX_BUNDLE_BYTES // (1024 * 1024)} MB."


def declared_length(request: HttpRequest) -> int:
    """The body size the request says it has (0 when it says nothing or nonsense)."""
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


def too_large(request: HttpRequest) -> bool:
    """Whether the request says it is bigger than a Bundle upload may be; reads nothing."""
    return declared_length(request) > MAX_BUNDLE_BYTES + ENVELOPE_BYTES


class BundleSizeLimit(FileUploadHandler):
    """Stops the upload once a file passes `limit` bytes; `exceeded` says it did."""

    def __init__(self, request: HttpRequest | None = None, limit: int = MAX_BUNDLE_BYTES) -> None:
        super().__init__(request)
        self.limit = limit
        self.exceeded = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > self.limit:
            self.exceeded = True
            # connection_reset: the rest of the body is not read just to be thrown away.
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handlers (memory, temporary file) keep the file
