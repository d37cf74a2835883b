"""docs/_ext/epub_math.py: each formula becomes MathML, or the build hears why it cannot."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
from docs_build import copy_site
from epub_math import MathMLError, to_mathml

MATH = "{http://www.w3.org/1998/Math/MathML}"


def test_a_formula_becomes_one_math_element() -> None:
    root = ET.fromstring(to_mathml(r"\frac{q_m^\top k_n}{\sqrt{d}}", display=True))
    assert root.tag == MATH + "math" and root.get("display") == "block"
    assert root.find(f".//{MATH}mfrac") is not None and root.find(f".//{MATH}msqrt") is not None
    assert ET.fromstring(to_mathml("x_i", display=False)).get("display") == "inline"


def test_what_the_converter_lacks_is_rewritten_to_what_it_has() -> None:
    aligned = to_mathml(r"\begin{aligned} a &= b \\ c &= d \end{aligned}", display=True)
    assert len(ET.fromstring(aligned).findall(f".//{MATH}mtr")) == 2  # two rows, not "&" as text
    assert "<mo>arg</mo>" in to_mathml(r"\arg\min_x f(x)", display=True)


@pytest.mark.parametrize(
    ("latex", "reason"),
    [
        (r"\foo{x} + 1", r"does not know \foo"),  # would print as the text "\foo"
        (r"x^{", "cannot convert"),
    ],
)
def test_a_formula_that_does_not_convert_faithfully_is_an_error(latex: str, reason: str) -> None:
    with pytest.raises(MathMLError, match=reason.replace("\\", "\\\\")):
        to_mathml(latex, display=True)


def test_a_formula_that_does_not_convert_fails_make_epub(tmp_path) -> None:
    site = copy_site(tmp_path, pages=False)
    page = "(home)=\n# 测试\n\n行内 $\\foo{x}$ 与\n\n$$\na^{\n$$\n"
    (site / "docs" / "index.md").write_text(page, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "sphinx", "-c", str(site), "-W", "--keep-going", "-b", "epub"]
        + ["-d", str(tmp_path / "doctrees"), str(site / "docs"), str(tmp_path / "epub")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode != 0
    index = site / "docs" / "index.md"
    assert f"{index}:4: WARNING: formula not converted to MathML" in proc.stderr, proc.stderr
    assert f"{index}:6: WARNING: formula not converted to MathML" in proc.stderr, proc.stderr
