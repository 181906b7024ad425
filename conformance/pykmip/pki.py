"""Make a fresh test PKI in a directory; print a JSON map of what is where.

    <venv>/bin/python pki.py DIR

Runs with the harness venv (it needs `cryptography`). All keys are EC P-256 (the server
certificate must be ECDSA: with RSA, PyKMIP's TLS1.2 suite offers only CBC ciphers, which
rustls lacks), written as unencrypted PKCS#8 PEM; every file is mode 0600.

Good material: ca, server (SAN IP 127.0.0.1 + DNS localhost), client (CN kmipkit-client) and
other_client (CN kmipkit-other), both with EKU clientAuth.
Bad material for negative tests:
  expired_client    CN kmipkit-client, good CA, validity entirely in the past
  wrong_ca_client   CN kmipkit-client, signed by wrong_ca (a second, untrusted CA)
  no_client_auth    CN kmipkit-noclientauth, good CA, EKU serverAuth only
  wrong_host        server certificate for not-this-host.example only, good CA
  expired_server    server certificate for 127.0.0.1/localhost, validity in the past
"""
import datetime
import ipaddress
import json
import os
import sys
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

NOW = datetime.datetime.now(datetime.timezone.utc)
VALID = (NOW - datetime.timedelta(hours=1), NOW + datetime.timedelta(days=30))
EXPIRED = (NOW - datetime.timedelta(days=60), NOW - datetime.timedelta(days=1))
GOOD_SAN = [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
WRONG_HOST = "not-this-host.example"
CLIENT_CN, OTHER_CN, NO_CLIENT_AUTH_CN = "kmipkit-client", "kmipkit-other", "kmipkit-noclientauth"


def main(out):
    out.mkdir(mode=0o700, parents=True, exist_ok=True)
    paths = {}

    def save(name, key, cert):
        for suffix, data in (("key", key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption())),
                ("crt", cert.public_bytes(serialization.Encoding.PEM))):
            path = out / f"{name}.{suffix}"
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.chmod(path, 0o600)
        return str(out / f"{name}.crt"), str(out / f"{name}.key")

    ca = make_ca("kmipkit test CA")
    wrong_ca = make_ca("kmipkit wrong test CA")
    paths["ca"], paths["ca_key"] = save("ca", *ca)
    paths["wrong_ca"], paths["wrong_ca_key"] = save("wrong-ca", *wrong_ca)

    leaves = [  # name, issuer, CN, SAN, EKU, validity
        ("server", ca, "localhost", GOOD_SAN, ExtendedKeyUsageOID.SERVER_AUTH, VALID),
        ("wrong_host", ca, WRONG_HOST, [x509.DNSName(WRONG_HOST)],
         ExtendedKeyUsageOID.SERVER_AUTH, VALID),
        ("expired_server", ca, "localhost", GOOD_SAN, ExtendedKeyUsageOID.SERVER_AUTH, EXPIRED),
        ("client", ca, CLIENT_CN, None, ExtendedKeyUsageOID.CLIENT_AUTH, VALID),
        ("other_client", ca, OTHER_CN, None, ExtendedKeyUsageOID.CLIENT_AUTH, VALID),
        ("expired_client", ca, CLIENT_CN, None, ExtendedKeyUsageOID.CLIENT_AUTH, EXPIRED),
        ("wrong_ca_client", wrong_ca, CLIENT_CN, None, ExtendedKeyUsageOID.CLIENT_AUTH, VALID),
        ("no_client_auth", ca, NO_CLIENT_AUTH_CN, None, ExtendedKeyUsageOID.SERVER_AUTH, VALID),
    ]
    for name, issuer, cn, san, eku, validity in leaves:
        pair = make_leaf(issuer, cn, san, eku, validity)
        paths[f"{name}_cert"], paths[f"{name}_key"] = save(name.replace("_", "-"), *pair)
    paths.update(client_cn=CLIENT_CN, other_client_cn=OTHER_CN,
                 no_client_auth_cn=NO_CLIENT_AUTH_CN, wrong_host_name=WRONG_HOST,
                 server_names=["127.0.0.1", "localhost"])
    json.dump(paths, sys.stdout)


def make_ca(cn):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    cert = (x509.CertificateBuilder()
            .subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(NOW - datetime.timedelta(days=90))
            .not_valid_after(NOW + datetime.timedelta(days=31))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False,
                                         False), critical=True)
            .add_extension(ski, critical=False)
            .sign(key, hashes.SHA256()))
    return key, cert


def make_leaf(issuer, cn, san, eku, validity):
    issuer_key, issuer_cert = issuer
    key = ec.generate_private_key(ec.SECP256R1())
    builder = (x509.CertificateBuilder()
               .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)]))
               .issuer_name(issuer_cert.subject).public_key(key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(validity[0]).not_valid_after(validity[1])
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
               .add_extension(x509.KeyUsage(True, False, False, False, False, False, False,
                                            False, False), critical=True)
               .add_extension(x509.ExtendedKeyUsage([eku]), critical=False)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                              critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                   issuer_key.public_key()), critical=False))
    if san:
        builder = builder.add_extension(x509.SubjectAlternativeName(san), critical=False)
    return key, builder.sign(issuer_key, hashes.SHA256())


if __name__ == "__main__":
    os.umask(0o077)
    main(Path(sys.argv[1]))
