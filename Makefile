# Two commands do everything: `make book` and `make test`.
# Both create the virtual environment .venv from requirements.txt when it is
# missing or older than requirements.txt.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: book pdf test clean venv system-deps

book: $(STAMP)
	$(PY) -m omcc.book.build

# The PDF edition needs XeLaTeX and CJK fonts (Debian: see README, "PDF edition").
pdf: $(STAMP)
	$(PY) -m omcc.book.build

test: $(STAMP)
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

# Debian packages the tests and the PDF edition need (run as root):
# Chromium for the browser tests, poppler-utils to inspect the PDF,
# XeLaTeX, LaTeX packages and CJK fonts for the PDF edition.
SYSTEM_PACKAGES := chromium poppler-utils latexmk texlive-xetex texlive-latex-extra \
	texlive-fonts-recommended texlive-lang-chinese texlive-lang-other fonts-noto-cjk \
	fonts-freefont-otf xindy
system-deps:
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(SYSTEM_PACKAGES)

clean:
	rm -rf _build
