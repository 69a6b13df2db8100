"""Arabic texts several annotate test modules annotate (made up for the tests)."""

# A meeting, a statement and a date.
MEETING = (
    "التقى سمير داود مع نبيل حداد في دمشق يوم ١٢ آذار 2021 بوساطة منظمة الأمل، "
    "وقال سمير داود إن اللقاء كان مثمرا."
)

# One person written four ways (two spellings of «هاكان» among them), for the knowledge base.
KB_STORY = (
    "قال هاكان فيدان إن حقان فيدان سيزور دمشق، وأكد هاكان فيدان أن الوزير "
    "هاكان فيدان التقى أحمد سامي في حلب."
)

# Two reports of one meeting, the minister's name spelt two ways: for event clusters.
MEETING_REPORTS = {
    "c-1": "التقى هاكان فيدان أحمد سامي في دمشق يوم الأحد.",
    "c-2": "اجتمع وزير الخارجية حقان فيدان مع أحمد سامي في العاصمة دمشق.",
}
