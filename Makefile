# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HERE   := $(dir $(abspath $(lastword $(MAKEFILE_LIST))))
SAMPLE := $(HERE)data/fujian-ipa-2024-task-list.md

# The demo keeps its own database and configuration under build/demo (git-ignored): whatever
# DUBAN_* the environment or the office's .env set, it never opens the office's database or
# config, and with no contact configured every message goes to the console, never to a robot.
DEMO       := build/demo
DEMO_FROM  ?= 2024-06-20
DEMO_UNTIL ?= 2024-07-05
DEMO_BOT   := env -u DUBAN_UNITS -u DUBAN_TIMEZONE -u DUBAN_SEND_TIME -u DUBAN_LEAD_TIMES \
              DUBAN_DATABASE_URL=sqlite:///$(DEMO)/duban.sqlite3 DUBAN_CONFIG_DIR=$(DEMO)/config \
              $(BIN)/python -m bot --env-file $(DEMO)/demo.env

HTMX   := node_modules/htmx.org/dist/htmx.min.js

.PHONY: run demo test bench docs clean

# Re-install whenever pyproject.toml changes; the stamp keeps repeat runs fast.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "需要 Python 3.11 或更高版本 (当前: " + sys.version.split()[0] + ")")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test,ocr]'
	@touch $(STAMP)

# htmx for the console, pinned in package-lock.json and installed from the npm registry; without
# npm the console still works (every action is a plain form), only without in-place updates.
$(HTMX): package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --ignore-scripts --no-audit --no-fund --loglevel=error; \
	else echo "注意: 没有 npm，控制台将不使用 htmx（所有操作仍可用，只是整页刷新）"; fi

# The sample list is from 2024: import it as of 2024-06-20, replay the fortnight around its
# 6月底 deadline to the console, then start the live service. Safe to run again.
DEMO_PORT ?= 8000
DEMO_USER := 演示管理员
DEMO_PASSWORD := duban-demo-2024

run: demo $(HTMX)
	@printf '%s\n' '$(DEMO_PASSWORD)' | $(DEMO_BOT) users add $(DEMO_USER) --role admin --password-stdin > /dev/null 2>&1 || true
	@echo "== 控制台: http://127.0.0.1:$(DEMO_PORT)/  演示账号: $(DEMO_USER)  密码: $(DEMO_PASSWORD)（仅限演示数据库）"
	@echo "== 同时启动提醒服务（演示数据库，只打印到控制台），按 Ctrl+C 全部停止。"
	@trap 'kill $$web 2>/dev/null; wait $$web 2>/dev/null' EXIT INT TERM; \
	$(DEMO_BOT) web --port $(DEMO_PORT) & web=$$!; \
	$(DEMO_BOT) run

demo: $(STAMP)
	@echo "== 督办提醒演示：使用独立的演示数据库 $(DEMO)/duban.sqlite3 和配置 $(DEMO)/config/（由随程序发布的示例生成），"
	@echo "== 不读取也不改动本机的正式数据库、config/ 和 .env；演示配置中没有任何联系方式，消息只打印在控制台"
	@echo "== （标有【控制台预览·未实际发送】），不会发往任何机器人或邮箱。"
	@echo "== 导入示例清单（按 $(DEMO_FROM) 导入），回放 $(DEMO_FROM) 至 $(DEMO_UNTIL) 的提醒。"
	@rm -rf $(DEMO)/config && mkdir -p $(DEMO)
	@printf '# 演示专用：代替办公室的 .env，演示不读取任何密钥。\n' > $(DEMO)/demo.env
	@$(DEMO_BOT) init $(DEMO)/config > /dev/null
	@printf '# 演示配置：没有任何联系方式，全部提醒打印在控制台。\nunits: {}\n' > $(DEMO)/config/contacts.yaml
	$(DEMO_BOT) import $(SAMPLE) --as-of $(DEMO_FROM)
	$(DEMO_BOT) run --as-of $(DEMO_FROM) --until $(DEMO_UNTIL)

test: $(STAMP) $(HTMX)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH)

# docs/cli.md is generated from the commands' --help; tests/test_cli_docs.py checks it is current.
docs: $(STAMP)
	$(BIN)/python -m bot.cli.reference > docs/cli.md

clean:
	rm -rf $(VENV) build data/*.sqlite3

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
