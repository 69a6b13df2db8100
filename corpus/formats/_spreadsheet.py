"""CSV cells for spreadsheets: a text cell starting with = + - @ would run as a formula
when the file is opened, so such cells are written with a leading apostrophe."""
from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@")


def safe_cell(cell):
    return f"'{cell}" if isinstance(cell, str) and cell[:1] in FORMULA_STARTS else cell


def safe_row(row) -> list:
    return [safe_cell(cell) for cell in row]


def unsafe_cell(cell: str) -> str:
    """The text as it was before `safe_cell` (for reading our own files back)."""
    return cell[1:] if cell[:1] == "'" and cell[1:2] in FORMULA_STARTS else cell
