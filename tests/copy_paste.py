"""What a reader gets from a pycon example's copy button, and what the interactive interpreter
makes of it when they paste it.

``copy_button_text`` is sphinx-copybutton's ``formatCopyText`` (copybutton_funcs.js) with this
site's settings read from conf.py; the browser suite checks once that it agrees with a real click
(tests/browser/test_site.py). ``paste_into_repl`` types the copied text into a real ``python -i``
on a pseudo-terminal, the classic interpreter (``PYTHON_BASIC_REPL``), which ends a compound
statement only at an empty line. An audit hook stops every statement before it runs: the
interpreter still reads and compiles each one exactly as it would for a reader, so a SyntaxError
is reported, but no example runs (they need the earlier examples of their page, and some take
minutes; the docs gate runs them).
"""

from __future__ import annotations

import ast
import html
import os
import pty
import re
import subprocess
import sys
import termios
import threading
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from docs_build import ROOT


def _copybutton_settings() -> dict[str, object]:
    """The copybutton_* assignments of conf.py, read without running conf.py."""
    tree = ast.parse((ROOT / "conf.py").read_text(encoding="utf-8"))
    settings: dict[str, object] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name) and target.id.startswith("copybutton_"):
                settings[target.id] = ast.literal_eval(node.value)
    return settings


SETTINGS = _copybutton_settings()


def copy_button_text(shown: str) -> str:
    """What the copy button copies from an example shown as ``shown`` (formatCopyText)."""
    prompt = str(SETTINGS["copybutton_prompt_text"])
    if not SETTINGS.get("copybutton_prompt_is_regexp", False):
        prompt = re.escape(prompt)
    regexp = re.compile(f"^({prompt})(.*)")
    only_prompt_lines = SETTINGS.get("copybutton_only_copy_prompt_lines", True)
    remove_prompts = SETTINGS.get("copybutton_remove_prompts", True)
    copy_empty = SETTINGS.get("copybutton_copy_empty_lines", True)
    assert not SETTINGS.get("copybutton_line_continuation_character")  # not ported: unused
    assert not SETTINGS.get("copybutton_here_doc_delimiter")
    out, any_prompt = [], False
    for line in shown.split("\n"):
        match = regexp.match(line)
        if match:
            any_prompt = True
            out.append(match[2] if remove_prompts else line)
        elif not only_prompt_lines or (copy_empty and line.strip() == ""):
            out.append(line)
    text = "\n".join(out) if any_prompt else shown
    return text.removesuffix("\n")


class _PyconBlocks(HTMLParser):
    """The text of every example's ``<pre>`` (``div.highlight-pycon``: a page's fences;
    ``div.doctest``: a docstring's examples on the API pages), as the browser's innerText gives it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._depth = 0  # <div> nesting inside the current highlight-pycon div; 0 when outside
        self._in_pre = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "div" and (self._depth or "highlight-pycon" in classes or "doctest" in classes):
            self._depth += 1
        elif tag == "pre" and self._depth:
            self._in_pre = True
            self.blocks.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "div" and self._depth:
            self._depth -= 1
        elif tag == "pre":
            self._in_pre = False

    def handle_data(self, data: str) -> None:
        if self._in_pre:
            self.blocks[-1] += data


def pycon_blocks(page_html: str) -> list[str]:
    """The shown text of each example of a built page, in page order."""
    parser = _PyconBlocks()
    parser.feed(page_html)
    return [html.unescape(b) if "&" in b else b for b in parser.blocks]


# Installed in the interpreter before the paste: nothing of the pasted code runs, but every
# statement is read and compiled by the interpreter itself. A print of a marker string runs, so
# the output says which block each report belongs to.
_STARTUP = r"""
import sys

class _NotRun(Exception):
    pass

def _audit(event, args):
    if event == "exec" and "@@block" not in getattr(args[0], "co_consts", ()):
        raise _NotRun

def _report(kind, exc, tb):
    if issubclass(kind, SyntaxError):
        print("@@syntax", repr((exc.lineno, exc.msg, exc.text)), flush=True)
    elif kind is not _NotRun:
        print("@@error", repr(f"{kind.__name__}: {exc}"), flush=True)

sys.excepthook = _report
sys.addaudithook(_audit)
"""


@dataclass(frozen=True)
class PasteError:
    block: int  # index of the pasted block
    line: int  # line of the statement (counted from its first line) the interpreter names
    message: str
    text: str


def paste_into_repl(blocks: list[str], workdir: Path, timeout: float = 120) -> list[PasteError]:
    """Paste each block into one interactive interpreter, as a reader would, one after another;
    after each paste the reader presses Enter twice (which runs the last line and closes any
    block the paste left open). Returns the SyntaxErrors the interpreter reported."""
    startup = workdir / "paste_startup.py"
    startup.write_text(_STARTUP, encoding="utf-8")
    typed = "".join(f"print('@@block', {i})\n{text}\n\n" for i, text in enumerate(blocks))
    typed += "print('@@block', 'end')\n"
    master, slave = pty.openpty()
    mode = termios.tcgetattr(slave)
    mode[3] &= ~termios.ECHO  # the terminal does not echo the paste: the output is the REPL's
    termios.tcsetattr(slave, termios.TCSANOW, mode)
    env = dict(os.environ, PYTHONSTARTUP=str(startup), PYTHON_BASIC_REPL="1", TERM="dumb")
    # -S: no site, so no readline (which would edit the pasted lines); -q: no banner.
    proc = subprocess.Popen(
        [sys.executable, "-S", "-q", "-i"],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        close_fds=True,
    )
    os.close(slave)
    chunks: list[bytes] = []

    def read() -> None:
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the interpreter exited and closed the terminal
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()

    def wait_for(text: bytes) -> None:
        deadline = time.monotonic() + timeout
        while text not in b"".join(chunks):
            if time.monotonic() > deadline or proc.poll() is not None:
                raise AssertionError(
                    f"no {text!r} from the interpreter: {b''.join(chunks)[-2000:]!r}"
                )
            time.sleep(0.01)

    data = typed.encode("utf-8")
    try:
        # Input typed before the interpreter reads its terminal may be lost: wait for its prompt,
        # as a reader does. Ctrl-D on an empty line then ends the session.
        wait_for(b">>> ")
        for start in range(0, len(data), 1024):
            os.write(master, data[start : start + 1024])
        wait_for(b"@@block end")
        os.write(master, b"\x04")
        proc.wait(timeout=timeout)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        reader.join(timeout=5)
        os.close(master)
    output = b"".join(chunks).decode("utf-8", "replace").replace("\r", "")
    errors, block = [], -1
    for line in output.split("\n"):
        marker = re.search(r"@@block (\d+)", line)
        if marker:
            block = int(marker[1])
        report = re.search(r"@@syntax (.*)$", line)
        if report:
            lineno, message, text = ast.literal_eval(report[1])
            errors.append(PasteError(block, lineno or 0, message, (text or "").rstrip()))
        other = re.search(r"@@error (.*)$", line)
        if other:
            raise AssertionError(f"the paste harness itself failed: {ast.literal_eval(other[1])}")
    return errors
