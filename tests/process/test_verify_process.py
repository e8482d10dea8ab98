"""`codesign verify`: a plan drawn again from its answers under the flow it names. Every golden plan passes;.

The tests of it that run the codesign command, a room or a browser; tests/unit/test_verify.py holds the rest."""

from __future__ import annotations

import re

from test_cli import assert_no_traceback, codesign
from test_plan_support import ANSWERS, GOLDEN


def test_verify_exits_0_1_and_2(tmp_path):
    answers = str(ANSWERS / "appendix2-consult-held-back.yaml")
    good = codesign("verify", str(GOLDEN / "appendix2-consult-held-back.md"), "--answers", answers)
    assert good.returncode == 0, good.stderr
    assert good.stdout.startswith("The plan matches: drawn again from")
    text = (GOLDEN / "appendix2-consult-held-back.md").read_text()
    (tmp_path / "plan.md").write_text(text.replace("We recommend **Consult**", "We recommend **Co-design**"))
    bad = codesign("verify", str(tmp_path / "plan.md"), "--answers", answers)
    assert bad.returncode == 1
    assert "does not match" in bad.stdout and "these answers give" in bad.stdout
    # a flow fingerprint no flow here has; a plan that names none; answers that cannot be read
    (tmp_path / "unknown.md").write_text(re.sub(r"fingerprint `[0-9a-f]{64}`\n", "fingerprint `" + "0" * 64 + "`\n",
                                                text, count=1))
    for plan, given, says in [
        (tmp_path / "unknown.md", answers, "is not kept here"),
        (ANSWERS / "appendix2-consult-held-back.yaml", answers, "does not say which flow"),
        (GOLDEN / "appendix2-consult-held-back.md", str(tmp_path / "none.yaml"), "no such file"),
    ]:
        run = codesign("verify", str(plan), "--answers", given)
        assert run.returncode == 2, (plan, run.stdout)
        assert "cannot tell" in run.stderr and says in run.stderr
        assert_no_traceback(run)
