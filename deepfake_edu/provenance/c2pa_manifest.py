"""C2PA Content Credentials: a signed statement inside the file that says "made by an AI tool".

Optional: it needs the ``c2pa-python`` and ``cryptography`` packages
(``pip install deepfake-edu[provenance]``). Without them nothing fails: writing skips the
manifest and checking reports "not checked".

The manifest holds one action, ``c2pa.created`` with the IPTC digital source type
``trainedAlgorithmicMedia``, and names deepfake-edu as the generator. It is signed (ES256) by a
**local, untrusted** certificate made at run time: a throw-away test CA and a signer certificate
under it, both created with ``cryptography`` in memory and never saved. A C2PA reader therefore
reports the signature as valid but the signer as untrusted ("signingCredential.untrusted"):
the manifest shows what C2PA records, not who made the file. Real deployments sign with a
certificate from a CA on the C2PA trust list.

The manifest lives in metadata: re-encoding, screenshots or most uploads strip it, so an absent
manifest proves nothing.
"""

from __future__ import annotations

import datetime as _dt
import io
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from deepfake_edu import __version__

TRAINED_ALGORITHMIC_MEDIA = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
MIME_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}
INSTALL_HINT = "install deepfake-edu[provenance]"


@dataclass
class C2paStatus:
    """What the C2PA check found. ``state``: "present", "absent", "not checked" or "unreadable"."""

    state: str
    summary: str
    generator: str | None = None
    digital_source_type: str | None = None
    signer: str | None = None
    validation_state: str | None = None

    @property
    def present(self) -> bool:
        return self.state == "present"


def c2pa_available() -> bool:
    """True when both c2pa-python and cryptography can be imported."""
    try:
        import c2pa  # noqa: F401
        import cryptography  # noqa: F401
    except ImportError:
        return False
    return True


def _key_usage(**flags: bool):
    from cryptography import x509

    names = ("digital_signature", "content_commitment", "key_encipherment", "data_encipherment", "key_agreement", "key_cert_sign", "crl_sign", "encipher_only", "decipher_only")
    return x509.KeyUsage(**{name: flags.get(name, False) for name in names})


@lru_cache(maxsize=1)
def _local_signer_pem() -> tuple[bytes, bytes]:
    """(certificate chain PEM, private key PEM) of a throw-away CA and ES256 signer, made once per
    process. C2PA refuses a self-signed signing certificate, hence the two levels."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = _dt.datetime.now(_dt.timezone.utc)
    valid_from, valid_to = now - _dt.timedelta(minutes=5), now + _dt.timedelta(days=30)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "deepfake-edu local test CA (untrusted)"), x509.NameAttribute(NameOID.ORGANIZATION_NAME, "deepfake-edu")])
    ca_cert = (
        x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(valid_from).not_valid_after(valid_to)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(key_cert_sign=True, crl_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "deepfake-edu local signer (untrusted)"), x509.NameAttribute(NameOID.ORGANIZATION_NAME, "deepfake-edu")])
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(ca_name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(valid_from).not_valid_after(valid_to)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(digital_signature=True), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    chain = cert.public_bytes(serialization.Encoding.PEM) + ca_cert.public_bytes(serialization.Encoding.PEM)
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return chain, key_pem


def manifest_definition(title: str, info: dict | None = None) -> dict:
    """The manifest we sign: generator, one c2pa.created action, and the lab's info if any."""
    action = {
        "action": "c2pa.created",
        "digitalSourceType": TRAINED_ALGORITHMIC_MEDIA,
        "softwareAgent": {"name": "deepfake-edu", "version": __version__},
    }
    if info:
        action["parameters"] = {"deepfake-edu": json.loads(json.dumps(info, default=str))}
    return {
        "claim_generator_info": [{"name": "deepfake-edu", "version": __version__}],
        "title": title,
        "assertions": [{"label": "c2pa.actions", "data": {"actions": [action]}}],
    }


def add_manifest(data: bytes, suffix: str, title: str, info: dict | None = None) -> bytes:
    """Return JPEG/PNG ``data`` with a signed C2PA manifest inside (pixels untouched).
    Call only when ``c2pa_available()``; ``suffix`` is ".jpg", ".jpeg" or ".png"."""
    import c2pa

    mime = MIME_TYPES[suffix.lower()]
    chain, key_pem = _local_signer_pem()
    signer = c2pa.Signer.from_info(c2pa.C2paSignerInfo(c2pa.C2paSigningAlg.ES256, chain, key_pem, None))
    # No embedded thumbnail: it would add ~100 kB per file and the picture is right there.
    context = c2pa.Context.from_dict({"builder": {"thumbnail": {"enabled": False}}})
    output = io.BytesIO()
    with c2pa.Builder(manifest_definition(title, info), context=context) as builder:
        builder.sign(signer, mime, io.BytesIO(data), output)
    return output.getvalue()


def read_manifest(path: str | Path) -> C2paStatus:
    """Read the C2PA manifest of a file, if c2pa-python is installed; never raises."""
    from deepfake_edu.data.images import MAX_FILE_BYTES

    path = Path(path)
    if not c2pa_available():
        return C2paStatus("not checked", f"C2PA: not checked ({INSTALL_HINT})")
    try:
        size = path.stat().st_size
    except OSError:
        return C2paStatus("unreadable", "C2PA: could not be read (the file is gone)")
    if size > MAX_FILE_BYTES:  # c2pa reads the whole file into memory
        return C2paStatus("not checked", f"C2PA: not checked (the file is over {MAX_FILE_BYTES // 1_000_000} MB)")
    import c2pa

    try:
        # Offline: a file may point at a remote manifest or ask for a revocation check (OCSP);
        # either would make the lab reach the internet on behalf of whoever uploaded it.
        context = c2pa.Context.from_dict({"verify": {"remote_manifest_fetch": False, "ocsp_fetch": False}})
        reader = c2pa.Reader.try_create(str(path), context=context)
    except Exception as error:  # unsupported format, corrupt JUMBF: report, never fail
        first_line = str(error).splitlines()[0] if str(error) else type(error).__name__
        return C2paStatus("unreadable", f"C2PA: could not be read ({first_line[:120]})")
    if reader is None:
        return C2paStatus("absent", "C2PA: no manifest in the file")
    with reader:
        manifest = reader.get_active_manifest() or {}
        state = reader.get_validation_state()
        results = reader.get_validation_results() or {}
    generator = ", ".join(g.get("name", "?") for g in manifest.get("claim_generator_info", [])) or None
    source = None
    for assertion in manifest.get("assertions", []):
        if assertion.get("label", "").startswith("c2pa.actions"):
            for action in assertion.get("data", {}).get("actions", []):
                source = source or action.get("digitalSourceType")
    signer = (manifest.get("signature_info") or {}).get("common_name")
    failures = [item.get("code") for item in (results.get("activeManifest") or {}).get("failure", [])]
    source_name = source.rsplit("/", 1)[-1] if source else "not stated"
    summary = f"C2PA: manifest by {generator or 'unknown'}, source {source_name}, signed by {signer or 'unknown'}, validation {state or 'unknown'}"
    if "signingCredential.untrusted" in failures:
        summary += " (signer not on a trust list)"
    return C2paStatus("present", summary, generator, source, signer, state)
