"""Without SECRET_KEY in the environment, each installation makes and keeps its own key."""
from __future__ import annotations

import stat

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from tawsim.secret_key import _written_key, local_secret_key


def test_a_key_is_made_once_kept_private_and_reused(tmp_path):
    path = tmp_path / "var" / "secret_key"
    first = local_secret_key(path)
    assert len(first) >= 50
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert local_secret_key(path) == first
    assert local_secret_key(tmp_path / "other" / "secret_key") != first


def test_an_empty_key_file_is_named_not_used(tmp_path):
    path = tmp_path / "secret_key"
    path.write_text("")
    with pytest.raises(ImproperlyConfigured, match="secret_key is empty"):
        _written_key(path, wait_seconds=0.05)


def test_the_running_settings_never_use_a_key_from_the_source():
    source = (settings.BASE_DIR / "tawsim" / "settings.py").read_text()
    assert settings.SECRET_KEY and settings.SECRET_KEY not in source
