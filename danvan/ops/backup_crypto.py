"""Streamed, authenticated encryption of backup archives (DANVAN_BACKUP_KEY).

The archive is never held in memory: it is cut into chunks of CHUNK bytes and each chunk is
sealed on its own with AES-256-GCM (the `cryptography` package). The file is

    header  = MAGIC (8 bytes) | log2(n), r, p of scrypt (3 bytes) | salt (16 bytes)
    check   = AES-GCM tag of nothing under the key (16 bytes): tells a wrong key from damage
    chunk i = AES-GCM(key, nonce = i as 12 bytes, data, aad = header | i | last flag)

The key comes from the passphrase by scrypt with the random salt of the header, so each archive
has its own key and a counter is a safe nonce. The chunk index in the nonce stops reordering
and dropping; the last-chunk flag in the associated data stops truncation at a chunk boundary
and data appended after the end; the header in the associated data stops editing the salt or
the scrypt cost. Every chunk but the last holds exactly CHUNK bytes, so the reader knows a
chunk's length: a full one followed by more data is not the last, whatever ends the file is.
"""

from __future__ import annotations

import os
import struct
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

MAGIC = b"DANVANc1"
CHUNK = 1024 * 1024
TAG = 16
SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P = 15, 8, 1  # 32 MiB and ~0.1 s per archive
SALT_BYTES = 16
HEADER_BYTES = len(MAGIC) + 3 + SALT_BYTES
CHECK_NONCE = b"\xff" * 12  # never a chunk's nonce: chunks count up from zero


class DecryptionError(Exception):
    """The archive is damaged, truncated or was changed after it was sealed."""


class WrongKeyError(DecryptionError):
    """The passphrase does not open this archive."""


def _derive(passphrase: str, salt: bytes, log2_n: int, r: int, p: int) -> AESGCM:
    if not 10 <= log2_n <= 22 or not 1 <= r <= 32 or not 1 <= p <= 16:
        raise DecryptionError("unreasonable key-derivation parameters in the header")
    key = Scrypt(salt=salt, length=32, n=2**log2_n, r=r, p=p).derive(passphrase.encode())
    return AESGCM(key)


def _aad(header: bytes, index: int, last: bool) -> bytes:
    return header + struct.pack(">Q?", index, last)


def is_encrypted(first_bytes: bytes) -> bool:
    return first_bytes.startswith(MAGIC)


class EncryptingWriter:
    """A write-only file object: what is written to it goes sealed to `target`."""

    def __init__(self, target: BinaryIO, passphrase: str) -> None:
        salt = os.urandom(SALT_BYTES)
        self._header = MAGIC + bytes([SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P]) + salt
        self._aead = _derive(passphrase, salt, SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P)
        self._target = target
        self._buffer = bytearray()
        self._index = 0
        self._closed = False
        target.write(self._header)
        target.write(self._aead.encrypt(CHECK_NONCE, b"", self._header))

    def _seal(self, data: bytes, last: bool) -> None:
        nonce = self._index.to_bytes(12, "big")
        self._target.write(self._aead.encrypt(nonce, data, _aad(self._header, self._index, last)))
        self._index += 1

    def write(self, data: bytes) -> int:
        if self._closed:
            raise ValueError("write to a closed EncryptingWriter")
        self._buffer += data
        # Keep at least one byte back: the last chunk is only known at close().
        while len(self._buffer) > CHUNK:
            self._seal(bytes(self._buffer[:CHUNK]), last=False)
            del self._buffer[:CHUNK]
        return len(data)

    def flush(self) -> None:
        self._target.flush()

    def close(self) -> None:
        """Seal what is left as the last chunk (possibly empty); `target` stays open."""
        if not self._closed:
            self._seal(bytes(self._buffer), last=True)
            self._buffer.clear()
            self._closed = True


class DecryptingReader:
    """A read-only file object over a sealed archive; raises DecryptionError on any tampering."""

    def __init__(self, source: BinaryIO, passphrase: str) -> None:
        header = source.read(HEADER_BYTES)
        check = source.read(TAG)
        if len(header) < HEADER_BYTES or len(check) < TAG or not header.startswith(MAGIC):
            raise DecryptionError("not an encrypted danvan archive, or cut short")
        log2_n, r, p = header[len(MAGIC) : len(MAGIC) + 3]
        self._aead = _derive(passphrase, header[len(MAGIC) + 3 :], log2_n, r, p)
        try:
            self._aead.decrypt(CHECK_NONCE, check, header)
        except InvalidTag:
            raise WrongKeyError("the key does not open this archive") from None
        self._header = header
        self._source = source
        self._index = 0
        self._pending = source.read(CHUNK + TAG)
        self._plain = b""
        self._offset = 0
        self._done = False

    def _next_chunk(self) -> None:
        sealed = self._pending
        self._pending = self._source.read(CHUNK + TAG)
        last = not self._pending
        if len(sealed) < TAG or (not last and len(sealed) != CHUNK + TAG):
            raise DecryptionError("the archive is cut short")
        nonce = self._index.to_bytes(12, "big")
        try:
            self._plain = self._aead.decrypt(nonce, sealed, _aad(self._header, self._index, last))
        except InvalidTag:
            raise DecryptionError(f"chunk {self._index} is damaged or out of place") from None
        self._offset = 0
        self._index += 1
        self._done = last

    def read(self, size: int = -1) -> bytes:
        out = bytearray()
        while size < 0 or len(out) < size:
            if self._offset >= len(self._plain):
                if self._done:
                    break
                self._next_chunk()
                continue
            want = len(self._plain) - self._offset
            if size >= 0:
                want = min(want, size - len(out))
            out += self._plain[self._offset : self._offset + want]
            self._offset += want
        return bytes(out)
