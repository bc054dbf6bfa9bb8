"""Vietnamese phone numbers: what a citizen may type, and the one form we store.

Pure functions (no app, no database), shared by the sync checks and the CLI.

Accepted: the national form starting with 0, or the international one with +84 / 84 / 0084
in front (the 0 then dropped, as dialled from abroad); spaces, dots, dashes and brackets are
ignored. After that the number must be
- a mobile number: 0 then 3, 5, 7, 8 or 9, 10 digits in all (e.g. 0912 345 678), or
- a landline: 02 then the area code and subscriber, 11 digits in all (e.g. 028 3829 1234).
Everything else (short codes, 1800/1900 service numbers, foreign numbers) is refused.
"""

import re

_SEPARATORS = re.compile(r"[\s.\-()]")
_MOBILE = re.compile(r"^0[35789][0-9]{8}$")
_LANDLINE = re.compile(r"^02[0-9]{9}$")
MAX_INPUT_LENGTH = 40


class PhoneError(ValueError):
    pass


def normalise_phone(raw: object) -> str:
    """The national form (0…) of a Vietnamese mobile or landline number; PhoneError else."""
    if not isinstance(raw, str) or not raw.strip():
        raise PhoneError("a phone number is required")
    if len(raw) > MAX_INPUT_LENGTH:
        raise PhoneError("is too long for a phone number")
    digits = _SEPARATORS.sub("", raw)
    if digits.startswith("+84"):
        digits = "0" + digits[3:].removeprefix("0")
    elif digits.startswith("0084"):
        digits = "0" + digits[4:].removeprefix("0")
    elif digits.startswith("84") and len(digits) in (11, 12):
        # 84 without + or 0 in front: a local number never starts with 8 (they start with 0)
        digits = "0" + digits[2:]
    if not digits.isascii() or not digits.isdigit():
        raise PhoneError("may contain only digits, spaces, dots, dashes and a leading +84")
    if _MOBILE.match(digits) or _LANDLINE.match(digits):
        return digits
    raise PhoneError(
        "is not a Vietnamese phone number (mobile 0[35789]… with 10 digits,"
        " landline 02… with 11 digits)"
    )
