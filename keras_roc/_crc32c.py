"""CRC-32C of event-file records, vectorised with NumPy.

Every TensorBoard record carries the masked CRC-32C (Castagnoli) of its
data. The `tensorboard` package computes it in pure Python, about 0.2 µs
per byte while holding the GIL: 30 ms for the ~150 KiB of a 10-class ROC
tab epoch, 20 ms for a 100 KiB PNG, stalling Keras's training thread. Here
the data is cut into many equal lanes whose CRCs are computed side by side
(one NumPy step per byte of a lane), then combined pairwise in a tree: the
CRC register is linear over GF(2), so `crc(A + B) = shift(crc(A), len(B)) ^
crc(B)` with zero initial value, where `shift` by `2**k` bytes is a fixed
linear map applied through four byte tables. Results equal
`tensorboard.compat.tensorflow_stub.pywrap_tensorflow.masked_crc32c`
(tested on every length from 0 to 4,200 bytes and large random records).
"""

from __future__ import annotations

import struct

import numpy as np

__all__ = ["RecordWriter", "crc32c", "masked_crc32c"]

_POLYNOMIAL = 0x82F63B78  # CRC-32C, reflected
# Below this many bytes the byte-at-a-time loop is faster than NumPy's calls.
_VECTOR_MIN_BYTES = 2048
# Bytes per lane (a power of two): one vectorised step per byte of a lane.
_LANE_BYTES = 64
_MASK_DELTA = 0xA282EAD8  # TFRecord's checksum mask


def _byte_table():
    values = np.arange(256, dtype=np.uint32)
    for _ in range(8):
        values = np.where(values & 1, (values >> 1) ^ np.uint32(_POLYNOMIAL), values >> 1).astype(np.uint32)
    return values


_TABLE = _byte_table()
_TABLE_LIST = _TABLE.tolist()
_BITS = ((np.arange(256)[:, None] >> np.arange(8)) & 1).astype(bool)  # (byte value, bit)


def _byte_tables(images):
    """Four 256-entry tables applying the linear map whose images of the 32
    basis bits are `images` (one table per byte of the register)."""
    return np.stack(
        [np.bitwise_xor.reduce(np.where(_BITS, images[8 * p : 8 * p + 8][None, :], 0), axis=1) for p in range(4)]
    ).astype(np.uint32)


def _apply(tables, values):
    """The linear map of `tables` on uint32 `values` (array or scalar)."""
    return (
        tables[0][values & 0xFF]
        ^ tables[1][(values >> 8) & 0xFF]
        ^ tables[2][(values >> 16) & 0xFF]
        ^ tables[3][values >> 24]
    )


def _shift_tables(levels=48):
    """Tables of `shift` by 2**k zero bytes, k = 0 .. levels - 1."""
    basis = np.uint32(1) << np.arange(32, dtype=np.uint32)
    images = _TABLE[basis & 0xFF] ^ (basis >> 8)  # one zero byte
    tables = [_byte_tables(images)]
    for _ in range(levels - 1):
        images = _apply(tables[-1], images)  # doubled: the map applied to its own images
        tables.append(_byte_tables(images))
    return tables


_SHIFT = _shift_tables()


def _shift(value, n_bytes):
    """`value` as the CRC register after `n_bytes` more zero bytes."""
    value = np.uint32(value)
    k = 0
    while n_bytes:
        if n_bytes & 1:
            value = _apply(_SHIFT[k], value)
        n_bytes >>= 1
        k += 1
    return int(value)


def _raw_small(data, register=0):
    table = _TABLE_LIST
    for byte in data:
        register = table[(register ^ byte) & 0xFF] ^ (register >> 8)
    return register


def _raw_vector(data):
    """The register (initial value 0) after `data`, lanes side by side."""
    lanes = 1 << max(0, (len(data) - 1) // _LANE_BYTES).bit_length()  # a power of two
    padded = np.zeros(lanes * _LANE_BYTES, np.uint8)  # leading zeros leave a zero register unchanged
    padded[padded.size - len(data) :] = np.frombuffer(data, np.uint8)
    columns = padded.reshape(lanes, _LANE_BYTES).T.copy()  # one contiguous row per byte position
    register = np.zeros(lanes, np.uint32)
    for column in columns:
        register = _TABLE[(register ^ column) & 0xFF] ^ (register >> 8)
    level = _LANE_BYTES.bit_length() - 1  # lanes hold 2**level bytes
    while register.size > 1:
        register = _apply(_SHIFT[level], register[0::2]) ^ register[1::2]
        level += 1
    return int(register[0])


def crc32c(data):
    """The CRC-32C of `data` (bytes), as the iSCSI / TFRecord standard."""
    if len(data) < _VECTOR_MIN_BYTES:
        return _raw_small(data, 0xFFFFFFFF) ^ 0xFFFFFFFF
    return _raw_vector(data) ^ _shift(0xFFFFFFFF, len(data)) ^ 0xFFFFFFFF


def masked_crc32c(data):
    """TFRecord's masked CRC-32C of `data`."""
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + _MASK_DELTA) & 0xFFFFFFFF


class RecordWriter:
    """TFRecord records to a binary file (as `tensorboard`'s `RecordWriter`):
    length (uint64), its masked CRC, the data, the data's masked CRC.

    Args:
        file: A binary file object; closed by `close()`.
    """

    def __init__(self, file):
        self._file = file

    def write(self, data):
        header = struct.pack("<Q", len(data))
        self._file.write(
            header + struct.pack("<I", masked_crc32c(header)) + data + struct.pack("<I", masked_crc32c(data))
        )

    def flush(self):
        self._file.flush()

    def close(self):
        self._file.close()
