"""Converting between Moodle GIFT files and bank files, by file extension."""

from __future__ import annotations

from pathlib import PurePath

from quiz.engine.bankfile import BankArea, BankProblem, dump_bank, parse_bank
from quiz.engine.gift import export_gift, parse_gift

GIFT_SUFFIXES = (".gift", ".txt")
BANK_SUFFIXES = (".yaml", ".yml")


def can_convert(source: str, target: str) -> bool:
    s, t = PurePath(source).suffix.lower(), PurePath(target).suffix.lower()
    return (s in GIFT_SUFFIXES and t in BANK_SUFFIXES) or (s in BANK_SUFFIXES and t in GIFT_SUFFIXES)


def convert(text: str, source: str, target: str) -> tuple[list[BankProblem], str]:
    """The converted text, or the problems (each naming its line) that stop the conversion.

    GIFT questions without a $CATEGORY go to an area named after the target file.
    """
    target_path = PurePath(target)
    if PurePath(source).suffix.lower() in GIFT_SUFFIXES:
        default = BankArea(target_path.stem, target_path.stem.replace("-", " ").capitalize(), "")
        imported = parse_gift(text, source, default)
        if imported.problems:
            return list(imported.problems), ""
        if len(imported.banks) != 1:
            return [BankProblem(source, 1, f"the file has {len(imported.banks)} categories and a bank file holds "
                                           "one: split it, or import it in the browser")], ""
        bank = imported.banks[0]
        return [], dump_bank(bank.area, bank.questions)
    bank, found = parse_bank(text, source)
    if bank is None:
        return list(found), ""
    gift, unsupported = export_gift([bank])
    return list(unsupported), gift
