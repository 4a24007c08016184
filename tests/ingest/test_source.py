"""Bytes in: encodings, line endings, and every kind of file that must be refused clearly."""
import os
import shutil

import pytest

from bot.errors import DubanError
from bot.ingest import read_bytes_document, read_document
from bot.ingest.source import decode_text

LIST = "2024年任务清单\n| 重点任务 | 具体措施 | 责任单位 |\n|---|---|---|\n| 1. 推进实施 | 6月底前完成。 | 保护处 |\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_it_decodes_every_encoding_offices_save_in(encoding):
    assert decode_text(LIST.encode(encoding), "x.md") == LIST.rstrip("\n")


@pytest.mark.parametrize("newline", ["\r\n", "\r", "\n"])
def test_it_reads_any_line_endings(newline):
    document = read_bytes_document(LIST.replace("\n", newline).encode("gbk"), "x.txt")
    assert [(t.no, t.title, t.raw_units) for t in document.tasks] == [(1, "推进实施", "保护处")]


def test_it_detects_gbk_in_a_longer_text_too(seed_path):
    data = seed_path.read_text(encoding="utf-8").encode("gb18030")
    assert len(read_bytes_document(data, "seed-gbk.md").tasks) == 16


def refusal(data: bytes, name: str) -> str:
    with pytest.raises(DubanError) as error:
        read_bytes_document(data, name)
    assert error.value.exit_code == 2
    assert name in error.value.message
    return error.value.message


@pytest.mark.parametrize("data, name, problem, fix", [
    (b"", "empty.md", "文件为空", "保存"),
    (b"  \n\r\n ", "blank.txt", "文件为空", "保存"),
    (b"\x89PNG\r\n\x1a\n" + bytes(100), "scan.png", "图片", "PNG"),
    (b"\xff\xd8\xff\xe0" + bytes(100), "scan.md", "图片", "重新扫描"),
    (b"GIF89a" + bytes(100), "scan.gif", "图片格式", "PNG"),
    (b"%PDF-1.7\n" + bytes(100), "list.pdf", "PDF 文件已损坏", "重新导出"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "list.doc", ".doc", ".docx"),
    (b"\xd0\xcf\x11\xe0" + "Workbook".encode("utf-16-le") + bytes(100), "list.xls", "Excel", ".xlsx"),
    (b"PK\x03\x04broken", "list.ofd", "OFD 文件已损坏", "OFD 阅读器"),
    (bytes(range(256)) * 8, "blob.bin", "二进制", ".docx"),
    (b"PK\x03\x04broken", "list.docx", "损坏", "另存"),
    (b"hello", "list.docx", ".docx", "另存"),
    ("这是一段说明文字，没有任何编号任务。".encode(), "notes.txt", "没有找到可识别的任务", "docs/documents.md"),
])
def test_it_refuses_bad_input_naming_the_file_problem_and_fix(data, name, problem, fix):
    message = refusal(data, name)
    assert problem in message and fix in message


def test_it_refuses_a_zip_that_is_not_an_office_file(tmp_path):
    import zipfile

    path = tmp_path / "archive.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("readme.txt", "hi")
    assert "压缩包" in refusal(path.read_bytes(), str(path))


def test_it_refuses_a_missing_file_and_a_directory(tmp_path):
    for path, problem in ((tmp_path / "nope.md", "不存在"), (tmp_path, "不是文件")):
        with pytest.raises(DubanError, match=problem) as error:
            read_document(path)
        assert str(path) in error.value.message


def test_it_refuses_an_oversized_file_by_its_size_without_reading_it(tmp_path):
    path = tmp_path / "huge.md"
    with open(path, "wb") as f:
        f.truncate(20 * 1024 * 1024)
    with pytest.raises(DubanError, match=r"文件过大（20.0 MB，上限 10 MB）") as error:
        read_document(path)
    assert str(path) in error.value.message


def test_an_unreadable_file_is_refused_with_the_fix(tmp_path, monkeypatch):
    """Root reads any file, so the OS refusal is raised where Duban opens it, as for an ordinary user."""
    from pathlib import Path

    path = tmp_path / "locked.md"
    path.write_text("1. 推进实施")

    def denied(self):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", denied)
    with pytest.raises(DubanError, match="没有读取权限") as error:
        read_document(path)
    assert error.value.message.startswith(f"{path}: ") and "chmod" in error.value.message


def test_a_file_in_an_unreadable_directory_is_refused(tmp_path, monkeypatch):
    from pathlib import Path

    def denied(self, **kwargs):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "stat", denied)
    with pytest.raises(DubanError, match="没有读取权限"):
        read_document(tmp_path / "secret" / "list.md")


@pytest.mark.parametrize("args", [["-"], ["{dir}"]], ids=["surrogate-bytes-on-stdin", "a-directory"])
def test_bad_paths_and_bytes_exit_2_from_the_command_line(tmp_path, args):
    import subprocess
    import sys
    from pathlib import Path

    result = subprocess.run([sys.executable, "-m", "bot", "extract", *(a.format(dir=tmp_path) for a in args), "--year", "2024"],
                            cwd=Path(__file__).resolve().parents[2], input=b"\xfa\xfb6\xe6\x9c\x88", capture_output=True, timeout=60)
    stderr = result.stderr.decode()
    assert result.returncode == 2 and stderr.startswith("错误: ") and "Traceback" not in stderr
    assert ("UTF-8" in stderr) if args == ["-"] else ("不是文件" in stderr)


@pytest.mark.skipif(not (hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("setpriv")),
                    reason="needs root and setpriv to run the command as an unprivileged user")
def test_an_unreadable_file_exits_2_from_the_command_line_for_an_ordinary_user(tmp_path):
    """The real OS refusal: the command runs as `nobody`, the file is mode 000."""
    import subprocess
    import sys
    from pathlib import Path

    path = tmp_path / "locked.md"
    path.write_text("1. 推进实施。6月底前完成。")
    path.chmod(0)
    tmp_path.chmod(0o755)
    result = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                             sys.executable, "-m", "bot", "extract", str(path), "--year", "2024"],
                            cwd=Path(__file__).resolve().parents[2], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith(f"错误: {path}: 没有读取权限")
