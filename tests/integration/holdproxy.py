"""A TCP proxy for tests: between a client and a server on 127.0.0.1, it
can hold the server's bytes back for a while (they all follow at once when
the hold ends), to stall a handshake or a stream on purpose."""

import socket
import threading
import time


class HoldProxy:
    """A TCP proxy between seal and sealed that can hold the server's bytes
    back for a while (they all follow at once when the hold ends)."""

    def __init__(self, port):
        self.target = port
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(4)
        self.listener.settimeout(0.1)
        self.port = self.listener.getsockname()[1]
        self.until = 0.0
        self.stopping = False
        self.socks = []
        self.threads = [threading.Thread(target=self._accept, daemon=True)]
        self.threads[0].start()

    def hold(self, seconds):
        self.until = time.monotonic() + seconds
        return self.until

    def _accept(self):
        while not self.stopping:
            try:
                c, _ = self.listener.accept()
            except OSError:
                continue
            up = socket.create_connection(("127.0.0.1", self.target))
            self.socks += [c, up]
            for src, dst, held in ((c, up, False), (up, c, True)):
                t = threading.Thread(target=self._pipe, args=(src, dst, held), daemon=True)
                self.threads.append(t)
                t.start()

    def _pipe(self, src, dst, held):
        backlog = bytearray()
        src.settimeout(0.01)
        try:
            while not self.stopping:
                try:
                    data = src.recv(65536)
                    if not data:
                        break
                    backlog += data
                except socket.timeout:
                    pass
                if backlog and (not held or time.monotonic() >= self.until):
                    dst.sendall(backlog)
                    backlog.clear()
        except OSError:
            pass
        try:
            dst.shutdown(socket.SHUT_WR)
        except OSError:
            pass

    def close(self):
        self.stopping = True
        for t in self.threads:
            t.join(5)
        for sk in self.socks + [self.listener]:
            sk.close()
