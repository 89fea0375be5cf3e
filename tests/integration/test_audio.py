"""seal plays RTSP audio through ALSA (issue 17).

The test machine has no sound card, so ALSA is pointed at a configuration in
a temporary HOME (~/.asoundrc):

  - for what was played, the default device is ALSA's `file` plugin over
    `null`: every frame seal hands the device lands in a raw file. A stream
    played whole (batch --play), at 44.1 kHz stereo, 8 kHz mono and 48 kHz
    stereo, equals the source WAV's samples bit for bit; in the TUI a
    stream paused and resumed, then seeked forward and back with the arrow
    keys, equals the source up to each seek and the source from each seek
    point (the frame the server took for the Range it logged) after it,
    with no gap and no repeat; m mutes (zeros in the file), - lowers the
    volume (the samples scaled, rounded) and + past 100 % saturates and
    the view counts the clipped samples.
  - ALSA's null device keeps no clock, so timing runs on PulseAudio's null
    sink (module-null-sink; our own daemon on a private socket), reached
    through ALSA's pulse plugin and recorded from its monitor with parec.
    An idle null sink renders in blocks of up to two seconds and starts a
    new stream a second or more late, unlike a desktop's running sink, so
    a silent stream at 20 ms latency keeps it running (the mix adds zeros:
    the monitor still carries seal's samples exactly). There, a proxy
    between seal and sealed holds the server's bytes back for 2.5 s: the
    TUI counts underruns, a key pressed meanwhile takes effect before the
    hold ends (its latency is printed: the assertion is only that it came
    while the data was held, never a tight bound), and playback resumes to
    the end; a longer stream in batch mode keeps its buffer level bounded
    (printed), and the monitor holds the source's third and last seconds
    exactly (a stream joining the sink may be mixed in over a rewind, so its
    first moments can reach the monitor twice).
  - With --audio-device nonexistent the TUI says why there is no sound and
    the stream plays to its end; batch --play with it fails in one line.

Test signal: a counter (left: the frame number mod 65536; right: it times
7919 plus its upper half times 40503, mod 65536: a stereo frame names its
frame number up to 2^32; a mono one, the frame number times 7919, up to
65536, more than any mono stream here), so any frame tells where it came
from and no offset can match by chance. The TUI runs in tui.Tui (its own tmux
server on a unique -L socket, HOME set for ALSA); its stderr
is checked for sanitizer reports, so `--bin build/san/bin` runs these under
ASan.
"""

import array
import os
import re
import subprocess
import time
import wave

import lib
from holdproxy import HoldProxy
from lib import check, deadline, password_file, tail, timeout, tmpdir
from tui import Tui

ALICE = lib.DEFAULT_USERS["alice"]
FRAME_MUL = 7919
HIGH_MUL = 40503
SEEK_MS = 5000
BUFFER_MS = 200


# --- media and the server ------------------------------------------------------

def counter_pcm(frames, channels, first=0):
    """The test signal's bytes (16-bit little-endian)."""
    if channels == 1:
        vals = [((i * FRAME_MUL) + 12345) & 0xFFFF for i in range(first, first + frames)]
    else:
        vals = [0] * (2 * frames)
        vals[0::2] = [i & 0xFFFF for i in range(first, first + frames)]
        vals[1::2] = [(i * FRAME_MUL + (i >> 16) * HIGH_MUL) & 0xFFFF
                      for i in range(first, first + frames)]
    a = array.array("H", vals)
    if a.itemsize != 2 or array.array("H", [1]).tobytes() != b"\x01\x00":
        a.byteswap()
    return a.tobytes()


def write_wav(path, seconds, rate, channels):
    data = counter_pcm(int(seconds * rate), channels)
    with wave.open(path, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(data)
    return data


class AudioServer(lib.Server):
    """sealed with its RTSP port and the test signal as MEDIA {name: (s, Hz, ch)}."""

    def __init__(self, name, media):
        data = tmpdir("data")
        super().__init__(users={"alice": ALICE}, data_dir=data, name=name, rtsp=True)
        self.media = os.path.join(data, "media")
        os.makedirs(self.media)
        self.pcm = {}
        self.fmt = {}
        for n, (seconds, rate, ch) in media.items():
            self.pcm[n] = write_wav(os.path.join(self.media, n), seconds, rate, ch)
            self.fmt[n] = (rate, ch)

    def url(self, name, port=None):
        return "rtsps://localhost:%d/%s" % (port or self.rtsp_port, name)

    def ranges_ms(self):
        """The start of each Range a client sent, in ms, as the log has them."""
        return [int(a) * 1000 + int((b + "000")[:3])
                for a, b in re.findall(r"C: Range: npt=(\d+)\.?(\d*)-", self.log())]


# --- ALSA configurations --------------------------------------------------------

def alsa_home(conf):
    home = tmpdir("alsahome")
    with open(os.path.join(home, ".asoundrc"), "w") as f:
        f.write(conf)
    return home


def file_home(out):
    """A HOME whose ALSA default device writes what is played to OUT."""
    return alsa_home('pcm.!default {\n\ttype file\n\tslave.pcm "null"\n\tfile "%s"\n'
                     '\tformat "raw"\n}\n' % out)


def pulse_home(native):
    return alsa_home('pcm.!default {\n\ttype pulse\n\tserver "unix:%s"\n}\n'
                     'ctl.!default {\n\ttype pulse\n\tserver "unix:%s"\n}\n' % (native, native))


def home_env(home):
    return {"HOME": home, "XDG_CONFIG_HOME": os.path.join(home, ".config")}


def read(path):
    with open(path, "rb") as f:
        return f.read()


def login_args(extra=()):
    return ["--user", "alice", "--password-file", password_file(ALICE)] + list(extra)


def seal_args(extra=()):
    return [lib.seal_bin(), "--cafile", lib.default_certs().crt] + login_args(extra)


def audio_tui(url, home, extra=(), x=100, y=34):
    """seal's TUI on URL, logged in as alice, HOME set for ALSA."""
    return Tui(url, lib.default_certs().crt, args=login_args(extra), home=home, x=x, y=y)


def batch_play(s, name, home, extra=(), seconds=60):
    return lib.run(seal_args(["--batch", "--play"] + list(extra)) + [s.url(name)],
                   timeout=seconds, env=home_env(home))


AUDIO_LINE = re.compile(r"audio: played to '([^']*)' \((\d+) Hz, (\d) ch\): (\d+) frames, "
                        r"buffer (\d+) ms \((?:held (\d+)\.\.(\d+) ms once settled|"
                        r"the device keeps no clock)\), "
                        r"(\d+) underruns, (\d+) dropped, (\d+) repeated")


POSITION = re.compile(r"Position .*? (\d+):(\d\d)\.(\d) / ")
AUDIO_ROW = re.compile(r"Audio\s+(\S+): (\w+), (\d+)/(\d+) ms, (\d+) underruns?")


def position_ms(screen):
    m = POSITION.search(screen)
    return (int(m.group(1)) * 60000 + int(m.group(2)) * 1000 + int(m.group(3)) * 100) if m else None


def wait_position(tui, pred, what, seconds=20):
    end = time.monotonic() + deadline(seconds)
    screen = ""
    while time.monotonic() < end:
        screen = tui.capture()
        pos = position_ms(screen)
        if pos is not None and pred(pos):
            return pos, screen
        time.sleep(0.03)
    raise lib.TestFailure("the position never %s; last screen:\n%s" % (what, screen))


def start_playing(tui):
    """DESCRIBE, SETUP (the device opens), PLAY: the player says playing."""
    tui.wait_for([r"RTSP commands", r"secure channel"])
    tui.send("d")
    tui.wait_for(r"INIT, stream described")
    tui.send("s")
    tui.wait_for([r"READY", r"sound: ALSA device 'default'"])
    tui.send("Space")
    return tui.wait_for(r"Audio\s+default: playing")


# --- the comparisons ----------------------------------------------------------

def common_prefix(a, b, unit):
    """The length of the common prefix of A and B, in whole UNITs."""
    n = min(len(a), len(b)) // unit
    lo, hi = 0, n
    while lo < hi:                          # a[:k*unit] == b[:k*unit] is monotonic in k
        mid = (lo + hi + 1) // 2
        if a[:mid * unit] == b[:mid * unit]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def frame_at(ms, rate):
    return ms * rate // 1000


def scaled(pcm, pct):
    """PCM (16-bit LE) at PCT percent, as seal rounds and saturates."""
    a = array.array("h", pcm)
    out = array.array("h", bytes(len(pcm)))
    for i, s in enumerate(a):
        v = s * pct
        q = (v + 50) // 100 if v >= 0 else -((-v + 50) // 100)
        out[i] = max(-32768, min(32767, q))
    return out.tobytes()


# --- batch mode through the file plugin ----------------------------------------

@timeout(90)
def test_audio_batch_play_is_the_source_bit_for_bit():
    media = {"cd.wav": (3.0, 44100, 2), "mono8k.wav": (2.0, 8000, 1),
             "s48k.wav": (2.0, 48000, 2)}
    with AudioServer("audio-batch", media) as s:
        for name, (seconds, rate, ch) in media.items():
            out = os.path.join(tmpdir("play"), "played.raw")
            r = batch_play(s, name, file_home(out))
            check(r.returncode == 0, "%s: exit %d: %s" % (name, r.returncode, tail(r.stderr)))
            text = r.stdout.decode()
            m = AUDIO_LINE.search(text)
            check(m is not None, "%s: no audio: line: %s" % (name, tail(text)))
            check((int(m.group(2)), int(m.group(3))) == (rate, ch),
                  "%s: the device was opened at %s Hz %s ch" % (name, m.group(2), m.group(3)))
            check(int(m.group(4)) == int(seconds * rate), "%s: %s frames heard, want %d"
                  % (name, m.group(4), int(seconds * rate)))
            got, want = read(out), s.pcm[name]
            check(got == want, "%s: the device got %d bytes, not the source's %d (first "
                  "difference at frame %d)" % (name, len(got), len(want),
                                              common_prefix(got, want, 2 * ch)))
            print("# %s: %d frames at %d Hz %d ch played bit for bit; %s"
                  % (name, int(seconds * rate), rate, ch, m.group(0)[m.group(0).index("buffer"):]))


@timeout(60)
def test_audio_batch_play_without_a_device_fails_in_one_line():
    with AudioServer("audio-nodev", {"t.wav": (1.0, 8000, 1)}) as s:
        home = file_home(os.path.join(tmpdir("play"), "x.raw"))
        r = batch_play(s, "t.wav", home, ["--audio-device", "nonexistent"])
        err = r.stderr.decode().strip().splitlines()
        check(r.returncode == 1 and len(err) == 1 and re.match(
            r"seal: cannot play: cannot open ALSA device 'nonexistent': ", err[0]),
            "exit %d, stderr %r" % (r.returncode, err))
        for bad, why in ((["--play", "--no-audio"], "choose one of --play and --no-audio"),
                         (["--buffer", "5"], "--buffer takes milliseconds, 20 to 5000"),
                         (["--buffer", "2x"], "--buffer takes milliseconds")):
            r = lib.run(seal_args(["--batch"] + bad) + [s.url("t.wav")], env=home_env(home))
            check(r.returncode == 2 and why in r.stderr.decode(),
                  "%s: exit %d, %s" % (bad, r.returncode, tail(r.stderr)))
        r = lib.run([lib.seal_bin(), "--play", "smtps://localhost:1"], env=home_env(home))
        check(r.returncode == 2 and "are for rtsps:// URLs" in r.stderr.decode(),
              "--play with smtps://: exit %d, %s" % (r.returncode, tail(r.stderr)))


# --- the TUI through the file plugin -------------------------------------------

@timeout(120)
def test_audio_tui_pause_resume_and_seek_are_exact():
    name = "long.wav"
    with AudioServer("audio-seek", {name: (14.0, 44100, 2)}) as s:
        out = os.path.join(tmpdir("play"), "played.raw")
        tui = audio_tui(s.url(name), file_home(out))
        try:
            start_playing(tui)
            wait_position(tui, lambda p: p >= 1500, "reached 1.5 s")
            tui.send("Space")                          # PAUSE: the device at once
            screen = tui.wait_for([r"READY, paused at", r"Audio\s+default: paused"])
            paused = position_ms(screen)
            time.sleep(1.0)
            check(position_ms(tui.capture()) == paused, "the position moved while paused")
            tui.send("Space")                          # PLAY goes on
            wait_position(tui, lambda p: p > paused + 1000, "went on after PAUSE")
            tui.send("Right")                          # +5 s
            tui.wait_for(r"seek to \d:\d\d\.\d \(PLAY with a Range\)")
            wait_position(tui, lambda p: p >= paused + 6500, "moved past the seek")
            tui.send("Left")                           # -5 s
            tui.wait_for(r"seek to \d:\d\d\.\d")
            screen = tui.wait_for([r"RTCP BYE: the server ended", r"Audio\s+default: ended"],
                                  seconds=30)
            check(position_ms(screen) == 14000, "not at the end:\n%s" % screen)
            check(tui.quit() == 0, "seal exit status")
        finally:
            tui.close()
        ranges = s.ranges_ms()
        check(len(ranges) == 2, "want two seeks in the log, got Ranges %s" % ranges)
        got, src, unit = read(out), s.pcm[name], 4
        k1 = common_prefix(got, src, unit)
        s1 = frame_at(ranges[0], 44100)
        k2 = k1 + common_prefix(got[k1 * unit:], src[s1 * unit:], unit)
        s2 = frame_at(ranges[1], 44100)
        rest = got[k2 * unit:]
        print("# played 0..%d (paused at %d ms and resumed), seek to %d ms: %d..%d, seek to "
              "%d ms: %d..end" % (k1, paused, ranges[0], s1, s1 + k2 - k1, ranges[1], s2))
        check(k1 * 1000 // 44100 > paused, "the pause left a gap or a repeat: the source "
              "stops at frame %d, paused at %d ms" % (k1, paused))
        check(s1 > k1 and abs(s1 - (k1 + SEEK_MS * 44 + SEEK_MS // 10)) < 44100,
              "the first seek: from frame %d to %d" % (k1, s1))
        check(rest == src[s2 * unit:], "after the second seek the device did not get the "
              "source from frame %d on (it got %d frames, first difference at %d)"
              % (s2, len(rest) // unit, common_prefix(rest, src[s2 * unit:], unit)))
        check(s2 < s1 + (k2 - k1), "the second seek did not go back")


@timeout(90)
def test_audio_tui_keys_mute_volume_and_help():
    name = "keys.wav"
    with AudioServer("audio-keys", {name: (7.0, 8000, 1)}) as s:
        out = os.path.join(tmpdir("play"), "played.raw")
        tui = audio_tui(s.url(name), file_home(out))
        try:
            tui.send("?")
            tui.wait_for([r"Left, Right\s+seek 5000 ms", r"\+, -\s+the volume", r"m\s+mute"])
            tui.send("q")
            start_playing(tui)
            wait_position(tui, lambda p: p >= 1000, "reached 1 s")
            tui.send("m")
            tui.wait_for(r"Volume\s+\S+ 100% muted")
            wait_position(tui, lambda p: p >= 2500, "reached 2.5 s")
            tui.send("m")
            tui.wait_for(r"Volume\s+\S+ 100%\s")
            tui.send("-", "-", "-", "-", "-")
            tui.wait_for(r"Volume\s+\S+ 50%")
            wait_position(tui, lambda p: p >= 4000, "reached 4 s")
            for _ in range(15):
                tui.send("+")                             # to 200 %: it clips, counted
            screen = tui.wait_for(r"Volume\s+\S+ 200%, \d+ clipped")
            tui.wait_for([r"RTCP BYE: the server ended", r"Audio\s+default: ended"],
                         seconds=20)
            check(tui.quit() == 0, "seal exit status")
        finally:
            tui.close()
        got, src = read(out), s.pcm[name]
        check(len(got) == len(src), "played %d bytes of %d" % (len(got), len(src)))
        a_got, a_src = array.array("h", got), array.array("h", src)
        # where each stretch is: unity, then silence, unity, 50 %, 200 %
        silent = [i for i, v in enumerate(a_got) if v == 0 and a_src[i] != 0]
        check(silent, "m muted nothing")
        m0, m1 = silent[0], silent[-1]
        check(all(v == 0 for v in a_got[m0:m1 + 1]), "the mute has holes")
        check(a_got[:m0] == a_src[:m0], "before the mute the samples changed")
        half = [i for i in range(m1 + 1, len(a_got)) if a_got[i] != a_src[i]]
        check(half, "- changed nothing")
        h0 = half[0]
        h_end = h0
        while h_end < len(a_got) and a_got[h_end] == array.array("h", scaled(
                a_src[h_end:h_end + 1].tobytes(), 50))[0]:
            h_end += 1
        check(h_end - h0 > 8000, "50 %% lasted only %d samples" % (h_end - h0))
        loud = a_got[h_end:].tobytes()
        check(any(abs(v) == 32767 or v == -32768 for v in array.array("h", loud)),
              "+ to 200 % clipped nothing")
        print("# muted samples %d..%d (%.2f s), 50 %% from %d for %d samples, then louder: "
              "%s" % (m0, m1, (m1 - m0) / 8000.0, h0, h_end - h0,
                      re.search(r"Volume\s+\S+ (200%, \d+ clipped)", screen).group(1)))


@timeout(60)
def test_audio_tui_without_a_device_says_why_and_streams_on():
    name = "t.wav"
    with AudioServer("audio-nodev-tui", {name: (2.0, 8000, 1)}) as s:
        home = file_home(os.path.join(tmpdir("play"), "x.raw"))
        tui = audio_tui(s.url(name), home, ["--audio-device", "nonexistent"], x=160)
        try:
            tui.wait_for([r"RTSP commands", r"secure channel"])
            tui.send("d")
            tui.wait_for(r"INIT, stream described")
            tui.send("s")
            screen = tui.wait_for([r"no sound: cannot open ALSA device 'nonexistent': "
                                   r"No such file or directory; the stream goes on",
                                   r"Audio\s+off: cannot open ALSA device 'nonexistent'"])
            tui.send("Space")
            screen = tui.wait_for(r"RTCP BYE: the server ended the stream at 0:02\.0",
                                  seconds=20)
            check(position_ms(screen) == 2000, "not at the end:\n%s" % screen)
            check(tui.quit() == 0, "seal exit status")
        finally:
            tui.close()


# --- timing on PulseAudio's null sink ------------------------------------------

class Pulse:
    """A PulseAudio daemon of our own: a null sink at 44.1 kHz stereo, kept
    running by a silent 20 ms stream; parec records its monitor."""

    def __init__(self):
        self.dir = tmpdir("pulse")
        run = os.path.join(self.dir, "run")
        os.makedirs(run, mode=0o700)
        self.native = os.path.join(self.dir, "native")
        self.server = "unix:" + self.native
        self.env = dict(os.environ, HOME=self.dir, XDG_RUNTIME_DIR=run,
                        XDG_CONFIG_HOME=os.path.join(self.dir, ".config"))
        self.env.pop("PULSE_SERVER", None)
        self.log = os.path.join(self.dir, "pulseaudio.log")
        self.procs = []
        with open(self.log, "wb") as log:
            self.daemon = self._start(
                ["pulseaudio", "-n", "--daemonize=no", "--system=no", "--disallow-exit",
                 "--exit-idle-time=-1", "--use-pid-file=no", "--disable-shm=yes",
                 "--log-target=stderr",
                 "--load=module-native-protocol-unix socket=%s auth-anonymous=1" % self.native,
                 "--load=module-null-sink sink_name=seal rate=44100 channels=2"],
                stdout=subprocess.DEVNULL, stderr=log)
        end = time.monotonic() + deadline(20)
        while time.monotonic() < end:
            r = subprocess.run(["pactl", "-s", self.server, "info"], env=self.env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if r.returncode == 0:
                break
            check(self.daemon.poll() is None, "pulseaudio exited: %s" % tail(read(self.log)))
            time.sleep(0.1)
        else:
            raise lib.TestFailure("pulseaudio did not answer: %s" % tail(read(self.log)))
        self._start(["pacat", "-s", self.server, "-d", "seal", "--raw", "--latency-msec=20",
                     "--format=s16le", "--rate=44100", "--channels=2", "/dev/zero"],
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self._wait_running()
        self.home = pulse_home(self.native)

    def _wait_running(self):
        """Until the sink has played out its idle block: its latency under 100 ms."""
        end = time.monotonic() + deadline(20)
        text = ""
        while time.monotonic() < end:
            r = subprocess.run(["pactl", "-s", self.server, "list", "sinks"], env=self.env,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            text = r.stdout.decode("utf-8", "replace")
            m = re.search(r"State: RUNNING.*?\n\s*Latency: (\d+) usec", text, re.S)
            if m and int(m.group(1)) < 100000:
                return
            time.sleep(0.1)
        raise lib.TestFailure("the null sink never ran at a low latency: %s" % tail(text))

    def _start(self, args, **kw):
        p = lib.popen(args, env=self.env, stdin=subprocess.DEVNULL, **kw)
        self.procs.append(p)
        return p

    def record(self, path):
        return self._start(["parec", "-s", self.server, "-d", "seal.monitor", "--raw",
                            "--latency-msec=20", "--format=s16le", "--rate=44100",
                            "--channels=2", path], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)

    def close(self):
        for p in reversed(self.procs):
            lib.stop_proc(p, timeout=5)


@timeout(120)
def test_audio_pulse_held_data_underruns_resume_and_keys_answer():
    lib.realtime("underruns and keys on PulseAudio's clock")
    name = "held.wav"
    hold_s = 2.5
    with AudioServer("audio-pulse-tui", {name: (8.0, 44100, 2)}) as s:
        pulse = Pulse()
        proxy = HoldProxy(s.rtsp_port)
        tui = audio_tui(s.url(name, proxy.port), pulse.home)
        try:
            start_playing(tui)
            wait_position(tui, lambda p: p >= 2000, "reached 2 s on the pulse sink")
            held_from = time.monotonic()
            until = proxy.hold(hold_s)
            time.sleep(0.3)
            waits = []
            for k, shows in (("+", r"Volume\s+\S+ 110%\s"), ("m", r"Volume\s+\S+ 110% muted"),
                             ("m", r"Volume\s+\S+ 110%\s"), ("-", r"Volume\s+\S+ 100%\s")):
                sent = time.monotonic()
                tui.send(k)
                tui.wait_for(shows)
                waits.append((time.monotonic() - sent) * 1000)
            answered = time.monotonic()
            screen = tui.wait_for(r"Audio\s+default: \w+, \d+/200 ms, [1-9]\d* underruns?",
                                  seconds=hold_s + 5)
            counted = time.monotonic()
            pos, _ = wait_position(tui, lambda p: p >= 6000, "went on after the hold", 30)
            screen = tui.wait_for([r"RTCP BYE: the server ended", r"Audio\s+default: ended"],
                                  seconds=30)
            m = AUDIO_ROW.search(screen)
            print("# held the server's bytes %.1f s from 2 s in: keys + m m - each shown in "
                  "%s ms (tmux polled every 30 ms; the hold had %.1f s to go); underrun "
                  "counted %.2f s into the hold; played to the end with %s underrun(s)"
                  % (hold_s, "/".join("%d" % w for w in waits), until - answered,
                     counted - held_from, m.group(5) if m else "?"))
            check(answered < until, "the keys took effect only after the hold ended")
            check(position_ms(screen) == 8000, "not at the end:\n%s" % screen)
            check(tui.quit() == 0, "seal exit status")
        finally:
            tui.close()
            proxy.close()
            pulse.close()


@timeout(120)
def test_audio_pulse_long_stream_level_bounded_and_recorded():
    lib.realtime("PulseAudio's clock over a 20 s stream")
    name = "steady.wav"
    seconds = 20.0
    with AudioServer("audio-pulse-long", {name: (seconds, 44100, 2)}) as s:
        pulse = Pulse()
        rec = os.path.join(pulse.dir, "monitor.raw")
        try:
            recorder = pulse.record(rec)
            time.sleep(0.3)
            t0 = time.monotonic()
            r = batch_play(s, name, pulse.home, seconds=seconds + 30)
            took = time.monotonic() - t0
            time.sleep(0.3)
            lib.stop_proc(recorder, timeout=5)
        finally:
            pulse.close()
        check(r.returncode == 0, "exit %d: %s" % (r.returncode, tail(r.stderr)))
        m = AUDIO_LINE.search(r.stdout.decode())
        check(m is not None, "no audio: line: %s" % tail(r.stdout))
        check(m.group(6) is not None, "the pulse sink kept no clock: %s" % m.group(0))
        lo, hi, under, drop, rep = (int(m.group(i)) for i in (6, 7, 8, 9, 10))
        got, src = read(rec), s.pcm[name]
        # a stream joining the sink can be mixed in over a rewind: its first
        # moments may reach the monitor twice; from then on it is exact
        early, last = src[2 * 44100 * 4:3 * 44100 * 4], src[-44100 * 4:]
        at_first, at_last = got.find(early), got.find(last)
        print("# %.0f s on the pulse null sink in %.1f s: buffer held %d..%d ms once settled "
              "(target %d), %d underruns, %d dropped, %d repeated; the monitor has the third "
              "second at byte %d, the last at %d" % (seconds, took, lo, hi, BUFFER_MS, under,
                                                      drop, rep, at_first, at_last))
        check(hi <= BUFFER_MS + 400 and hi > 0, "the level went to %d ms" % hi)
        check(took >= seconds, "a clocked device played %.0f s in %.1f s" % (seconds, took))
        check(at_first >= 0 and at_last > at_first, "the monitor does not hold the source's "
              "third and last seconds exactly")
