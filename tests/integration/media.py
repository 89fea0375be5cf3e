"""media.py: the WAV files of the RTSP tests (lib.RtspServer's media folder).

  - STEREO (44.1 kHz stereo, static payload type 10), MONO (8 kHz mono,
    dynamic payload type 96): made by tools/mkwav.py
  - malformed_wavs(): files the server must refuse (or clamp) without harm
  - chunk(), fmt(), riff(): RIFF/WAVE pieces for a test's own files
  - make_media(): a media folder with all of them, a file outside it and a
    link to that file; pcm_of(): a WAV's rate, channels and samples
"""

import os
import struct
import sys
import wave

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import mkwav  # noqa: E402

STEREO = "tone.wav"
MONO = "mono8k.wav"


def chunk(tag, data):
    pad = b"\0" if len(data) % 2 else b""
    return tag + struct.pack("<I", len(data)) + data + pad


def fmt(tag=1, ch=2, rate=44100, bits=16, extra=b""):
    align = ch * bits // 8
    return struct.pack("<HHIIHH", tag, ch, rate, rate * align, align, bits) + extra


def riff(*chunks):
    body = b"WAVE" + b"".join(chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def _extensible(sub):
    guid = struct.pack("<H", sub) + bytes([0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xaa, 0, 0x38,
                                           0x9b, 0x71])
    return fmt(0xfffe, 2, 48000, 16, struct.pack("<HHI", 22, 16, 3) + guid)


def malformed_wavs():
    """name -> (bytes, expected DESCRIBE code, frames served when 200)."""
    pcm = bytes(range(256)) * 16                     # 4096 bytes: 1024 stereo frames
    lying = riff(chunk(b"fmt ", fmt())) + b"data" + struct.pack("<I", 10 ** 9) + pcm[:1002]
    return {
        "empty.wav": (b"", 415, 0),
        "trunc.wav": (b"RIFF\x24\x00\x00\x00WAVEfm", 415, 0),
        "truncfmt.wav": (riff()[:12] + b"fmt \x10\x00\x00\x00\x01\x00", 415, 0),
        "nodata.wav": (riff(chunk(b"fmt ", fmt())), 415, 0),
        "lying.wav": (lying, 200, 250),
        "eight.wav": (riff(chunk(b"fmt ", fmt(ch=1, bits=8)), chunk(b"data", pcm)), 415, 0),
        "float.wav": (riff(chunk(b"fmt ", fmt(tag=3, bits=32)), chunk(b"data", pcm)), 415, 0),
        "extfloat.wav": (riff(chunk(b"fmt ", _extensible(3)), chunk(b"data", pcm)), 415, 0),
        "extpcm.wav": (riff(chunk(b"fmt ", _extensible(1)), chunk(b"data", pcm)), 200, 1024),
        "sixch.wav": (riff(chunk(b"fmt ", fmt(ch=6)), chunk(b"data", pcm)), 415, 0),
        "garbage.wav": (os.urandom(3000), 415, 0),
        "list.wav": (riff(chunk(b"fmt ", fmt()), chunk(b"LIST", b"odd"),
                          chunk(b"data", pcm)), 200, 1024),
        "datafirst.wav": (riff(chunk(b"data", pcm), chunk(b"fmt ", fmt())), 415, 0),
    }


def make_media(data_dir, seconds=1.0):
    """DATA_DIR/media with STEREO (SECONDS long), MONO, the malformed WAVs and
    link.wav, a link to DATA_DIR/secret.wav (outside media/). Its path."""
    media = os.path.join(data_dir, "media")
    os.makedirs(media, exist_ok=True)
    mkwav.write_wav(os.path.join(media, STEREO), seconds, 44100, 2)
    mkwav.write_wav(os.path.join(media, MONO), 0.5, 8000, 1)
    for name, (data, _, _) in malformed_wavs().items():
        with open(os.path.join(media, name), "wb") as f:
            f.write(data)
    with open(os.path.join(data_dir, "secret.wav"), "wb") as f:   # outside media/
        f.write(open(os.path.join(media, STEREO), "rb").read())
    os.symlink(os.path.join(data_dir, "secret.wav"), os.path.join(media, "link.wav"))
    return media


def pcm_of(path):
    with wave.open(path, "rb") as w:
        return w.getframerate(), w.getnchannels(), w.readframes(w.getnframes())
