"""``python build.py serve``: build, serve on 127.0.0.1, rebuild on change, reload the page.

The server adds one script to every HTML page it sends (the built files stay as they are): it
asks ``/__wenji/status`` once a second and reloads when a new build is ready, or shows the error
of a failed build over the page. A failed rebuild leaves the last good site being served.
"""
from __future__ import annotations

import json
import signal
import sys
import threading
import time
from pathlib import Path

from . import lazy
from .errors import BuildError
from .report import Console
from .site import PACKAGE_ROOT, build

# Needed by ``serve`` only: loaded when a server starts, not by every build (http.server and
# watchdog take 0.05-0.1 s to import)
http_server = lazy.module("http.server")
watchdog_events = lazy.module("watchdog.events")
watchdog_observers = lazy.module("watchdog.observers")

RELOAD_JS = b"""(function () {
  "use strict";
  var seen = null, box = null;
  function show(error) {
    if (!box) { box = document.createElement("pre"); box.className = "wenji-build-error"; box.setAttribute("role", "alert"); document.body.appendChild(box); }
    box.textContent = "wenji: build failed; showing the last good site.\\n\\n" + error;
  }
  function poll() {
    var r = new XMLHttpRequest();
    r.open("GET", "/__wenji/status", true);
    r.onload = function () {
      var s = JSON.parse(r.responseText);
      if (seen === null) { seen = s.build; }
      else if (s.build !== seen) { window.location.reload(); return; }
      if (s.error) { show(s.error); } else if (box) { box.remove(); box = null; }
    };
    r.send();
  }
  poll();
  window.setInterval(poll, 1000);
})();
"""
RELOAD_CSS = b".wenji-build-error{position:fixed;left:1rem;right:1rem;bottom:1rem;max-height:50vh;overflow:auto;" \
             b"background:#fff4f4;color:#8a1010;border:2px solid #c00;padding:1rem;z-index:1000;font-size:13px}"


class State:
    """The serving state shared by the watcher and the request handlers."""

    def __init__(self) -> None:
        self.build = 0
        self.error = ""
        self.lock = threading.Lock()


def _handler(state: State, out: Path):
    class Handler(http_server.SimpleHTTPRequestHandler):
        extensions_map = {**http_server.SimpleHTTPRequestHandler.extensions_map,
                          ".js": "text/javascript", ".svg": "image/svg+xml", ".json": "application/json"}

        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(out), **kwargs)

        def log_message(self, format, *args):  # noqa: A002
            pass

        def do_GET(self):  # noqa: N802
            path = self.path.split("?")[0]
            if path == "/__wenji/status":
                with state.lock:
                    body = json.dumps({"build": state.build, "error": state.error}).encode()
                return self._send(body, "application/json")
            if path == "/__wenji/reload.js":
                return self._send(RELOAD_JS, "text/javascript")
            if path == "/__wenji/reload.css":
                return self._send(RELOAD_CSS, "text/css")
            target = Path(self.translate_path(path))
            if target.is_dir():
                target = target / "index.html"
            if target.suffix == ".html" and target.is_file():
                html = target.read_bytes()
                tag = b'<link rel="stylesheet" href="/__wenji/reload.css"><script src="/__wenji/reload.js" defer></script>'
                return self._send(html.replace(b"</head>", tag + b"</head>", 1), "text/html; charset=utf-8")
            return super().do_GET()

        def _send(self, body: bytes, ctype: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

    return Handler


def serve(seeds: Path, content: Path, out: Path, port: int, base_url: str | None, report: Console,
          ready: threading.Event | None = None, stop: threading.Event | None = None) -> int:
    state = State()
    if threading.current_thread() is threading.main_thread():
        # Stopped with SIGTERM as with Ctrl-C: builds clean up and worker processes are ended.
        signal.signal(signal.SIGTERM, signal.default_int_handler)

    def rebuild() -> None:
        try:
            stats = build(seeds, content, out, report, base_url=base_url)
        except BuildError as e:
            with state.lock:
                state.error = str(e)
            report.errors(e, out)
            return
        except Exception as e:  # a template or code error while editing: keep serving
            with state.lock:
                state.error = f"{type(e).__name__}: {e}"
            print(f"wenji: rebuild failed: {state.error}", file=sys.stderr)
            return
        with state.lock:
            state.build += 1
            state.error = ""
        report.summary(stats, out)

    rebuild()
    if not out.is_dir():
        return 1
    changed = threading.Event()

    class Watch(watchdog_events.FileSystemEventHandler):
        def on_any_event(self, event):
            # Only writes count: a build reads every input, and reacting to its own reads
            # ("opened", "closed_no_write") would rebuild for ever.
            if not event.is_directory and event.event_type in ("created", "modified", "deleted", "moved", "closed"):
                changed.set()

    observer = watchdog_observers.Observer()
    for folder in (seeds, content, PACKAGE_ROOT / "templates", PACKAGE_ROOT / "static"):
        if folder.is_dir():
            observer.schedule(Watch(), str(folder), recursive=True)
    observer.start()
    server = http_server.ThreadingHTTPServer(("127.0.0.1", port), _handler(state, out.resolve()))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"wenji: serving {out} at http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C to stop)", flush=True)
    if ready is not None:
        ready.set()
    stop = stop or threading.Event()
    try:
        while not stop.is_set():
            if changed.wait(0.2):
                time.sleep(0.2)  # let an editor finish writing (and coalesce a burst of events)
                changed.clear()
                rebuild()
    except KeyboardInterrupt:
        pass
    finally:
        observer.stop()
        server.shutdown()
        server.server_close()
    return 0
