"""The interface is Arabic first: every string the code marks for translation has an
Arabic translation, and every plural message has all six Arabic plural forms.

Strings are found the way Django's makemessages would find them, by pattern: Python
gettext calls (corpus.deferred_text's gettext_deferred / ngettext_deferred too),
`{% translate %}` and `{% blocktranslate %}` in templates, and
gettext/ngettext in the editor's scripts."""
from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = ROOT / "locale" / "ar" / "LC_MESSAGES"
SKIP = {".venv", "var", "tests", "node_modules", "migrations", "vendor", ".git"}
# One Python string argument: a literal, or literals split over lines and joined implicitly.
STRING = r'((?:"(?:[^"\\]|\\.)*"\s*)+)'
LITERAL = re.compile(r'"((?:[^"\\]|\\.)*)"')
PY_SINGULAR = re.compile(r"\b(?:_|_lazy|gettext|gettext_lazy|gettext_noop|gettext_deferred)\(\s*" + STRING + r"\s*[,)]")
PY_CONTEXT = re.compile(r"\bpgettext(?:_lazy)?\(\s*" + STRING + r",\s*" + STRING + r"\s*[,)]")
PY_PLURAL = re.compile(r"\bngettext(?:_lazy|_deferred)?\(\s*" + STRING + r",\s*" + STRING)
TEMPLATE_SINGULAR = re.compile(r"""\{%\s*(?:translate|trans)\s+(["'])(.+?)\1""")
TEMPLATE_BLOCK = re.compile(
    r"\{%\s*blocktrans(?:late)?(?P<args>[^%]*)%\}(?P<body>.*?)\{%\s*endblocktrans(?:late)?\s*%\}", re.S
)
JS_SINGULAR = re.compile(r"""\bgettext\(\s*(["'])(.+?)\1\s*\)""")
JS_PLURAL = re.compile(r"""\bngettext\(\s*(["'])(.+?)\1\s*,\s*(["'])(.+?)\3""")


def _unescape(text: str) -> str:
    return text.encode().decode("unicode_escape").encode("latin-1").decode() if "\\" in text else text


def _joined(literals: str) -> str:
    """The value of adjacent string literals, as Python joins them."""
    return "".join(_unescape(part) for part in LITERAL.findall(literals))


def _files(pattern: str):
    for path in ROOT.rglob(pattern):
        if not SKIP & set(path.relative_to(ROOT).parts):
            yield path, path.read_text(encoding="utf-8")


def _block_message(args: str, body: str) -> tuple[str, str | None]:
    """The msgid (and plural msgid) Django builds from a blocktranslate body."""
    def to_format(part: str) -> str:
        part = re.sub(r"\{\{\s*(\w+)\s*\}\}", r"%(\1)s", part)
        return " ".join(part.split()) if "trimmed" in args else part

    singular, _, plural = body.partition("{% plural %}")
    return to_format(singular), (to_format(plural) if plural else None)


def marked_messages() -> set[tuple[str, str | None, str]]:
    """(msgid, plural msgid or None, where) for every marked string."""
    found = set()
    for path, text in _files("*.py"):
        found |= {(_joined(m[1]), None, str(path)) for m in PY_SINGULAR.finditer(text)}
        found |= {(_joined(m[2]), None, str(path)) for m in PY_CONTEXT.finditer(text)}
        found |= {(_joined(m[1]), _joined(m[2]), str(path)) for m in PY_PLURAL.finditer(text)}
    for path, text in _files("*.html"):
        found |= {(m[2], None, str(path)) for m in TEMPLATE_SINGULAR.finditer(text)}
        for m in TEMPLATE_BLOCK.finditer(text):
            singular, plural = _block_message(m["args"], m["body"])
            found.add((singular, plural, str(path)))
    for path, text in _files("*.js"):
        found |= {(m[2], None, str(path)) for m in JS_SINGULAR.finditer(text)}
        found |= {(m[2], m[4], str(path)) for m in JS_PLURAL.finditer(text) if "catalogue" not in m[0]}
    return found


def translations() -> dict[str, tuple[str, ...]]:
    done = {}
    for po in CATALOGUES.glob("*.po"):
        with po.open("rb") as handle:
            for message in read_po(handle):
                key = message.id[0] if isinstance(message.id, tuple) else message.id
                strings = message.string if isinstance(message.string, tuple) else (message.string,)
                if key and not message.fuzzy and all(strings):
                    done[key] = strings
    return done


def test_every_marked_string_has_an_arabic_translation():
    done = translations()
    missing = sorted(f"{where}: {msgid}" for msgid, _plural, where in marked_messages() if msgid not in done)
    assert not missing, "no Arabic translation for:\n" + "\n".join(missing)


def test_plural_messages_have_all_six_arabic_forms():
    done = translations()
    short = sorted(
        f"{where}: {msgid}" for msgid, plural, where in marked_messages()
        if plural and msgid in done and len(done[msgid]) != 6
    )
    assert not short, "plural messages without the six Arabic forms:\n" + "\n".join(short)


def test_the_scan_finds_strings_of_every_kind():
    """The patterns above still match the code (a scan that finds nothing passes vacuously)."""
    found = marked_messages()
    kinds = {Path(where).suffix for _msgid, _plural, where in found}
    assert {".py", ".html", ".js"} <= kinds
    assert any(plural for _msgid, plural, _where in found)
    # Messages translated when shown (corpus.deferred_text) are found too, plurals included.
    assert any(msgid == "%(error)s: %(reason)s" for msgid, _plural, _where in found)
    assert any(msgid == "%(count)d event" and plural for msgid, plural, _where in found)
    # A message split over lines is read whole.
    assert any(msgid.startswith("project %(slug)s: no training data") and msgid.endswith("bootstrap corpus).")
               for msgid, _plural, _where in found)


PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")


def test_one_and_two_are_said_in_words():
    """Arabic says «وثيقة واحدة» and «وثيقتان», never «1 وثيقة» or «2 وثيقتين»: the one and
    two forms of a plural message name the count in words, so they hold one placeholder
    fewer than the general form."""
    digits = []
    for po in CATALOGUES.glob("*.po"):
        with po.open("rb") as handle:
            for message in read_po(handle):
                if not message.pluralizable or not all(message.string):
                    continue
                other = len(PLACEHOLDER.findall(message.string[5]))
                digits += [f"{message.id[0]!r} form {form}: {message.string[form]}" for form in (1, 2)
                           if len(PLACEHOLDER.findall(message.string[form])) >= other]
    assert not digits, "say one and two in words:\n" + "\n".join(digits)
