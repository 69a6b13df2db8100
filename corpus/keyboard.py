"""Which physical key a shortcut stands for. The editor matches shortcuts by the key's
character and by its physical key (event.code, static/editor/keys.js), so «ش» typed on
an Arabic layout and «a» on a Latin one are the same key: two types may not share it."""
from __future__ import annotations

# The Arabic (101) PC layout: the character each Latin letter or punctuation key types.
ARABIC_LAYOUT = {
    "q": "ض", "w": "ص", "e": "ث", "r": "ق", "t": "ف", "y": "غ", "u": "ع", "i": "ه", "o": "خ", "p": "ح",
    "[": "ج", "]": "د", "a": "ش", "s": "س", "d": "ي", "f": "ب", "g": "ل", "h": "ا", "j": "ت", "k": "ن",
    "l": "م", ";": "ك", "'": "ط", "z": "ئ", "x": "ء", "c": "ؤ", "v": "ر", "n": "ى", "m": "ة", ",": "و",
    ".": "ز", "/": "ظ", "`": "ذ",
}
_LATIN_FOR = {arabic: latin for latin, arabic in ARABIC_LAYOUT.items()}
# Eastern Arabic digits type on the digit keys.
_LATIN_FOR.update({chr(0x0660 + n): str(n) for n in range(10)})
_LATIN_FOR.update({chr(0x06F0 + n): str(n) for n in range(10)})

# Keys the editor itself uses outside the type keys (link, step through events and
# suggestions, roles); a type shortcut on them would never fire.
RESERVED = frozenset("l[].,;'")


def physical_key(shortcut: str) -> str:
    """The Latin key (lower case letter, digit or punctuation) a one-character shortcut is
    typed with; the shortcut itself when it is on no known key."""
    char = shortcut.lower()
    return _LATIN_FOR.get(char, char)
