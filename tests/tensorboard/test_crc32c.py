"""`keras_roc._crc32c`: the same checksums as `tensorboard`'s pure-Python CRC-32C."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from tensorboard.compat.tensorflow_stub.pywrap_tensorflow import masked_crc32c as reference

from keras_roc import _crc32c


def test_known_value():
    # The CRC-32C check value of the ASCII digits (RFC 3720, and every CRC catalogue).
    assert _crc32c.crc32c(b"123456789") == 0xE3069283
    assert _crc32c.crc32c(b"") == 0


def test_every_length_around_the_vectorised_path():
    rng = np.random.default_rng(0)
    for n in range(0, 2 * _crc32c._VECTOR_MIN_BYTES + 3 * _crc32c._LANE_BYTES):
        data = rng.integers(0, 256, n, dtype=np.uint8).tobytes()
        assert _crc32c.masked_crc32c(data) == reference(data), n


def test_large_records():
    rng = np.random.default_rng(1)
    for n in (65_536, 150_001, 262_145):
        data = rng.integers(0, 256, n, dtype=np.uint8).tobytes()
        assert _crc32c.masked_crc32c(data) == reference(data), n
    assert _crc32c.masked_crc32c(bytes(100_000)) == reference(bytes(100_000))  # zeros: leading-zero padding


@settings(max_examples=60, deadline=None)
@given(st.binary(min_size=2000, max_size=20_000))
def test_any_bytes(data):
    assert _crc32c.masked_crc32c(data) == reference(data)


def test_records_read_back_with_tensorboard(tmp_path):
    from tensorboard.backend.event_processing import event_file_loader
    from tensorboard.compat.proto import event_pb2

    path = tmp_path / "events.out.tfevents.0.host.1.2.v2"
    writer = _crc32c.RecordWriter(open(path, "wb"))
    events = [event_pb2.Event(step=step, file_version="x" * (step * 5000)) for step in range(4)]
    for event in events:
        writer.write(event.SerializeToString())
    writer.close()
    read = list(event_file_loader.RawEventFileLoader(str(path), detect_file_replacement=False).Load())
    assert read == [event.SerializeToString() for event in events]
