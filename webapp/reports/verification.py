"""Checking that a PDF report is authentic and unaltered.

A report is VALID only when all of these hold:
- it parses as a PDF and carries exactly our signature field's signature;
- the signature is cryptographically intact (pyHanko's `intact` and `valid`);
- the signature covers the entire file: nothing was appended after signing (an appended
  revision could change what a viewer shows while the old bytes still verify);
- the signer chains to the configured certificate (`trusted`), and pyHanko's `bottom_line`.

The unit, period, generation time and data hash are read from the PDF's document information
dictionary, which lies inside the signed bytes, so they are as trustworthy as the signature.
"""

import hashlib
import logging
from dataclasses import asdict, dataclass
from io import BytesIO

from flask import current_app
from flask_babel import gettext

from webapp.reports.services import known_report
from webapp.reports.signing import (
    SigningIdentity,
    certificate_fingerprint,
    common_name,
    is_dev_certificate,
    signing_identity,
)

log = logging.getLogger(__name__)

# Keys of the document information dictionary written by the renderer (see rendering.py).
INFO_KEYS = {
    "unit": "/HLUnit",
    "unit_name": "/HLUnitName",
    "period": "/HLPeriod",
    "kind": "/HLKind",
    "locale": "/HLLocale",
    "generated_at": "/HLGeneratedAt",
    "data_sha256": "/HLDataSHA256",
}


def N_(message: str) -> str:
    """Marks a message for extraction; views translate it with gettext() in their locale."""
    return message


MESSAGES = {
    "ok": N_("The signature is valid and the document has not been changed since it was signed."),
    "not_pdf": N_("This file is not a PDF document."),
    "unreadable": N_("The PDF cannot be read: it is damaged or incomplete (truncated)."),
    "no_signature": N_("The PDF carries no digital signature."),
    "modified": N_("The document was changed after it was signed: the signature does not match."),
    "appended": N_("Content was added to the document after it was signed."),
    "untrusted": N_("The signature is not from the configured signing certificate."),
    "invalid": N_("The signature is not valid."),
}


@dataclass
class VerificationResult:
    valid: bool
    code: str
    message: str
    signer: str | None = None
    signer_fingerprint: str | None = None
    trusted_signer: bool = False  # signed by the configured certificate itself
    dev_certificate: bool = False
    signed_at: str | None = None
    unit: str | None = None
    unit_name: str | None = None
    period: str | None = None
    kind: str | None = None
    locale: str | None = None
    generated_at: str | None = None
    data_sha256: str | None = None
    file_sha256: str | None = None

    def to_dict(self) -> dict:
        data = asdict(self)
        data["sha256"] = self.data_sha256  # SPEC 9 name for the summarised data's hash
        return data


def _result(code: str, data: bytes, **fields) -> VerificationResult:
    return VerificationResult(
        valid=code == "ok",
        code=code,
        message=MESSAGES[code],
        file_sha256=hashlib.sha256(data).hexdigest(),
        **fields,
    )


def read_report_info(reader) -> dict:
    """Our metadata from the PDF's /Info dictionary (missing keys are None)."""
    try:
        info = reader.trailer["/Info"]
    except (KeyError, TypeError):
        return dict.fromkeys(INFO_KEYS)
    result = {}
    for field, key in INFO_KEYS.items():
        value = info.get(key)
        result[field] = str(value) if value is not None else None
    return result


def verify_pdf(
    data: bytes, identity: SigningIdentity, *, system_timestamp_roots: bool = False
) -> VerificationResult:
    """Verify `data` against the configured signing identity. Never raises on bad input.

    With `system_timestamp_roots` (set when a TIMESTAMP_URL is configured) RFC 3161 timestamps
    are checked against the operating system's CA list, where public TSAs chain to.
    """
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    if b"%PDF-" not in data[:1024]:  # the header may follow a few junk bytes (ISO 32000)
        return _result("not_pdf", data)
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except Exception as exc:  # pyHanko raises many kinds of errors on damaged files
        log.info("unreadable PDF: %s: %s", exc.__class__.__name__, exc)
        return _result("unreadable", data)
    if not signatures:
        return _result("no_signature", data)
    info = read_report_info(reader)
    embedded = signatures[-1]
    try:
        ts_context = ValidationContext() if system_timestamp_roots else None
        status = validate_pdf_signature(
            embedded,
            ValidationContext(trust_roots=[identity.certificate]),
            ts_validation_context=ts_context,
        )
    except Exception as exc:
        log.info("signature validation failed: %s: %s", exc.__class__.__name__, exc)
        return _result("modified", data, **info)

    cert = status.signing_cert
    fields = dict(info)
    if cert is not None:
        fingerprint = certificate_fingerprint(cert)
        fields.update(
            signer=common_name(cert),
            signer_fingerprint=fingerprint,
            trusted_signer=fingerprint == identity.fingerprint,
            dev_certificate=is_dev_certificate(cert),
        )
    if status.signer_reported_dt is not None:
        fields["signed_at"] = status.signer_reported_dt.isoformat()
    if not (status.intact and status.valid):
        code = "modified"
    elif status.coverage != SignatureCoverageLevel.ENTIRE_FILE or len(signatures) != 1:
        code = "appended"
    elif not status.trusted or not fields.get("trusted_signer"):
        code = "untrusted"
    elif not status.bottom_line:
        code = "invalid"
    else:
        code = "ok"
    return _result(code, data, **fields)


def verification_reply(data: bytes) -> dict:
    """What /verify and POST /api/v1/verify answer for an uploaded file: the verification
    result, its message in the request's language, and whether this server issued the file."""
    result = verify_pdf(
        data,
        signing_identity(),
        system_timestamp_roots=bool(current_app.config.get("TIMESTAMP_URL")),
    )
    reply = result.to_dict()
    reply["message"] = gettext(MESSAGES[result.code])
    reply["archived"] = result.valid and known_report(hashlib.sha256(data).hexdigest()) is not None
    return reply
