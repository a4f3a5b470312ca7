# Two commands do everything: `make book` and `make test`.
# Both create the virtual environment .venv from requirements.txt when it is
# missing or older than requirements.txt.

PYTHON ?= python3
VENV := .venv
# The project's own folder first on the path: a copied or moved folder uses its own code.
PY := PYTHONPATH=$(CURDIR) $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: book html test clean venv system-deps

# The site, with the PDF edition when XeLaTeX is installed (the build says so when it is not).
book: $(STAMP)
	$(PY) -m omcc.book.build

# The site without the PDF edition: the quick loop after editing a table.
html: $(STAMP)
	$(PY) -m omcc.book.build --html-only

# Installs the Debian packages the tests need when they are missing (as root or
# with sudo), or names the command to run; then runs the tests.
test: $(STAMP)
	$(PY) -m omcc.book.system_deps
	$(PY) -m pytest

venv: $(STAMP)

$(STAMP): requirements.txt
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	# pip warns about local mirrors this machine lists but lacks; keep its log, show it on failure.
	$(PY) -m pip install --quiet --no-deps -r requirements.txt 2> $(VENV)/pip.log || { cat $(VENV)/pip.log; exit 1; }
	$(PY) -m pip check
	# Put the repository on the venv's path so notebooks import `omcc` from any folder.
	echo "$(CURDIR)" > "$$($(PY) -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/omcc-repo.pth"
	touch $(STAMP)

# The Debian packages alone (the list lives in omcc/book/system_deps.py).
system-deps: $(STAMP)
	$(PY) -m omcc.book.system_deps

clean:
	rm -rf _build
