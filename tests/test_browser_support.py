"""The browser tests' set-up: they skip only without a browser, saying why, and never in CI."""

from __future__ import annotations

import browser
import pytest


def test_no_browser_skips_with_the_reason_outside_ci(monkeypatch):
    monkeypatch.setattr(browser.shutil, "which", lambda _name: None)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no chromium on PATH"):
        browser.chromium_path()


def test_no_browser_fails_in_ci(monkeypatch):
    monkeypatch.setattr(browser.shutil, "which", lambda _name: None)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="cannot run in CI: no chromium on PATH"):
        browser.chromium_path()
