"""Loads a page in headless Chromium and reports what a reader would see.

Drives Debian's chromium over the DevTools protocol on a pipe
(--remote-debugging-pipe: JSON messages separated by NUL bytes on file
descriptors 3 and 4), so that nothing listens on a port. One Browser per
check; not thread-safe. Standard library only.

    with Browser("/usr/bin/chromium") as browser:
        result = browser.load("/tmp/page.html")
        result.problems        # console errors, exceptions, failed loads
        browser.evaluate("document.title")
        png = browser.screenshot()

A problem is anything that would make the page wrong for its reader: an
uncaught exception, a console error or assertion, a log entry of level
error (a blocked script, a Content-Security-Policy violation, a resource
that did not load), a failed network request, or a navigation error.
"""

import base64
import json
import os
import select
import shutil
import struct
import subprocess
import tempfile
import zlib

# Flags for a machine with no network and no display (see
# /work/.library/env/machines/cpp.md): no sandbox (root in a container), no
# GPU, and none of Chromium's own background connections.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--mute-audio",
    "--hide-scrollbars",
    "--window-size=1200,900",
    "--remote-debugging-pipe",
]

# How long to wait for one answer or event from the browser, in seconds.
# A guard against a hung browser, not a timing assertion.
REPLY_TIMEOUT = 90


class BrowserError(Exception):
    """The browser could not be started or stopped answering."""


class LoadResult:
    def __init__(self):
        self.problems = []  # human-readable, one per problem
        self.loaded = False


class Browser:
    def __init__(self, chromium):
        self.chromium = chromium
        self.profile = None
        self.process = None
        self.to_browser = None
        self.from_browser = None
        self.buffer = b""
        self.next_id = 0
        self.session = None
        self.events = []
        self.request_urls = {}  # request id -> URL, to name a failed load

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self):
        if not shutil.which(self.chromium) and not os.path.exists(self.chromium):
            raise BrowserError(
                f"{self.chromium} not found: install Debian's chromium "
                "(deploy/install-deps.sh does)")
        self.profile = tempfile.mkdtemp(prefix="cellgate-chromium-")
        # fd 3: commands to the browser; fd 4: answers and events from it.
        cmd_read, cmd_write = os.pipe()
        out_read, out_write = os.pipe()

        # Runs in the child before it closes the descriptors it does not
        # keep (pass_fds): 3 and 4 are set here and kept.
        def map_fds():
            high_in = os.dup(cmd_read)
            high_out = os.dup(out_write)
            os.dup2(high_in, 3)
            os.dup2(high_out, 4)
            os.close(high_in)
            os.close(high_out)

        args = [self.chromium] + CHROMIUM_FLAGS + [
            f"--user-data-dir={self.profile}", "about:blank"]
        self.process = subprocess.Popen(
            args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, preexec_fn=map_fds, pass_fds=(3, 4))
        os.close(cmd_read)
        os.close(out_write)
        self.to_browser = cmd_write
        self.from_browser = out_read
        targets = self.call("Target.getTargets")["targetInfos"]
        pages = [t for t in targets if t["type"] == "page"]
        if pages:
            target = pages[0]["targetId"]
        else:
            target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target,
                                 flatten=True)["sessionId"]
        for domain in ("Runtime", "Log", "Page", "Network"):
            self.call(f"{domain}.enable", session=True)
        self.call("Emulation.setDeviceMetricsOverride", session=True, width=1200,
                  height=900, deviceScaleFactor=1, mobile=False)

    def stop(self):
        if self.process is not None:
            try:
                self.send("Browser.close")
            except OSError:
                pass
            try:
                self.process.wait(timeout=REPLY_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            if self.process.stderr:
                self.process.stderr.close()
            self.process = None
        for fd in (self.to_browser, self.from_browser):
            if fd is not None:
                os.close(fd)
        self.to_browser = self.from_browser = None
        if self.profile:
            shutil.rmtree(self.profile, ignore_errors=True)
            self.profile = None

    # --- protocol -----------------------------------------------------------

    def send(self, method, session=False, **params):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = self.session
        os.write(self.to_browser, json.dumps(message).encode() + b"\0")
        return self.next_id

    def receive(self):
        while b"\0" not in self.buffer:
            ready, _, _ = select.select([self.from_browser], [], [], REPLY_TIMEOUT)
            if not ready:
                raise BrowserError(f"chromium did not answer within {REPLY_TIMEOUT} s")
            chunk = os.read(self.from_browser, 1 << 20)
            if not chunk:
                err = self.process.stderr.read().decode(errors="replace")[-2000:]
                raise BrowserError(f"chromium closed the pipe; its stderr ends:\n{err}")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method, session=False, **params):
        wanted = self.send(method, session, **params)
        while True:
            message = self.receive()
            if message.get("id") == wanted:
                if "error" in message:
                    raise BrowserError(f"{method}: {message['error']}")
                return message.get("result", {})
            if "method" in message:
                self.events.append(message)

    def next_event(self):
        if self.events:
            return self.events.pop(0)
        while True:
            message = self.receive()
            if "method" in message:
                return message

    # --- what a test uses ---------------------------------------------------

    def load(self, path):
        """Navigates to the file and waits for its load event; collects problems."""
        result = LoadResult()
        url = "file://" + os.path.abspath(path)
        self.events.clear()
        answer = self.call("Page.navigate", session=True, url=url)
        if answer.get("errorText"):
            result.problems.append(f"navigation failed: {answer['errorText']}")
            return result
        while not result.loaded:
            event = self.next_event()
            self._note(event, result)
        # Let everything queued by the load run: one animation frame and
        # one task, counted in turns of the page's event loop, not in time.
        self.evaluate("new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)))",
                      await_promise=True)
        for event in self.events:
            self._note(event, result)
        self.events.clear()
        return result

    def _note(self, event, result):
        method = event["method"]
        params = event.get("params", {})
        if method == "Page.loadEventFired":
            result.loaded = True
        elif method == "Network.requestWillBeSent":
            self.request_urls[params.get("requestId")] = params.get("request", {}).get("url")
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            text = details.get("exception", {}).get("description") or details.get("text")
            result.problems.append(f"uncaught exception: {text}")
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            args = " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", []))
            result.problems.append(f"console {params['type']}: {args}")
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            entry = params["entry"]
            result.problems.append(f"log error ({entry.get('source')}): {entry.get('text')} {entry.get('url', '')}".strip())
        elif method == "Network.loadingFailed":
            url = self.request_urls.get(params.get("requestId"), "an unknown URL")
            result.problems.append(f"failed to load: {params.get('errorText')} {url}")

    def evaluate(self, expression, await_promise=False):
        """Returns the value of `expression` in the page; raises on an exception."""
        answer = self.call("Runtime.evaluate", session=True, expression=expression,
                           returnByValue=True, awaitPromise=await_promise)
        if "exceptionDetails" in answer:
            raise BrowserError(f"evaluating {expression!r}: {answer['exceptionDetails'].get('text')}")
        return answer["result"].get("value")

    def type_text(self, selector, text):
        """Focuses the element and types `text` as a user would (input events)."""
        self.evaluate(f"document.querySelector({json.dumps(selector)}).focus()")
        self.call("Input.insertText", session=True, text=text)

    def dom(self):
        root = self.call("DOM.getDocument", session=True, depth=-1)["root"]
        return self.call("DOM.getOuterHTML", session=True, nodeId=root["nodeId"])["outerHTML"]

    def screenshot(self):
        data = self.call("Page.captureScreenshot", session=True, format="png")["data"]
        return base64.b64decode(data)


# --- PNG ------------------------------------------------------------------


def decode_png(png):
    """Returns (width, height, rows) of an 8-bit RGB or RGBA PNG; rows of pixel tuples."""
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG file")
    pos, idat, header = 8, b"", None
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos:pos + 8])
        body = png[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or colour not in (2, 6) or interlace != 0:
        raise ValueError(f"unsupported PNG (depth {depth}, colour type {colour}, interlace {interlace})")
    channels = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + ((left + up) >> 1)) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                pred = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[i] = (line[i] + pred) & 0xFF
            elif kind != 0:
                raise ValueError(f"bad PNG filter type {kind} in row {y}")
        rows.append([tuple(line[x:x + 3]) for x in range(0, stride, channels)])
        previous = line
    return width, height, rows


def pixel_variety(png):
    """Returns (distinct colours, share of pixels not in the most common colour)."""
    _, _, rows = decode_png(png)
    counts = {}
    for row in rows:
        for pixel in row:
            counts[pixel] = counts.get(pixel, 0) + 1
    total = sum(counts.values())
    return len(counts), 1.0 - max(counts.values()) / total


def blank_problem(png, min_colours=16, min_ink=0.01):
    """Returns why the screenshot looks blank, or None."""
    colours, ink = pixel_variety(png)
    if colours < min_colours or ink < min_ink:
        return (f"the screenshot is blank: {colours} colours, {ink:.2%} of the pixels differ "
                f"from the background (need {min_colours} colours and {min_ink:.0%})")
    return None
