#!/usr/bin/env python3
"""flawed.py: a small SMTP submission server in Python's ssl (the system
OpenSSL), flawed on purpose, for the grader's tests and demos: what a
student might hand in. Implicit TLS by default (smtps://), or STARTTLS
(smtp://); one thread a connection; AUTH PLAIN and LOGIN against one user;
MAIL, RCPT, DATA (the message is dropped), NOOP, RSET, QUIT.

    python3 tools/grade/testservers/flawed.py --port N --cert FILE --key FILE
        [--user NAME --password-file FILE] [FLAW ...]

Flaws (any mix; none is a well-behaved server):
  --tls10                 TLS 1.0 and 1.1 too, every suite OpenSSL has (CBC, no
                          forward secrecy): minimum_version TLSv1 and
                          set_ciphers('ALL:@SECLEVEL=0')
  --seclevel0             security level 0, so that a 1024-bit RSA key loads
                          (OpenSSL 3.0's default level 2 refuses it: ee key too small)
  --starttls              plain SMTP first; TLS after STARTTLS
  --auth-before-starttls  with --starttls: offers AUTH in clear and takes it
  --any-password          any password logs in

The certificate flaws (expired, another host's name, a small key) are in
the files given. Well-behaved otherwise: TLS 1.2 and 1.3 only, ECDHE with
AES-GCM or ChaCha20 in TLS 1.2. Prints 'flawed ready: PORT' on stderr when
it listens; stops on SIGTERM or SIGINT.
"""

import argparse
import base64
import signal
import socketserver
import ssl
import sys
import warnings

GOOD_CIPHERS = "ECDHE+AESGCM:ECDHE+CHACHA20"
LINE_MAX = 4096
IDLE_S = 30             # a silent client is dropped after this


def context(a):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    if a.tls10:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # TLSv1 is deprecated
            ctx.minimum_version = ssl.TLSVersion.TLSv1
        ctx.set_ciphers("ALL:@SECLEVEL=0")
    else:
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.set_ciphers(GOOD_CIPHERS + (":@SECLEVEL=0" if a.seclevel0 else ""))
    ctx.load_cert_chain(a.cert, a.key)
    return ctx


class Session(socketserver.StreamRequestHandler):
    """One SMTP connection."""

    def setup(self):
        a = self.server.args
        self.tls = False
        self.request.settimeout(IDLE_S)
        if not a.starttls:
            try:
                self.request = self.server.ctx.wrap_socket(self.request, server_side=True)
            except (ssl.SSLError, OSError):
                self.request.close()
                raise ConnectionError("handshake failed")
            self.tls = True
        super().setup()
        self.authed = False

    def reply(self, text):
        self.wfile.write((text + "\r\n").encode())
        self.wfile.flush()

    def readline(self):
        line = self.rfile.readline(LINE_MAX)
        if not line:
            raise EOFError
        return line.decode("utf-8", "replace").rstrip("\r\n")

    def handle(self):
        try:
            self.reply("220 flawed.example ESMTP ready")
            while True:
                if not self.command(self.readline()):
                    return
        except (EOFError, ConnectionError, OSError, ssl.SSLError):
            return

    def command(self, line):
        a = self.server.args
        verb, _, arg = line.partition(" ")
        verb = verb.upper()
        auth_ok_here = self.tls or a.auth_before_starttls
        if verb in ("EHLO", "HELO"):
            lines = ["flawed.example", "PIPELINING", "8BITMIME"]
            if a.starttls and not self.tls:
                lines.append("STARTTLS")
            if auth_ok_here:
                lines.append("AUTH PLAIN LOGIN")
            for l in lines[:-1]:
                self.reply("250-" + l)
            self.reply("250 " + lines[-1])
        elif verb == "STARTTLS" and a.starttls and not self.tls:
            self.reply("220 2.0.0 ready to start TLS")
            self.request = self.server.ctx.wrap_socket(self.request, server_side=True)
            self.tls = True
            self.rfile = self.request.makefile("rb")
            self.wfile = self.request.makefile("wb")
        elif verb == "AUTH" and not auth_ok_here:
            self.reply("530 5.7.0 Must issue a STARTTLS command first")
        elif verb == "AUTH":
            self.auth(arg)
        elif verb in ("MAIL", "RCPT"):
            self.reply("250 2.1.0 OK" if self.authed else "530 5.7.0 Authentication required")
        elif verb == "DATA" and self.authed:
            self.reply("354 end with .")
            while self.readline() != ".":
                pass
            self.reply("250 2.0.0 OK: dropped")
        elif verb in ("NOOP", "RSET"):
            self.reply("250 2.0.0 OK")
        elif verb == "QUIT":
            self.reply("221 2.0.0 bye")
            return False
        else:
            self.reply("502 5.5.2 command not recognized")
        return True

    def auth(self, arg):
        mech, _, initial = arg.partition(" ")
        mech = mech.upper()
        try:
            if mech == "PLAIN":
                if not initial:
                    self.reply("334 ")
                    initial = self.readline()
                parts = base64.b64decode(initial, validate=True).split(b"\0")
                user, pw = parts[1].decode(), parts[2].decode()
            elif mech == "LOGIN":
                self.reply("334 VXNlcm5hbWU6")
                user = base64.b64decode(self.readline(), validate=True).decode()
                self.reply("334 UGFzc3dvcmQ6")
                pw = base64.b64decode(self.readline(), validate=True).decode()
            else:
                self.reply("504 5.5.4 mechanism not supported")
                return
        except (ValueError, IndexError, UnicodeDecodeError):
            self.reply("501 5.5.2 cannot decode the response")
            return
        a = self.server.args
        if user == a.user and (a.any_password or pw == self.server.password):
            self.authed = True
            self.reply("235 2.7.0 Authentication successful")
        else:
            self.reply("535 5.7.8 Authentication credentials invalid")


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True
    request_queue_size = 128

    def handle_error(self, request, client_address):
        pass            # a client that fails its handshake: nothing to report


def _stop(signum, frame):
    raise KeyboardInterrupt


def main():
    ap = argparse.ArgumentParser(prog="flawed.py", description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--listen", default="127.0.0.1")
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--user", default="student")
    ap.add_argument("--password-file")
    for flag in ("tls10", "seclevel0", "starttls", "auth-before-starttls", "any-password"):
        ap.add_argument("--" + flag, action="store_true")
    a = ap.parse_args()
    if a.auth_before_starttls and not a.starttls:
        ap.error("--auth-before-starttls needs --starttls")
    password = None
    if a.password_file:
        with open(a.password_file) as f:
            password = f.readline().rstrip("\r\n")
    try:
        ctx = context(a)
        srv = Server((a.listen, a.port), Session)
    except (OSError, ssl.SSLError) as e:
        sys.stderr.write("flawed: %s\n" % e)
        return 1
    srv.args, srv.ctx, srv.password = a, ctx, password
    signal.signal(signal.SIGTERM, _stop)
    sys.stderr.write("flawed ready: %d\n" % srv.server_address[1])
    sys.stderr.flush()
    try:
        srv.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        srv.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
