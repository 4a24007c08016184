"""Cold `python -m bot extract` of a 20-page text-layer PDF (paragraphs and a long table), built by the bench.

    .venv/bin/python -m bench.pdf_bench

Target: under 3 s (issue 12). Needs reportlab (the test extra) to build the PDF.
"""
from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PAGES = 20
TARGET_S = 3.0
UNITS = "（市发展改革委牵头，市财政局、市自然资源局、各县（市、区）人民政府按职责分工负责）"


def markdown(paragraphs: int, rows: int) -> str:
    lines = ["2024年某市重点工作任务分工方案", "一、稳定经济增长"]
    lines += [f"{no}. 推进第{no}项重点工作。{no % 12 + 1}月底前，制定年度工作计划，明确时间表和路线图，"
              f"统筹推进项目建设、要素保障和督促检查，确保按期完成{UNITS}。" for no in range(1, paragraphs + 1)]
    lines += ["附件：重点项目任务分解表", "| 序号 | 工作任务 | 责任单位 | 完成时限 |", "|---|---|---|---|"]
    lines += [f"| {no} | 完成第{no}项重点项目建设并组织验收 | 市住房城乡建设局 | {no % 12 + 1}月底前 |" for no in range(1, rows + 1)]
    return "\n".join(lines)


def main() -> int:
    import pdfplumber

    from tests.reading.render_pdf import render_text_pdf

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "list.pdf"
        render_text_pdf(markdown(110, 260), path)
        with pdfplumber.open(path) as pdf:
            pages = len(pdf.pages)
        env = {**os.environ, "DUBAN_CONFIG_DIR": str(Path(tmp) / "office")}  # a fresh office, as after `init`
        subprocess.run([sys.executable, "-m", "bot", "init", env["DUBAN_CONFIG_DIR"]], cwd=ROOT, check=True, capture_output=True)
        runs, cpu = [], []
        for _ in range(3):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "bot", "extract", str(path), "--format", "json"],
                                  cwd=ROOT, capture_output=True, text=True, env=env)
            runs.append(time.perf_counter() - start)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
            if done.returncode != 0:
                print(done.stderr, file=sys.stderr)
                return 1
        import json

        tasks = len(json.loads(done.stdout)["tasks"])
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    best = min(runs)
    ok = "达标" if best < TARGET_S and pages >= PAGES else "未达标"
    print(f"冷启动 python -m bot extract {pages} 页文字层 PDF（{tasks} 项任务）：最好 {best:.2f} s，"
          f"三次 {', '.join(f'{r:.2f}' for r in runs)} s（CPU {', '.join(f'{c:.2f}' for c in cpu)} s，"
          f"负载 {os.getloadavg()[0]:.1f}，{os.cpu_count()} 核），峰值内存 {rss:.0f} MB（目标 < {TARGET_S:.1f} s）[{ok}]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
