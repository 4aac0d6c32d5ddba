"""The hostile scenario's fixed corpus: the same classes of forged and malformed tokens on every
run, each derived deterministically from one real token of a session of its own (so that a
forged token the resource wrongly accepted would show a sid outside the valid pool) and from a
key the attacker made with tokenctl."""
import hashlib
import hmac
import json
import os
import subprocess
import tempfile

from .http import b64decode, b64encode


def _part(value):
    return b64encode(json.dumps(value, separators=(",", ":")).encode())


def attacker_tokens(tokenctl, claims):
    """Tokens properly signed by keys the issuer never published (unknown kids)."""
    tokens = []
    with tempfile.TemporaryDirectory() as folder:
        for alg in ("ES256", "RS256"):
            key = os.path.join(folder, alg + ".jwk")
            with open(key, "w") as file:
                subprocess.run([tokenctl, "keygen", "--alg", alg], check=True, stdout=file)
            signed = subprocess.run([tokenctl, "sign", "--key", key, "--claims", json.dumps(claims)],
                                    check=True, capture_output=True, text=True).stdout.strip()
            tokens.append(signed)
            with open(key) as file:
                jwk = json.load(file)
            public = {k: v for k, v in jwk.items() if k not in ("d", "p", "q", "dp", "dq", "qi")}
            header, payload, signature = signed.split(".")
            embedded = dict(json.loads(b64decode(header)), jwk=public)
            tokens.append(".".join([_part(embedded), payload, signature]))   # key carried in the token
            tokens.append(".".join([_part(dict(json.loads(b64decode(header)), jku="http://127.0.0.1:9/jwks.json")),
                                    payload, signature]))
    return tokens


def build(base_token):
    """The corpus: tokens derived from `base_token`, every one of which a verifier must refuse."""
    header_b64, claims_b64, signature_b64 = base_token.split(".")
    header, claims = json.loads(b64decode(header_b64)), json.loads(b64decode(claims_b64))
    signature = b64decode(signature_b64)
    forged = []

    # The signature layer: flipped bits, truncated, empty, another token's.
    for position in (0, len(signature) // 2, len(signature) - 1):
        flipped = bytearray(signature)
        flipped[position] ^= 0x01
        forged.append(".".join([header_b64, claims_b64, b64encode(bytes(flipped))]))
    forged.append(".".join([header_b64, claims_b64, b64encode(signature[:-1])]))
    forged.append(".".join([header_b64, claims_b64, ""]))

    # Claims changed under the original signature (privilege escalation, other subject, longer life).
    for change in ({"roles": ["admin", "user"]}, {"sub": "admin"}, {"exp": claims["exp"] + 86400},
                   {"aud": "other-api"}, {"iss": "https://attacker.example"}):
        forged.append(".".join([header_b64, _part(dict(claims, **change)), signature_b64]))

    # The header: alg none, HMAC keyed with what an attacker sees (the kid), alg not the key's
    # own, another typ, an unknown crit, no kid, a made-up kid.
    forged.append(".".join([_part(dict(header, alg="none")), claims_b64, ""]))
    for alg, digest in (("HS256", hashlib.sha256), ("HS512", hashlib.sha512)):
        head = _part(dict(header, alg=alg))
        mac = hmac.new(header["kid"].encode(), f"{head}.{claims_b64}".encode(), digest).digest()
        forged.append(".".join([head, claims_b64, b64encode(mac)]))
    other = "RS256" if header["alg"] == "ES256" else "ES256"
    forged.append(".".join([_part(dict(header, alg=other)), claims_b64, signature_b64]))
    forged.append(".".join([_part(dict(header, alg="PS256")), claims_b64, signature_b64]))
    forged.append(".".join([_part(dict(header, typ="JWT")), claims_b64, signature_b64]))
    forged.append(".".join([_part(dict(header, crit=["exp"], exp=1)), claims_b64, signature_b64]))
    forged.append(".".join([_part({k: v for k, v in header.items() if k != "kid"}), claims_b64, signature_b64]))
    forged.append(".".join([_part(dict(header, kid="made-up-kid-0001")), claims_b64, signature_b64]))

    # Malformed: wrong number of parts, padding, characters outside base64url, not JSON,
    # duplicate members, too large.
    forged += [f"{header_b64}.{claims_b64}", f"{base_token}.{signature_b64}", base_token + "=",
               base_token.replace("-", "+").replace("_", "/") if "-" in base_token or "_" in base_token
               else base_token[:-2] + "+/",
               header_b64 + "=." + claims_b64 + "." + signature_b64, "..", "a.b.c", "not-a-token",
               ".".join([b64encode(b"not json"), claims_b64, signature_b64]),
               ".".join([b64encode(b"[1,2,3]"), claims_b64, signature_b64]),
               ".".join([header_b64, b64encode(claims_b64.encode()[:-1] + b"}"), signature_b64])]
    duplicate = json.dumps(claims, separators=(",", ":"))[:-1] + ',"sub":"admin"}'
    forged.append(".".join([header_b64, b64encode(duplicate.encode()), signature_b64]))
    forged.append(".".join([header_b64, b64encode(b"A" * 9000), signature_b64]))
    return forged
