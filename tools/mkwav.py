#!/usr/bin/env python3
"""mkwav.py: writes a demo WAV for sealed's RTSP streams (Python stdlib only).

    python3 tools/mkwav.py OUT.wav [--seconds S] [--rate HZ] [--channels 1|2]

A few seconds of a soft arpeggio (C major, then F major, then G major, back
to C), each note with a short attack and a gentle decay, panned a little left
and right in stereo: 16-bit PCM, 44.1 kHz stereo by default, the format the
RTSP service streams. Writes to a temporary name and renames, so a reader
never sees half a file. Used by tools/run.sh (`make run`) when the media
folder has no WAV, and by the tests for known audio.
"""

import argparse
import array
import math
import os
import sys
import wave

AMPLITUDE = 0.30            # of full scale, per note
ATTACK_S = 0.015            # fade-in of each note
NOTE_S = 0.25               # one arpeggio step
# Notes in Hz: C5 E5 G5 C6, F4 A4 C5 F5, G4 B4 D5 G5, C5 E5 G5 C6
CHORDS = [
    (523.25, 659.25, 783.99, 1046.50),
    (349.23, 440.00, 523.25, 698.46),
    (392.00, 493.88, 587.33, 783.99),
    (523.25, 659.25, 783.99, 1046.50),
]
PAN = (0.35, 0.65, 0.45, 0.55)  # right-channel share of each note of a chord
FULL_SCALE = 32767


def note_sample(t_in_note, freq):
    """The note's value (-1..1) T_IN_NOTE seconds after it starts."""
    env = min(1.0, t_in_note / ATTACK_S) * math.exp(-3.0 * t_in_note / NOTE_S)
    tone = math.sin(2 * math.pi * freq * t_in_note)
    tone += 0.25 * math.sin(4 * math.pi * freq * t_in_note)   # a soft overtone
    return AMPLITUDE * env * tone / 1.25


def synth(seconds, rate, channels):
    """Interleaved 16-bit samples as an array('h')."""
    notes = [(f, PAN[i]) for chord in CHORDS for i, f in enumerate(chord)]
    frames = int(seconds * rate)
    out = array.array("h", bytes(2 * frames * channels))
    for n in range(frames):
        t = n / rate
        step = int(t / NOTE_S)
        freq, pan = notes[step % len(notes)]
        v = note_sample(t - step * NOTE_S, freq)
        if channels == 1:
            out[n] = int(v * FULL_SCALE)
        else:
            out[2 * n] = int(v * 2 * (1.0 - pan) * FULL_SCALE)
            out[2 * n + 1] = int(v * 2 * pan * FULL_SCALE)
    return out


def write_wav(path, seconds=4.0, rate=44100, channels=2):
    samples = synth(seconds, rate, channels)
    if sys.byteorder != "little":
        samples.byteswap()
    tmp = "%s.tmp.%d" % (path, os.getpid())
    with wave.open(tmp, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.tobytes())
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser(description="write a demo WAV (16-bit PCM)")
    ap.add_argument("out")
    ap.add_argument("--seconds", type=float, default=4.0)
    ap.add_argument("--rate", type=int, default=44100)
    ap.add_argument("--channels", type=int, choices=(1, 2), default=2)
    a = ap.parse_args()
    if a.seconds <= 0 or a.rate <= 0:
        ap.error("--seconds and --rate must be positive")
    write_wav(a.out, a.seconds, a.rate, a.channels)
    return 0


if __name__ == "__main__":
    sys.exit(main())
