import subprocess, pytest
_orig = subprocess.Popen.__init__
def _no(self, *a, **k):
    raise RuntimeError("PROCESS-IN-UNIT")
@pytest.fixture(autouse=True)
def _noproc(monkeypatch):
    monkeypatch.setattr(subprocess.Popen, "__init__", _no)
