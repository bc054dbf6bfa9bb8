"""Signing PDFs with PAdES (pyHanko): the configured certificate, or a development one.

Production sets `FLASK_SIGNING_P12_PATH` / `FLASK_SIGNING_P12_PASSWORD` (a PKCS#12 file with the
key and certificate of the issuing body). Without them a self-signed development certificate is
created once in the instance folder and every use logs a warning; PDFs signed with it say so on
the verification page.

The visible stamp is drawn with the vendored Noto Sans through pyHanko's OpenType support,
because pyHanko's built-in Courier cannot show Vietnamese diacritics.
"""

import hashlib
import logging
import os
import secrets
import threading
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from flask import current_app

if TYPE_CHECKING:  # pyHanko loads in a few hundred ms: imported where signing happens
    from asn1crypto import x509
    from pyhanko.sign.signers import Signer

log = logging.getLogger(__name__)

FONT_DIR = Path(__file__).resolve().parent.parent.parent / "static" / "fonts"
STAMP_FONT = FONT_DIR / "NotoSans-Regular.ttf"
DEV_CERT_FILE = "dev-signing.pem"
# Marks the development certificate so verification can warn about it.
DEV_MARKER = "Hai Long development certificate - not for official use"
SIGNATURE_FIELD = "HaiLongSignature"

_lock = threading.Lock()


class SigningError(RuntimeError):
    pass


@dataclass(frozen=True)
class SigningIdentity:
    signer: "Signer"
    certificate: "x509.Certificate"
    fingerprint: str  # SHA-256 of the DER certificate, hex
    subject: str
    common_name: str
    is_dev: bool


def certificate_fingerprint(cert) -> str:
    return hashlib.sha256(cert.dump()).hexdigest()


def common_name(cert) -> str:
    native = cert.subject.native
    return native.get("common_name") or cert.subject.human_friendly


def is_dev_certificate(cert) -> bool:
    """A self-signed certificate carrying our development marker."""
    unit = cert.subject.native.get("organizational_unit_name")
    units = unit if isinstance(unit, list) else [unit]
    return cert.self_signed != "no" and DEV_MARKER in units


def signing_identity(app=None) -> SigningIdentity:
    """The app's signer, loaded once per process (signing keys do not change while running)."""
    # Flask types current_app as the Flask it proxies, without the proxy's own method.
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    cached = app.extensions.get("hailong_signing")
    if cached is not None:
        return cached
    with _lock:
        cached = app.extensions.get("hailong_signing")
        if cached is None:
            cached = _load_identity(app)
            app.extensions["hailong_signing"] = cached
    return cached


def _load_identity(app) -> SigningIdentity:
    from pyhanko.sign import signers

    path = app.config.get("SIGNING_P12_PATH")
    if path:
        password = app.config.get("SIGNING_P12_PASSWORD")
        # from_prefixed_env parses JSON, so a password of digits arrives as an int.
        if password is not None and not isinstance(password, bytes):
            password = str(password).encode()
        if not Path(path).is_file():
            raise SigningError(f"SIGNING_P12_PATH {path!r} is not a readable file")
        signer = signers.SimpleSigner.load_pkcs12(pfx_file=str(path), passphrase=password)
        if signer is None:
            raise SigningError(f"cannot load the PKCS#12 file {path!r} (wrong password?)")
        is_dev = False
    else:
        pem = ensure_dev_certificate(Path(app.instance_path) / DEV_CERT_FILE, app.config)
        signer = signers.SimpleSigner.load(str(pem), str(pem))
        if signer is None:
            raise SigningError(f"cannot load the development certificate {pem}")
        is_dev = True
        log.warning(
            "PDF reports are signed with a self-signed DEVELOPMENT certificate (%s); set "
            "FLASK_SIGNING_P12_PATH and FLASK_SIGNING_P12_PASSWORD for official reports",
            pem,
        )
    cert = signer.signing_cert
    return SigningIdentity(
        signer=signer,
        certificate=cert,
        fingerprint=certificate_fingerprint(cert),
        subject=cert.subject.human_friendly,
        common_name=common_name(cert),
        is_dev=is_dev or is_dev_certificate(cert),
    )


def ensure_dev_certificate(path: Path, config) -> Path:
    """Create the development key + self-signed certificate once (one PEM file, mode 0600).

    Several gunicorn workers may start at once: the file is written under a temporary name and
    hard-linked into place, so exactly one certificate wins and everybody loads that one.
    """
    if path.exists():
        return path
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    # ECDSA P-256: small signatures and fast key loading (pyHanko reloads the key per PDF).
    key = ec.generate_private_key(ec.SECP256R1())
    issuer = config.get("ISSUING_BODY_VI") or "Hài Lòng"
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, issuer),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, DEV_MARKER),
            x509.NameAttribute(NameOID.COMMON_NAME, f"{issuer} (thử nghiệm)"),
        ]
    )
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ) + cert.public_bytes(serialization.Encoding.PEM)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    try:
        os.link(tmp, path)
        log.warning("Created a self-signed development signing certificate in %s", path)
    except FileExistsError:
        pass  # another process was first; use its certificate
    finally:
        tmp.unlink()
    return path


@dataclass(frozen=True)
class StampBox:
    """Where the visible stamp goes: page index (-1 = last) and PDF user-space box."""

    page: int
    box: tuple[int, int, int, int]


# Latin, Vietnamese (Latin Extended Additional, combining marks) and punctuation.
STAMP_UNICODES = [
    *range(0x20, 0x7F),
    *range(0xA0, 0x250),
    *range(0x300, 0x370),
    *range(0x1E00, 0x1F00),
    *range(0x2000, 0x2070),
]
_stamp_styles: dict[str, object] = {}


def stamp_font(instance_path: str) -> Path:
    """A Latin + Vietnamese subset of the vendored Noto Sans, made once per instance folder.

    pyHanko subsets the stamp font on every signature; with the full Noto Sans (Greek,
    Cyrillic, large layout tables) that alone took ~0.45 s per PDF, with this subset ~0.03 s.
    """
    source = STAMP_FONT.read_bytes()
    digest = hashlib.sha256(source).hexdigest()[:12]
    path = Path(instance_path) / f"stamp-font-{digest}.ttf"
    if path.exists():
        return path
    from fontTools import subset

    options = subset.Options()
    # Vietnamese letters all exist precomposed (stamp text is NFC), so the stamp needs no
    # OpenType layout; dropping GSUB/GPOS is what makes per-signature subsetting cheap.
    options.layout_features = []
    options.drop_tables += ["GSUB", "GPOS", "GDEF"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    font = subset.load_font(str(STAMP_FONT), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=STAMP_UNICODES)
    subsetter.subset(font)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    subset.save_font(font, str(tmp), options)
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass  # another worker made it first: identical content
    finally:
        tmp.unlink()
    return path


def stamp_style(instance_path: str):
    """Built once per process and instance folder."""
    style = _stamp_styles.get(instance_path)
    if style is None:
        from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
        from pyhanko.pdf_utils.text import TextBoxStyle
        from pyhanko.stamp import TextStampStyle

        font = GlyphAccumulatorFactory(str(stamp_font(instance_path)), font_size=8)
        style = _stamp_styles[instance_path] = TextStampStyle(
            stamp_text="%(line1)s\n%(line2)s\n%(line3)s",
            text_box_style=TextBoxStyle(font=font, font_size=8, leading=11),
            border_width=1,
            border_color=(0.72, 0.08, 0.08),
        )
    return style


def stamp_lines(identity: SigningIdentity, when: datetime, tz: str, locale: str) -> dict:
    name = unicodedata.normalize("NFC", identity.common_name)
    local = when.astimezone(ZoneInfo(tz))
    offset = local.utcoffset() or timedelta(0)
    zone = f"GMT{'+' if offset >= timedelta(0) else '-'}{abs(offset).seconds // 3600}"
    if locale == "en":
        return {
            "line1": f"Digitally signed by: {name}",
            "line2": f"Time: {local:%d/%m/%Y %H:%M:%S} ({zone})",
            "line3": "Verify: see the QR code / verification URL",
        }
    return {
        "line1": f"Ký số bởi: {name}",
        "line2": f"Thời gian: {local:%d/%m/%Y %H:%M:%S} ({zone})",
        "line3": "Kiểm tra: quét mã QR / địa chỉ xác minh",
    }


def sign_pdf(
    pdf: bytes,
    *,
    identity: SigningIdentity,
    stamp: StampBox | None,
    instance_path: str,
    locale: str = "vi",
    tz: str = "Asia/Ho_Chi_Minh",
    timestamp_url: str | None = None,
    reason: str | None = None,
    location: str | None = None,
) -> bytes:
    """PAdES baseline B (B-T with a timestamp URL), SHA-256, with a Vietnamese visible stamp."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers, timestamps

    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        location=location,
    )
    field_spec = None
    if stamp is not None:
        field_spec = fields.SigFieldSpec(SIGNATURE_FIELD, on_page=stamp.page, box=stamp.box)
    pdf_signer = signers.PdfSigner(
        meta,
        signer=identity.signer,
        timestamper=timestamps.HTTPTimeStamper(timestamp_url) if timestamp_url else None,
        stamp_style=stamp_style(instance_path) if stamp is not None else None,
        new_field_spec=field_spec,
    )
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    out = BytesIO()
    pdf_signer.sign_pdf(
        writer,
        output=out,
        # A fixed reservation skips pyHanko's dry-run signature used to estimate the size.
        bytes_reserved=32768 if timestamp_url else 16384,
        appearance_text_params=stamp_lines(identity, datetime.now(UTC), tz, locale),
    )
    return out.getvalue()
