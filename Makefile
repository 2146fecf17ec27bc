# The two commands a new user needs: `make run` and `make test`. Everything else is for developers.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint format worker beat migrate messages bench eval-matching clean

$(STAMP): requirements.txt requirements-dev.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/python scripts/launch.py run

test: $(STAMP)
	$(BIN)/python scripts/launch.py test -n $${PYTEST_WORKERS:-2} $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python scripts/launch.py manage makemigrations --check --dry-run
	$(BIN)/python scripts/launch.py manage spectacular --validate --fail-on-warn --file /dev/null

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrate: $(STAMP)
	$(BIN)/python scripts/launch.py manage migrate

# Translations need no database, but the settings insist on a DATABASE_URL: give them a placeholder.
messages: export DJANGO_DEBUG ?= true
messages: export DATABASE_URL ?= postgres://localhost/unused
messages: $(STAMP)
	$(BIN)/python manage.py makemessages -l zh_Hans -l en --ignore=.venv --ignore=static --ignore=staticfiles
	$(BIN)/python manage.py compilemessages --ignore=.venv

worker: $(STAMP)
	$(BIN)/celery -A config worker -l info

beat: $(STAMP)
	$(BIN)/celery -A config beat -l info

# Benchmarks use a database of their own (tianfu_bench) on the same server; results go to
# bench/results/ and docs/benchmarks.md.
bench: $(STAMP)
	$(BIN)/python scripts/launch.py bench

# Precision@5, recall@20 and nDCG@10 of the matching engine and of a plain TF-IDF baseline on the
# labelled set in market/data/matching_eval/ (no database needed); figures go to docs/benchmarks.md.
eval-matching: $(STAMP)
	$(BIN)/python bench/eval_matching.py

clean:
	rm -rf .data staticfiles .pytest_cache .ruff_cache
