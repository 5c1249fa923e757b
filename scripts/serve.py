"""Serves the built app (dist/) on 127.0.0.1 with an index.html fallback: the app's views
are URL paths (/tables, /model, /learn), so any path that is not a file gets the page and
the app routes it. Usage: python3 scripts/serve.py PORT [DIR]."""

import http.server
import os
import sys


class Handler(http.server.SimpleHTTPRequestHandler):
    def send_head(self):
        path = self.translate_path(self.path)
        if not os.path.exists(path):
            self.path = "/index.html"
        return super().send_head()

    def log_message(self, format, *args):
        pass


def main():
    port = int(sys.argv[1])
    directory = sys.argv[2] if len(sys.argv) > 2 else "dist"
    Handler.extensions_map[".wasm"] = "application/wasm"

    def handler(*args, **kwargs):
        return Handler(*args, directory=directory, **kwargs)

    with http.server.ThreadingHTTPServer(("127.0.0.1", port), handler) as server:
        server.serve_forever()


if __name__ == "__main__":
    main()
