"""ROCKIT Edge emulator: a stateful stand-in for the ROCKIT Edge API (``/be/v1``, ``/adm/v1``, ``/srv/v1``).

Run it with ``python tests/emulator/edge_emulator.py --port 0``; when it is ready it prints exactly
one line, ``listening on http://HOST:PORT``.  Tests can also import it (after putting this
directory on ``sys.path``) and use ``create_app(config)`` with the Flask test client.

The modules next to this file hold the parts: ``emu_core`` (config, clock, errors, validator),
``emu_store`` (SQLite), ``emu_state`` (organisations, credentials, API keys, tokens),
``emu_release`` (what each Edge release changes), ``emu_gateway`` (firewall, rate limits, gateway
time limit), ``emu_pipeline`` (builds and tasks), ``emu_schemas`` and ``emu_api`` (the route table
and handlers), ``emu_openapi`` (``/openapi.json``), ``emu_control`` (test control, faults, request
log), ``emu_variants`` (``--variant``) and ``emu_fixtures`` (``--fixtures docs``).
"""

import argparse
import logging
import os
import signal
import socket
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

# pylint: disable=wrong-import-position
import flask  # noqa: E402
from werkzeug.serving import WSGIRequestHandler, make_server  # noqa: E402
from werkzeug.wsgi import LimitedStream  # noqa: E402

import emu_api  # noqa: E402
import emu_control  # noqa: E402
import emu_openapi  # noqa: E402
import emu_release  # noqa: E402
import emu_variants  # noqa: E402
from emu_core import EmulatorConfig  # noqa: E402
from emu_gateway import Gateway  # noqa: E402
from emu_state import State  # noqa: E402

__all__ = ["EmulatorConfig", "create_app", "make_http_server", "main", "build_parser", "config_from_args"]


def create_app(config=None) -> flask.Flask:
    """The emulator as a Flask app; ``config`` is an EmulatorConfig, a dict, a namespace or None."""
    config = EmulatorConfig.from_any(config)
    state = State(config)
    app = flask.Flask("edge_emulator")
    faults, log = emu_control.Faults(), emu_control.RequestLog()
    app.extensions["edge_emulator"] = {"state": state, "faults": faults, "log": log, "config": config}
    emu_api.register(app, state)
    emu_control.register_upload(app, state)
    if config.control:
        emu_control.register_control(app, state, faults, log)
    spec = emu_openapi.document(config.release)
    app.add_url_rule("/openapi.json", "openapi", lambda: emu_api.json_response(200, spec), methods=["GET"])
    app.wsgi_app = emu_control.EmulatorMiddleware(app.wsgi_app, state, faults, log, Gateway(state, app.url_map))
    if config.quiet:
        app.logger.setLevel(logging.CRITICAL)
    return app


def build_parser() -> argparse.ArgumentParser:
    """The command line; every option has a default shown by --help."""
    defaults = EmulatorConfig()
    parser = argparse.ArgumentParser(
        prog="edge_emulator.py", formatter_class=argparse.ArgumentDefaultsHelpFormatter,
        description="Stateful emulator of the ROCKIT Edge Backend API (/be/v1) for tests and demos. Prints "
                    "'listening on http://HOST:PORT' when ready.")
    add = parser.add_argument
    add("--host", default=defaults.host, help="address to listen on")
    add("--port", type=int, default=defaults.port, help="port to listen on; 0 picks a free port")
    add("--org", default=defaults.org, help="name of the initial organisation")
    add("--admin-user", default=defaults.admin_user, help="primary administrator of the initial organisation")
    add("--admin-api-key", default=defaults.admin_api_key, metavar="KEY",
        help="an API key the primary administrator created (as with POST /be/v1/apikeys); by default the "
             "administrator has a password and no API key, as on a real Edge")
    add("--admin-password", default=defaults.admin_password, help="password of the primary administrator")
    add("--admin-token", default=defaults.admin_token, metavar="TOKEN",
        help="the installation's static admin token for the admin API (/adm/v1) and the service routes (/srv/v1); "
             "without it they answer 401")
    add("--release", type=int, default=defaults.release, choices=emu_release.RELEASES, metavar="N",
        help="Edge release %d-%d whose behaviour to emulate (login flow, firewall, rate limits, routes)"
             % (emu_release.OLDEST, emu_release.NEWEST))
    add("--install", choices=emu_release.INSTALLS, default=defaults.install,
        help="kind of installation: prod and stage run the firewall (Accept rule, its own answers), test has none")
    add("--tier", choices=emu_release.TIERS, default=defaults.tier, help="database tier: free has lower rate limits")
    add("--rate-limit", type=float, default=defaults.rate_limit, metavar="RPS",
        help="one gateway limit for all clients together, requests per second, instead of the release's limits "
             "(0: no limit; default: the release's limits)")
    add("--gateway-timeout", type=float, default=defaults.gateway_timeout, metavar="S",
        help="seconds the gateway waits for the backend; a longer request gets 504 while its work stands")
    add("--variant", dest="variants", action="append", default=[], metavar="NAME",
        help="differ from the API assumptions in one plausible way (repeatable; --list-variants shows the names)")
    add("--list-variants", action="store_true", help="print the names of the variants, one per line, and exit")
    add("--db", default=None, metavar="PATH", help="SQLite file that keeps the state across restarts "
                                                   "(default: in memory)")
    add("--fixtures", choices=["docs", "none"], default="none",
        help="data set loaded into the initial organisation: 'docs' = the documentation examples")
    add("--no-control", dest="control", action="store_false", help="disable the /_emulator/ test-control API")
    add("--no-require-accept", dest="require_accept", action="store_false",
        help="do not refuse requests without an Accept header")
    add("--session-ttl", type=float, default=defaults.session_ttl, help="2025 session token lifetime (s)")
    add("--auth-ttl", type=float, default=defaults.auth_ttl, help="2025 auth token lifetime (s)")
    add("--orgsel-ttl", type=float, default=defaults.orgsel_ttl, help="organisation selection token lifetime (s)")
    add("--access-ttl", type=float, default=defaults.access_ttl, help="access token lifetime (s)")
    add("--refresh-ttl", type=float, default=defaults.refresh_ttl, help="refresh token lifetime (s)")
    add("--step-seconds", type=float, default=defaults.step_seconds,
        help="emulated seconds each pipeline step takes (half pending, half running)")
    add("--clock-speed", type=float, default=defaults.clock_speed, help="emulated seconds per real second")
    add("--start-time", default=None, metavar="ISO",
        help="emulated time at start, e.g. 2025-01-01T00:00:00Z (default: the wall clock)")
    add("--latency-ms", type=float, default=defaults.latency_ms, help="latency added to every /be/v1 request (ms)")
    add("--tls-cert", default=None, metavar="FILE", help="certificate (PEM) to serve HTTPS; needs --tls-key")
    add("--tls-key", default=None, metavar="FILE", help="private key (PEM) of --tls-cert")
    add("--quiet", action="store_true", help="no log output on stderr")
    return parser


def config_from_args(args: argparse.Namespace) -> EmulatorConfig:
    """Map parsed options to the emulator configuration."""
    from emu_core import parse_datetime  # pylint: disable=import-outside-toplevel
    data = vars(args).copy()
    data.pop("list_variants", None)
    data["variants"] = tuple(data.get("variants") or ())
    data["fixtures"] = None if data["fixtures"] == "none" else data["fixtures"]
    if data["start_time"] is not None:
        start = parse_datetime(data["start_time"])
        if start is None:
            raise ValueError("--start-time must be an RFC 3339 date-time such as 2025-01-01T00:00:00Z")
        data["start_time"] = start
    config = EmulatorConfig(**data)
    emu_variants.Variants(config.variants)
    emu_release.profile(config.release, config.install, config.tier, config.rate_limit)
    if config.gateway_timeout <= 0:
        raise ValueError("--gateway-timeout must be more than 0 seconds")
    return config


class _Handler(WSGIRequestHandler):
    """HTTP/1.1 with keep-alive and no access log.

    Werkzeug's own ``run_wsgi`` always answers ``Connection: close`` (it cannot drain a request
    body before the next request line).  This one limits the body to Content-Length (or
    de-chunks it), drains what the app did not read, and keeps the connection open.
    """

    protocol_version = "HTTP/1.1"

    def run_wsgi(self) -> None:
        if self.headers.get("Expect", "").lower().strip(" \t") == "100-continue":
            self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        self.environ = environ = self.make_environ()
        if not environ.get("wsgi.input_terminated"):
            try:
                length = max(0, int(environ.get("CONTENT_LENGTH") or 0))
            except ValueError:
                length, self.close_connection = 0, True
            environ["wsgi.input"] = LimitedStream(self.rfile, length)
            environ["wsgi.input_terminated"] = True
        answer: dict = {}

        def start_response(status, headers, exc_info=None):  # pylint: disable=unused-argument
            answer.update(status=status, headers=headers)
            return answer.setdefault("written", []).append

        try:
            result = self.server.app(environ, start_response)
            try:
                body = b"".join(answer.get("written", [])) + b"".join(result)
            finally:
                if hasattr(result, "close"):
                    result.close()
            while environ["wsgi.input"].read(65536):
                pass
            self._send(answer["status"], answer["headers"], body)
        except (ConnectionError, socket.timeout, OSError) as error:
            self.close_connection = True
            self.connection_dropped(error, environ)

    def _send(self, status: str, headers: list, body: bytes) -> None:
        code, _space, reason = status.partition(" ")
        self.send_response(int(code), reason)
        for name, value in headers:
            if name.lower() not in ("content-length", "connection", "transfer-encoding"):
                self.send_header(name, value)
        if self.command != "HEAD":
            self.send_header("Content-Length", str(len(body)))
        else:
            self.send_header("Content-Length", dict((k.lower(), v) for k, v in headers).get("content-length", "0"))
        if self.close_connection:
            self.send_header("Connection", "close")
        elif self.request_version == "HTTP/1.0":
            self.send_header("Connection", "keep-alive")
        # headers and body in one write: no small-packet stalls (Nagle / delayed ACK)
        self._headers_buffer.append(b"\r\n")
        if self.command != "HEAD":
            self._headers_buffer.append(body)
        self.wfile.write(b"".join(self._headers_buffer))
        self._headers_buffer = []
        self.wfile.flush()

    def setup(self) -> None:
        super().setup()
        try:
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass

    def log_request(self, code="-", size="-") -> None:
        """Werkzeug's access log is silenced."""

    def log(self, type, message, *args) -> None:  # pylint: disable=redefined-builtin
        if type == "error" and not self.server.emulator_quiet:
            super().log(type, message, *args)


def make_http_server(app: flask.Flask):
    """Werkzeug's threaded server for the app (HTTP/1.1 keep-alive; HTTPS with --tls-cert/--tls-key)."""
    config = app.extensions["edge_emulator"]["config"]
    ssl_context = (config.tls_cert, config.tls_key) if config.tls_cert else None
    server = make_server(config.host, config.port, app, threaded=True, request_handler=_Handler,
                         ssl_context=ssl_context)
    server.emulator_quiet = config.quiet
    server.emulator_url = "%s://%s:%d" % ("https" if ssl_context else "http",
                                          config.host if ":" not in config.host else "[%s]" % config.host,
                                          server.server_port)
    return server


def main(argv=None) -> int:
    """Parse the command line and serve until interrupted."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.list_variants:
        print("\n".join(emu_variants.REGISTRY))
        return 0
    if bool(args.tls_cert) != bool(args.tls_key):
        parser.error("--tls-cert and --tls-key go together")
    try:
        config = config_from_args(args)
    except ValueError as error:
        parser.error(str(error))
    logging.getLogger("werkzeug").setLevel(logging.CRITICAL if config.quiet else logging.ERROR)
    app = create_app(config)
    server = make_http_server(app)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print("listening on %s" % server.emulator_url, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        app.extensions["edge_emulator"]["state"].store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
