#!/usr/bin/env python3
"""top_browser.py — drive headless Chromium through the live page of
iotrc-top --listen, as a user would, over the DevTools protocol on a pipe
(--remote-debugging-pipe: JSON messages ending in NUL on fds 3 and 4; no
library needed).

  top_browser.py CHROMIUM URL FIFO PART1 PART2 SHOTDIR

Writes PART1 (fs CSV) into FIFO (iotrc-top's stdin), opens URL and waits
until the process pid 4242 shows with its exact bytes (the title of a size
cell holds them), takes a screenshot, clicks the process, waits for its
files with their bytes, then writes PART2 into FIFO and waits until the
same page (no reload) shows the new bytes and the new file; a second
screenshot. Prints what it saw; exit 1 with the page's text on a miss."""
import base64
import json
import os
import subprocess
import sys
import tempfile
import time

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--remote-debugging-pipe", "--window-size=1280,900", "--hide-scrollbars"]


class Chrome:
    def __init__(self, exe):
        self.ud = tempfile.mkdtemp(prefix="iotrc-chromium.")
        to_r, self.to_w = os.pipe()
        self.from_r, from_w = os.pipe()
        # the browser reads commands on fd 3, answers on fd 4
        def fds():
            os.dup2(to_r, 3)
            os.dup2(from_w, 4)
        # (close_fds would close 3 and 4 after preexec_fn has made them)
        self.p = subprocess.Popen([exe] + FLAGS + ["--user-data-dir=" + self.ud, "about:blank"],
                                  preexec_fn=fds, close_fds=False, stdin=subprocess.DEVNULL,
                                  stdout=subprocess.DEVNULL,
                                  stderr=open(os.path.join(self.ud, "stderr"), "wb"))
        os.close(to_r)
        os.close(from_w)
        self.buf = b""
        self.n = 0
        self.session = None

    def send(self, method, params=None, session=True):
        self.n += 1
        msg = {"id": self.n, "method": method, "params": params or {}}
        if session and self.session:
            msg["sessionId"] = self.session
        os.write(self.to_w, json.dumps(msg).encode() + b"\0")
        while True:
            while b"\0" not in self.buf:
                chunk = os.read(self.from_r, 1 << 16)
                if not chunk:
                    raise RuntimeError("chromium went away: " +
                                       open(os.path.join(self.ud, "stderr")).read()[-2000:])
                self.buf += chunk
            line, self.buf = self.buf.split(b"\0", 1)
            r = json.loads(line)
            if r.get("id") == self.n:
                if "error" in r:
                    raise RuntimeError("%s: %s" % (method, r["error"]))
                return r["result"]

    def open(self, url):
        t = self.send("Target.createTarget", {"url": "about:blank"}, session=False)
        a = self.send("Target.attachToTarget", {"targetId": t["targetId"], "flatten": True},
                      session=False)
        self.session = a["sessionId"]
        self.send("Page.enable")
        self.send("Page.navigate", {"url": url})

    def js(self, expr):
        r = self.send("Runtime.evaluate", {"expression": expr, "returnByValue": True})
        return r["result"].get("value")

    def shot(self, path):
        r = self.send("Page.captureScreenshot", {"format": "png"})
        with open(path, "wb") as f:
            f.write(base64.b64decode(r["data"]))

    def close(self):
        try:
            self.send("Browser.close", session=False)
        except Exception:
            pass
        try:
            self.p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
        subprocess.run(["rm", "-rf", self.ud])


def wait_for(c, what, expr, secs=20):
    end = time.time() + secs
    while time.time() < end:
        if c.js(expr):
            print("page shows " + what)
            return
        time.sleep(0.1)
    print("page never showed %s; it shows:\n%s" % (what, c.js("document.body.innerText")))
    sys.exit(1)


def sizes(sel):
    """titles of the size cells of the row(s) that sel finds"""
    return ("Array.from(document.querySelectorAll(%s)).map(tr => Array.from(tr.cells)"
            ".map(td => td.title + '|' + td.textContent).join(' ')).join('\\n')" % json.dumps(sel))


def main():
    exe, url, fifo, part1, part2, shots = sys.argv[1:7]
    os.makedirs(shots, exist_ok=True)
    feed = open(fifo, "wb")
    feed.write(open(part1, "rb").read())
    feed.flush()
    c = Chrome(exe)
    try:
        c.open(url)
        row = 'tr[data-pid="4242"]'
        wait_for(c, "pid 4242 webwork, read 300000 and write 6000 bytes",
                 "(%s).includes('300000 bytes|293K') && (%s).includes('6000 bytes|6000') && "
                 "(%s).includes('webwork')" % (sizes(row), sizes(row), sizes(row)))
        c.shot(os.path.join(shots, "overview.png"))
        c.js("document.querySelector('%s').click()" % row)
        wait_for(c, "the files of 4242 with their bytes",
                 "location.hash.startsWith('#/process/4242/') && (%s).includes("
                 "'300000 bytes|293K') && document.body.innerText.includes('/data/input.bin') && "
                 "document.body.innerText.includes('/data/out.log')" % sizes("#body tr"))
        feed.write(open(part2, "rb").read())
        feed.flush()
        wait_for(c, "the new rows, without a reload: input.bin 500000 bytes, /data/new.bin",
                 "(%s).includes('500000 bytes|488K') && "
                 "document.body.innerText.includes('/data/new.bin')" % sizes("#body tr"))
        c.shot(os.path.join(shots, "files.png"))
        print("page text:\n" + c.js("document.body.innerText"))
    finally:
        c.close()
        feed.close()
    for s in ("overview.png", "files.png"):
        p = os.path.join(shots, s)
        data = open(p, "rb").read()
        assert data[:8] == b"\x89PNG\r\n\x1a\n", p
        print("screenshot %s: %d bytes" % (p, len(data)))


if __name__ == "__main__":
    main()
