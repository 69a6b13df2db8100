"""Helpers shared by the benchmark modules: set-up against the bench database,
timing, peak memory, and generated Arabic text."""
from __future__ import annotations

import json
import os
import random
import resource
import statistics
import time


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tawsim.settings")
    import django

    django.setup()
    from django.db import connections

    # The parent created this database; point the default connection at it.
    connections.databases["default"]["NAME"] = os.environ["TAWSIM_BENCH_DB"]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def p95_ms(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] * 1000


def timed(fn, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return samples


WORDS = (
    "التقى وزير الخارجية نظيره في العاصمة يوم الخميس وبحث الطرفان سبل التعاون بين البلدين وقال "
    "المتحدث إن المحادثات كانت مثمرة وأضاف أن الجولة المقبلة ستعقد الشهر المقبل بحضور ممثلين عن "
    "الحكومة والمنظمات الدولية وأكد مصدر مطلع أن الاتفاق يشمل ملفات الطاقة والمياه والحدود"
).split() + ["سمير", "داود", "القاهرة", "وبحلب", "دمشق", "١٢", "2026", "Reuters", "،", "."]


def arabic_text(rng: random.Random, chars: int) -> str:
    words, size = [], 0
    while size < chars:
        word = rng.choice(WORDS)
        words.append(word)
        size += len(word) + 1
    return " ".join(words)[:chars].strip()


def report(figures: dict) -> None:
    print(json.dumps(figures, ensure_ascii=False))
