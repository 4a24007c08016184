# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
SAMPLE := data/fujian-ipa-2024-task-list.md

.PHONY: run test bench clean

# Re-install whenever pyproject.toml changes; the stamp keeps repeat runs fast.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "需要 Python 3.11 或更高版本 (当前: " + sys.version.split()[0] + ")")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test,ocr]'
	@touch $(STAMP)

# The sample list is from 2024: import it as of 2024-06-20, replay the fortnight around its
# 6月底 deadline to the console, then start the live service. Safe to run again.
run: $(STAMP)
	@echo "== 督办提醒演示：导入示例清单（按 2024-06-20 导入），回放 2024-06-20 至 2024-07-05 的提醒；"
	@echo "== 尚未配置联系方式，消息打印在控制台（标有【控制台预览·未实际发送】）。随后启动实时服务，按 Ctrl+C 停止。"
	$(BIN)/python -m bot import $(SAMPLE) --as-of 2024-06-20
	$(BIN)/python -m bot run --as-of 2024-06-20 --until 2024-07-05
	$(BIN)/python -m bot run

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH)

clean:
	rm -rf $(VENV) data/*.sqlite3

# Regenerate requirements.lock (the Docker image's pinned runtime dependencies) from
# pyproject.toml: install the project without the test extra into a throwaway venv.
.PHONY: lock
lock:
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	mkdir "$$tmp/src" && cp -r pyproject.toml bot jobs "$$tmp/src/"; \
	$(PYTHON) -m venv "$$tmp/venv"; \
	"$$tmp/venv/bin/pip" install -q "$$tmp/src"; \
	{ echo "# Pinned runtime dependencies of the Docker image. Regenerate with: make lock"; \
	  "$$tmp/venv/bin/pip" freeze --exclude-editable | grep -v -i '^duban[ =@]'; } > requirements.lock
	@echo "requirements.lock: $$(grep -c '==' requirements.lock) 个依赖已锁定"
