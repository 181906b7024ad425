"""The KMIP enumeration values that the client's arguments take, as ``Literal`` types, so that
``mypy --strict`` refuses a misspelt value (``client.revoke(uid, "KeyCompromize")``).

Every name of the specification table (``core/spec/kmip.spec``, KMIP 1.0 to 2.1) is listed, in the
KMIP XML spelling that the native module reads; ``tests/test_enum_literals.py`` checks that the
lists and the table agree. A vendor value that no list holds can still be passed with
``typing.cast``.
"""

from typing import Literal

__all__ = [
    "ObjectTypeName",
    "StateName",
    "RevocationReason",
    "CryptographicAlgorithmName",
    "HashingAlgorithmName",
    "DerivationMethodName",
    "UsageMaskName",
]

ObjectTypeName = Literal[
    "Certificate",
    "SymmetricKey",
    "PublicKey",
    "PrivateKey",
    "SplitKey",
    "Template",
    "SecretData",
    "OpaqueObject",
    "PGPKey",
    "CertificateRequest",
]
"""An object type (``ObjectType``): ``"SymmetricKey"``, ``"SecretData"``, ..."""

StateName = Literal[
    "PreActive",
    "Active",
    "Deactivated",
    "Compromised",
    "Destroyed",
    "DestroyedCompromised",
]
"""A KMIP state (``State``)."""

RevocationReason = Literal[
    "Unspecified",
    "KeyCompromise",
    "CACompromise",
    "AffiliationChanged",
    "Superseded",
    "CessationOfOperation",
    "PrivilegeWithdrawn",
]
"""A revocation reason (``RevocationReasonCode``)."""

CryptographicAlgorithmName = Literal[
    "DES",
    "DES3",
    "AES",
    "RSA",
    "DSA",
    "ECDSA",
    "HMAC_SHA1",
    "HMAC_SHA224",
    "HMAC_SHA256",
    "HMAC_SHA384",
    "HMAC_SHA512",
    "HMAC_MD5",
    "DH",
    "ECDH",
    "ECMQV",
    "Blowfish",
    "Camellia",
    "CAST5",
    "IDEA",
    "MARS",
    "RC2",
    "RC4",
    "RC5",
    "SKIPJACK",
    "Twofish",
    "EC",
    "OneTimePad",
    "ChaCha20",
    "Poly1305",
    "ChaCha20Poly1305",
    "SHA3_224",
    "SHA3_256",
    "SHA3_384",
    "SHA3_512",
    "HMAC_SHA3_224",
    "HMAC_SHA3_256",
    "HMAC_SHA3_384",
    "HMAC_SHA3_512",
    "SHAKE_128",
    "SHAKE_256",
    "ARIA",
    "SEED",
    "SM2",
    "SM3",
    "SM4",
    "GOSTR34_10_2012",
    "GOSTR34_11_2012",
    "GOSTR34_13_2015",
    "GOST28147_89",
    "XMSS",
    "SPHINCS_256",
    "McEliece",
    "McEliece_6960119",
    "McEliece_8192128",
    "Ed25519",
    "Ed448",
]
"""A cryptographic algorithm (``CryptographicAlgorithm``): ``"AES"``, ``"HMAC_SHA256"``, ..."""

HashingAlgorithmName = Literal[
    "MD2",
    "MD4",
    "MD5",
    "SHA_1",
    "SHA_224",
    "SHA_256",
    "SHA_384",
    "SHA_512",
    "RIPEMD_160",
    "Tiger",
    "Whirlpool",
    "SHA_512_224",
    "SHA_512_256",
    "SHA3_224",
    "SHA_3_224",
    "SHA3_256",
    "SHA_3_256",
    "SHA3_384",
    "SHA_3_384",
    "SHA3_512",
    "SHA_3_512",
]
"""A hashing algorithm (``HashingAlgorithm``): ``"SHA_256"``, ..."""

DerivationMethodName = Literal[
    "PBKDF2",
    "HASH",
    "HMAC",
    "ENCRYPT",
    "NIST800_108_C",
    "NIST800_108_F",
    "NIST800_108_DPI",
    "AsymmetricKey",
    "AWSSignatureVersion4",
    "HKDF",
]
"""A key derivation method (``DerivationMethod``)."""

UsageMaskName = Literal[
    "Sign",
    "Verify",
    "Encrypt",
    "Decrypt",
    "WrapKey",
    "UnwrapKey",
    "Export",
    "MACGenerate",
    "MACVerify",
    "DeriveKey",
    "ContentCommitmentNonRepudiation",
    "KeyAgreement",
    "CertificateSign",
    "CRLSign",
    "GenerateCryptogram",
    "ValidateCryptogram",
    "TranslateEncrypt",
    "TranslateDecrypt",
    "TranslateWrap",
    "TranslateUnwrap",
    "Authenticate",
    "Unrestricted",
    "FPEEncrypt",
    "FPEDecrypt",
]
"""One bit of the cryptographic usage mask (``CryptographicUsageMask``)."""
