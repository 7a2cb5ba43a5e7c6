"""A JSON HTTP server on 127.0.0.1 for tests: each request is answered by a function."""

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# answer(method, path, headers (case-insensitive), body) -> the JSON to answer with status 200
Answer = Callable[[str, str, Message, bytes], object]


@contextmanager
def json_server(answer: Answer) -> Iterator[str]:
    """Serve on a free loopback port; yields its base URL."""

    class Handler(BaseHTTPRequestHandler):
        def reply(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            data = json.dumps(answer(self.command, self.path, self.headers, body)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = reply

        def log_message(self, *args) -> None:
            """Quiet: tests read what they need from their own records."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
