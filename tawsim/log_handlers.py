"""Log handlers."""
from __future__ import annotations

import logging
import sys


class CurrentStderrHandler(logging.StreamHandler):
    """Writes each record to whatever `sys.stderr` is when it is logged.

    A plain StreamHandler keeps the stream it was built with. Under pytest that is a
    capture file, closed after its test; a live-server thread logging a request later
    then prints "Logging error ... I/O operation on closed file" instead of the line.
    """

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        """The stream is always the current stderr; StreamHandler's own assignment is ignored."""
