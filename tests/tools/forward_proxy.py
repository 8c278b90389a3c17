"""A tiny forwarding HTTP proxy on 127.0.0.1 for tests: it records what passes through it.

- Forward-proxy requests (``GET http://127.0.0.1:PORT/path``, what ``HTTP_PROXY`` makes a client send)
  are forwarded to that address; ``CONNECT 127.0.0.1:PORT`` (``HTTPS_PROXY``) opens a tunnel.
- Plain requests (``GET /path``) go to ``upstream`` when one is given: the proxy then stands in front of
  a server as a reverse proxy (a test points ``edge_url`` at it).
- ``before(method, target)`` is called before each request is forwarded (a test can move the
  emulator's clock at an exact request).

Only 127.0.0.1 is ever contacted; anything else is answered 403.
"""
import http.client
import http.server
import select
import socket
import threading
import urllib.parse

HOP_BY_HOP = {'connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailers',
              'transfer-encoding', 'upgrade'}
LOOPBACK = ('127.0.0.1', 'localhost')


class ForwardProxy(object):
    """Start with ``ForwardProxy().start()``; ``url``, ``seen`` [(method, target)], ``stop()``."""

    def __init__(self, upstream=None, before=None):
        self.upstream = upstream.rstrip('/') if upstream else None
        self.before = before
        self.seen = []
        self._lock = threading.Lock()
        self.server = None
        self.thread = None

    @property
    def url(self):
        return 'http://127.0.0.1:%d' % self.server.server_address[1]

    def start(self):
        proxy = self

        class Handler(_Handler):
            owner = proxy

        self.server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, name='forward-proxy', daemon=True)
        self.thread.start()
        return self

    def stop(self):
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def record(self, method, target):
        with self._lock:
            self.seen.append((method, target))
        if self.before is not None:
            self.before(method, target)

    def clear(self):
        with self._lock:
            del self.seen[:]

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    owner = None

    def log_message(self, *args):  # pylint: disable=arguments-differ
        pass

    def _refuse(self, status, text):
        body = text.encode('utf-8')
        self.send_response(status)
        self.send_header('Content-Type', 'text/plain')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_CONNECT(self):  # pylint: disable=invalid-name
        host, _sep, port = self.path.rpartition(':')
        self.owner.record('CONNECT', self.path)
        if host not in LOOPBACK:
            self._refuse(403, 'only 127.0.0.1')
            return
        try:
            upstream = socket.create_connection(('127.0.0.1', int(port)), timeout=30)
        except OSError as exc:
            self._refuse(502, str(exc))
            return
        self.send_response(200, 'Connection established')
        self.end_headers()
        self.close_connection = True
        sockets = [self.connection, upstream]
        try:
            while True:
                readable, _w, _x = select.select(sockets, [], [], 30)
                if not readable:
                    break
                for sock in readable:
                    data = sock.recv(65536)
                    if not data:
                        return
                    (upstream if sock is self.connection else self.connection).sendall(data)
        except OSError:
            pass
        finally:
            upstream.close()

    def _forward(self):
        target = self.path
        if target.startswith(('http://', 'https://')):
            url = urllib.parse.urlsplit(target)
        elif self.owner.upstream:
            url = urllib.parse.urlsplit(self.owner.upstream + target)
        else:
            self._refuse(400, 'not a proxy request')
            return
        self.owner.record(self.command, target)
        if url.hostname not in LOOPBACK or url.scheme != 'http':
            self._refuse(403, 'only http://127.0.0.1')
            return
        length = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(length) if length else None
        headers = dict((k, v) for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP)
        headers['Host'] = url.netloc
        path = url.path + ('?' + url.query if url.query else '')
        conn = http.client.HTTPConnection('127.0.0.1', url.port or 80, timeout=60)
        try:
            conn.request(self.command, path or '/', body=body, headers=headers)
            answer = conn.getresponse()
            data = answer.read()
        except OSError as exc:
            self._refuse(502, str(exc))
            return
        finally:
            conn.close()
        self.send_response(answer.status, answer.reason)
        for key, value in answer.getheaders():
            if key.lower() not in HOP_BY_HOP and key.lower() != 'content-length':
                self.send_header(key, value)
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _forward  # noqa: N815


class ClockMover(object):
    """A ``before`` hook for :class:`ForwardProxy` that moves the emulator's clock at exact requests.

    ``at(method, path)``: jump forward just before that request reaches the emulator; ``after(method, path)``:
    just before the request that follows it. Each entry fires once, in the order given. ``each(method, path)``:
    before every such request (a pipeline moves one step per poll). With the clock standing still
    (``--clock-speed 0``), a token expires or a pipeline moves exactly there, however slow the machine is.
    """

    def __init__(self, emulator, seconds):
        self.emulator = emulator
        self.seconds = seconds
        self.queue = []
        self.armed = False
        self.fired = []
        self.every = set()

    def at(self, method, path):
        self.queue.append(('at', method, path))
        return self

    def each(self, method, path):
        self.every.add((method, path))
        return self

    def after(self, method, path):
        self.queue.append(('after', method, path))
        return self

    def _advance(self, method, path):
        self.fired.append((method, path))
        self.emulator.advance(self.seconds)

    def __call__(self, method, target):
        path = urllib.parse.unquote(urllib.parse.urlsplit(target).path)
        if self.armed:
            self.armed = False
            self._advance(method, path)
        if (method, path) in self.every:
            self._advance(method, path)
        if self.queue and (method, path) == self.queue[0][1:]:
            kind = self.queue.pop(0)[0]
            if kind == 'at':
                self._advance(method, path)
            else:
                self.armed = True
