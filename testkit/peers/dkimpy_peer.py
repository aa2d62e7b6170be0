#!/usr/bin/env python3
"""dkimpy as a long-lived interop peer for the mailsec DKIM tests.

Driven by testkit/src/dkimpy.rs. Reads one JSON request per line on stdin and
writes one JSON response per line on stdout (flushed after each), until EOF.
Binary data (messages, header fields) travel as standard base64.

Requests:

  {"op": "sign", "message": <b64>, "key_pem": "-----BEGIN PRIVATE KEY-----...",
   "domain": "example.com", "selector": "s", "algorithm": "rsa-sha256",
   "canonicalization": "relaxed/simple", "headers": ["from", ...] | null,
   "timestamp": <int> | null, "length": <bool>}
  -> {"ok": true, "field": <b64>}

     `field` is the DKIM-Signature header field exactly as dkimpy's
     DKIM.sign returns it (name, value, folds, final line break): the bytes
     to prepend to the message. Its line breaks follow the message's: LF when
     the message has LF line breaks and no CRLF, else CRLF (dkimpy's
     `linesep` parameter, which its command-line tool sets from the
     message's last line break).
     `headers: null` means dkimpy's default list (the RFC 6376 "SHOULD sign"
     fields present in the message, From once more). `timestamp: null` means
     the real clock. The key is PKCS#8 PEM for both algorithms: dkimpy reads
     PKCS#1 or PKCS#8 RSA keys itself, but wants an Ed25519 key as the base64
     of the raw 32-byte seed, which this peer takes out of the PKCS#8 DER.

  {"op": "verify", "message": <b64>,
   "dns": {"sel._domainkey.example.com.": "v=DKIM1; k=rsa; p=..."},
   "now": <int> | null}
  -> {"ok": true, "results": [true, false, ...], "errors": [null, "...", ...]}

     One entry per DKIM-Signature field of the message, topmost first
     (dkimpy's DKIM(message).verify(idx=i)). `errors[i]` is the text of the
     exception dkimpy raised for signature i, or else the last error it
     logged (dkimpy logs, rather than raises, key record problems and then
     returns False), or null. DNS names are matched without case and with or
     without a trailing dot; a name absent from `dns` has no TXT record.
     `now` replaces the clock dkimpy reads for its t= and x= checks.

  {"op": "ping"} -> {"ok": true, "versions": {"dkimpy": "1.1.8", "PyNaCl": "1.6.2"}}

  Anything else, or any failure outside one signature's verification (a bad
  request, a message dkimpy cannot parse, a signing error):
  -> {"ok": false, "error": "<ExceptionClass>: <text>"}

Line breaks. dkimpy's rfc822_parse splits the message on `\\r?\\n`, so LF-only
input is accepted as it is and behaves exactly like its CRLF conversion: each
header line gets CRLF, the body lines are joined with CRLF. So this peer never
converts a message. A bare CR (not followed by LF) is kept as an ordinary byte,
in header values and in the body; a bare LF inside a CRLF message becomes a
line break (CRLF) too.
"""

import base64
import importlib.metadata
import json
import logging
import sys
import time

import dkim

# The DER of an Ed25519 private key in PKCS#8 v1 (RFC 8410): this prefix, then
# the 32-byte seed.
ED25519_PKCS8_PREFIX = bytes.fromhex("302e020100300506032b657004220420")


class ErrorLog(logging.Handler):
    """Keeps the messages dkimpy logs at level ERROR or above."""

    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.messages = []

    def emit(self, record):
        try:
            self.messages.append(record.getMessage())
        except Exception as e:  # a malformed log call must not kill the peer
            self.messages.append("unprintable log record: %r" % (e,))


def capture_logger():
    """A fresh logger, not propagating, whose errors are kept."""
    handler = ErrorLog()
    logger = logging.Logger("dkimpy-peer")
    logger.setLevel(logging.ERROR)
    logger.propagate = False
    logger.addHandler(handler)
    return logger, handler


class FixedClock:
    """Within the block, time.time() returns `now` (when not None)."""

    def __init__(self, now):
        self.now = now
        self.saved = None

    def __enter__(self):
        if self.now is not None:
            self.saved = time.time
            now = float(self.now)
            time.time = lambda: now
        return self

    def __exit__(self, *exc):
        if self.saved is not None:
            time.time = self.saved
        return False


def pem_der(pem):
    lines = [l.strip() for l in pem.strip().splitlines()]
    if len(lines) < 3 or not lines[0].startswith("-----BEGIN ") \
            or not lines[-1].startswith("-----END "):
        raise ValueError("not a PEM block")
    return base64.b64decode("".join(lines[1:-1]), validate=True)


def ed25519_seed_b64(pem):
    der = pem_der(pem)
    if len(der) != 48 or not der.startswith(ED25519_PKCS8_PREFIX):
        raise ValueError("not an Ed25519 PKCS#8 v1 private key (%d bytes of DER)" % len(der))
    return base64.b64encode(der[len(ED25519_PKCS8_PREFIX):])


def message_linesep(message):
    if b"\n" in message and b"\r\n" not in message:
        return b"\n"
    return b"\r\n"


def optional_int(req, key):
    value = req.get(key)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError("%s must be an integer or null" % key)
    return value


def do_sign(req):
    message = base64.b64decode(req["message"], validate=True)
    algorithm = req["algorithm"].encode("ascii")
    if algorithm == b"ed25519-sha256":
        key = ed25519_seed_b64(req["key_pem"])
    else:
        key = req["key_pem"].encode("ascii")
    canon = req.get("canonicalization") or "relaxed/simple"
    parts = canon.encode("ascii").split(b"/")
    if len(parts) == 1:
        parts.append(b"simple")
    if len(parts) != 2:
        raise ValueError("canonicalization %r is not header/body" % canon)
    headers = req.get("headers")
    if headers is not None:
        headers = [h.encode("ascii") for h in headers]
    timestamp = optional_int(req, "timestamp")
    logger, _ = capture_logger()
    signer = dkim.DKIM(message, logger=logger, linesep=message_linesep(message))
    with FixedClock(timestamp):
        field = signer.sign(
            req["selector"].encode("ascii"),
            req["domain"].encode("ascii"),
            key,
            signature_algorithm=algorithm,
            canonicalize=(parts[0], parts[1]),
            include_headers=headers,
            length=bool(req.get("length", False)),
        )
    return {"ok": True, "field": base64.b64encode(field).decode("ascii")}


def dns_key(name):
    if isinstance(name, bytes):
        name = name.decode("utf-8", "replace")
    return name.lower().rstrip(".")


def do_verify(req):
    message = base64.b64decode(req["message"], validate=True)
    records = {dns_key(k): v for k, v in (req.get("dns") or {}).items()}
    now = optional_int(req, "now")

    def dnsfunc(name, timeout=5):
        text = records.get(dns_key(name))
        return text.encode("utf-8") if text is not None else b""

    logger, log = capture_logger()
    verifier = dkim.DKIM(message, logger=logger)
    count = sum(1 for name, _ in verifier.headers if name.lower() == b"dkim-signature")
    results, errors = [], []
    with FixedClock(now):
        for idx in range(count):
            del log.messages[:]
            try:
                ok = bool(verifier.verify(idx=idx, dnsfunc=dnsfunc))
                error = log.messages[-1] if log.messages else None
            except Exception as e:
                ok, error = False, "%s: %s" % (type(e).__name__, e)
            results.append(ok)
            errors.append(error)
    return {"ok": True, "results": results, "errors": errors}


def do_ping(req):
    versions = {}
    for dist in ("dkimpy", "PyNaCl"):
        try:
            versions[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            versions[dist] = None
    return {"ok": True, "versions": versions}


OPS = {"sign": do_sign, "verify": do_verify, "ping": do_ping}


def handle(line):
    try:
        req = json.loads(line)
        if not isinstance(req, dict):
            raise ValueError("a request is a JSON object")
        op = OPS.get(req.get("op"))
        if op is None:
            raise ValueError("unknown op %r" % (req.get("op"),))
        return op(req)
    except Exception as e:
        return {"ok": False, "error": "%s: %s" % (type(e).__name__, e)}


def main():
    out = sys.stdout.buffer
    # Whatever dkimpy or Python might print goes to stderr, never into the
    # response stream.
    sys.stdout = sys.stderr
    for line in sys.stdin.buffer:
        if not line.strip():
            continue
        response = handle(line)
        out.write(json.dumps(response).encode("ascii") + b"\n")
        out.flush()


if __name__ == "__main__":
    main()
