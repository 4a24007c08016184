"""settings.yaml `attachments:`: where units' files are kept and how large one may be."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.answers import attachments
from bot.answers.flows import AnswerRefused
from bot.config.settings import load_settings
from bot.errors import DubanError


def settings_with(tmp_path, text: str):
    path = tmp_path / "settings.yaml"
    path.write_text(text, encoding="utf-8")
    return load_settings(path)


def test_the_folder_and_limit_come_from_the_file_and_the_environment_wins(tmp_path, monkeypatch):
    monkeypatch.delenv(attachments.FOLDER_ENV, raising=False)
    settings = settings_with(tmp_path, f"attachments:\n  dir: {tmp_path / 'files'}\n  limit_mb: 2\n")
    assert attachments.folder(settings) == tmp_path / "files"
    assert attachments.limit_bytes(settings) == 2 * 1024 * 1024
    monkeypatch.setenv(attachments.FOLDER_ENV, str(tmp_path / "env"))
    assert attachments.folder(settings) == tmp_path / "env"


def test_a_file_over_the_configured_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.delenv(attachments.FOLDER_ENV, raising=False)
    settings = settings_with(tmp_path, f"attachments:\n  dir: {tmp_path / 'files'}\n  limit_mb: 1\n")
    with pytest.raises(AnswerRefused, match="最大 1 MB"):
        attachments.store(None, settings, "报告.pdf", b"%PDF-" + b"0" * (1024 * 1024),
                          datetime.now(timezone.utc))
    assert not (tmp_path / "files").exists()


def test_the_defaults_without_the_key():
    settings = load_settings(__import__("pathlib").Path("/nonexistent/settings.yaml"))
    assert (settings.attachments_dir, settings.attachment_limit_mb) == ("", 10)


@pytest.mark.parametrize("text, said", [
    ("attachments:\n  limit_mb: 0\n", "limit_mb"),
    ("attachments:\n  limit_mb: 500\n", "limit_mb"),
    ("attachments:\n  dir: 3\n", "保存附件的文件夹"),
    ("attachments:\n  size: 3\n", "未知配置项"),
])
def test_a_bad_value_names_the_line_and_what_to_write(tmp_path, text, said):
    with pytest.raises(DubanError) as caught:
        settings_with(tmp_path, text)
    assert said in str(caught.value) and "settings.yaml" in str(caught.value)
