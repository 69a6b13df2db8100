"""The secret key when the environment gives none: made once per installation and kept
in var/secret_key (readable by its owner only), never a key written in the source,
which anyone could use to forge sessions on a server started without SECRET_KEY."""
from __future__ import annotations

import os
from pathlib import Path

from django.core.management.utils import get_random_secret_key


def local_secret_key(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # made earlier, or by a process starting at the same moment
        key = path.read_text().strip()
        if key:
            return key
        raise
    key = get_random_secret_key()
    with os.fdopen(handle, "w") as out:
        out.write(key + "\n")
    return key
