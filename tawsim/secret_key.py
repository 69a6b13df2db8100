"""The secret key when the environment gives none: made once per installation and kept
in var/secret_key (readable by its owner only), never a key written in the source,
which anyone could use to forge sessions on a server started without SECRET_KEY."""
from __future__ import annotations

import os
import time
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key


def local_secret_key(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # made earlier, or by a process starting at the same moment
        return _written_key(path)
    key = get_random_secret_key()
    with os.fdopen(handle, "w") as out:
        out.write(key + "\n")
    return key


def _written_key(path: Path, wait_seconds: float = 2.0) -> str:
    """The key in the file, waiting a moment for a process that has just created it."""
    deadline = time.monotonic() + wait_seconds
    while not (key := path.read_text().strip()):
        if time.monotonic() > deadline:
            raise ImproperlyConfigured(f"{path} is empty: delete it to make a new secret key, or set SECRET_KEY")
        time.sleep(0.02)
    return key
