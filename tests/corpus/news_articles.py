"""Four short news articles written for the tests (made-up people and events), with their
persons and organisations marked «[PER:…]» and «[ORG:…]» as the news-ar guidelines ask:
names without titles, organisations with their head («وزارة الصحة»), proclitics outside.
Places are not marked: these articles score the person/organisation taggers.
"""
from __future__ import annotations

import re

ARTICLES = [
    """\
قال الرئيس اللبناني [PER:سمير داود] إن الحكومة ستعقد جلسة طارئة يوم الخميس لبحث أزمة الكهرباء. \
وأضاف [PER:داود] في مؤتمر صحفي أن [ORG:وزارة الطاقة] قدمت خطة لزيادة ساعات التغذية. \
من جهته، أكد وزير المالية [PER:نادر منصور] أن [ORG:البنك الدولي] وافق على قرض جديد. \
ونقلت [ORG:وكالة الأنباء الوطنية] عن مصادر في [ORG:مجلس النواب] أن التصويت سيجري الأسبوع المقبل. \
وكان رئيس [ORG:حزب الوفاق الوطني] [PER:رامي العلي] قد انتقد الخطة، وقال إنها لا تعالج أصل المشكلة.""",
    """\
أعلنت [ORG:وزارة الصحة الأردنية] تسجيل إصابات جديدة بالحمى في محافظة الزرقاء. \
وقالت المتحدثة باسم الوزارة [PER:هالة الخطيب] إن الفرق الطبية تعمل على مدار الساعة. \
والتقى وزير الصحة [PER:جميل سليمان] ممثل [ORG:منظمة الصحة العالمية] في عمان، \
وبحث معه تزويد المستشفيات بالأدوية. وذكرت [ORG:صحيفة الغد] أن [ORG:جامعة اليرموك] \
علقت الدراسة ثلاثة أيام. وقال الطبيب [PER:كريم حداد] لصحيفة محلية إن الوضع تحت السيطرة.""",
    """\
استقبل الشيخ [PER:فادي بن سليمان آل عيسى] في الدوحة وفدا من [ORG:حركة التغيير] برئاسة [PER:وليد النجار]. \
وبحث الجانبان سبل وقف إطلاق النار، بحضور المبعوث الأممي [PER:أنطون فيرغسون]. \
وقال [PER:النجار] للصحفيين إن الحركة مستعدة لتبادل الأسرى. \
في المقابل، نفى المتحدث باسم [ORG:الجيش الوطني] العميد [PER:سلمى يوسف] وجود أي اتفاق، \
وأكدت [ORG:قيادة العمليات المشتركة] أن [ORG:قوات حرس الحدود] ما زالت في مواقعها.""",
    """\
وقعت [ORG:شركة النور للاتصالات] عقدا مع [ORG:مجموعة البحر الأحمر] لمد شبكة ألياف ضوئية. \
وقال المدير التنفيذي للشركة [PER:منى العلي] إن المشروع سيوفر ألف وظيفة. \
وحضر التوقيع وزير الاتصالات [PER:عبد الكريم الحلبي] والسفير الفرنسي [PER:جان دوبوا]. \
ورحب [ORG:اتحاد الغرف التجارية] بالاتفاق، فيما انتقدته [ORG:جمعية حماية المستهلك]. \
وكتب الصحفي [PER:رنا منصور] في [ORG:صحيفة الأيام] أن الأسعار سترتفع رغم ذلك.""",
]

_MARK = re.compile(r"\[(PER|ORG):([^\]]+)\]")


def parse(marked: str) -> tuple[str, list[tuple[int, int, str]]]:
    """The plain text and its (start, end, type) spans."""
    text, spans, at = "", [], 0
    for match in _MARK.finditer(marked):
        text += marked[at:match.start()]
        spans.append((len(text), len(text) + len(match.group(2)), match.group(1)))
        text += match.group(2)
        at = match.end()
    return text + marked[at:], spans


def gold_articles() -> list[tuple[str, list[tuple[int, int, str]]]]:
    return [parse(article) for article in ARTICLES]
