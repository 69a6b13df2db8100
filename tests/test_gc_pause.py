"""Bulk steps pause the cyclic collector; pauses nest across threads."""
from __future__ import annotations

import gc
import threading

import pytest

from tawsim.gc_pause import gc_paused


@pytest.fixture(autouse=True)
def collector_on():
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_the_collector_is_off_inside_and_back_on_after_even_on_error():
    with pytest.raises(ValueError):
        with gc_paused():
            assert not gc.isenabled()
            raise ValueError
    assert gc.isenabled()


def test_a_pause_ending_in_one_thread_leaves_another_threads_pause_in_force():
    inside, release = threading.Event(), threading.Event()

    def other():
        with gc_paused():
            inside.set()
            release.wait(5)

    worker = threading.Thread(target=other)
    with gc_paused():
        worker.start()
        inside.wait(5)
    assert not gc.isenabled()  # the other thread is still in its pause
    release.set()
    worker.join(5)
    assert gc.isenabled()


def test_a_collector_switched_off_by_someone_else_stays_off():
    gc.disable()
    with gc_paused():
        pass
    assert not gc.isenabled()
