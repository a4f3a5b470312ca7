"""The programs beyond Python that the tests and the PDF edition need, and their
Debian packages: check them, and install what is missing when we can.

    python -m omcc.book.system_deps            # what `make test` runs first
    python -m omcc.book.system_deps --check    # only say what is missing

With everything present it prints nothing. When something is missing and this
user can install Debian packages (root, or sudo without a password), it installs
them and says so in one line. Otherwise it prints one line naming the command to
run, and exits 1.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

# program (or font) -> Debian package that provides it
NEEDS = {
    "chromium": "chromium",  # browser tests
    "pdftotext": "poppler-utils",  # PDF tests
    "pdfimages": "poppler-utils",
    "xelatex": "texlive-xetex",  # the PDF edition
    "latexmk": "latexmk",
    "xindy": "xindy",
    "kpsewhich": "texlive-latex-extra",
}
FONTS = {"Noto Serif CJK SC": "fonts-noto-cjk", "FreeSerif": "fonts-freefont-otf"}
LATEX_FILES = {"fncychap.sty": "texlive-latex-extra", "xeCJK.sty": "texlive-lang-chinese",
               "vietnamese.ldf": "texlive-lang-other", "polyglossia.sty": "texlive-latex-recommended",
               # hyperref under XeTeX loads ZapfDingbats (pzdr) for link borders
               "pzdr.tfm": "texlive-fonts-recommended"}
ALL_PACKAGES = sorted(set(NEEDS.values()) | set(FONTS.values()) | set(LATEX_FILES.values()))


def missing_packages() -> list[str]:
    missing = {pkg for prog, pkg in NEEDS.items() if shutil.which(prog) is None}
    if shutil.which("fc-list"):
        fonts = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True).stdout
        missing |= {pkg for font, pkg in FONTS.items() if font not in fonts}
    else:
        missing |= set(FONTS.values())
    if shutil.which("kpsewhich"):
        for name, pkg in LATEX_FILES.items():
            if not subprocess.run(["kpsewhich", name], capture_output=True, text=True).stdout.strip():
                missing.add(pkg)
    else:  # no TeX at all: its files cannot be looked up yet, and all of them are needed
        missing |= set(LATEX_FILES.values())
    return sorted(missing)


def install_command(packages: list[str]) -> list[str]:
    prefix = [] if os.geteuid() == 0 else ["sudo", "-n"]
    return prefix + ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages]


def can_install() -> bool:
    if shutil.which("apt-get") is None:
        return False
    if os.geteuid() == 0:
        return True
    return shutil.which("sudo") is not None and subprocess.run(["sudo", "-n", "true"], capture_output=True).returncode == 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    missing = missing_packages()
    if not missing:
        return 0
    human = "sudo apt-get install " + " ".join(missing)
    if "--check" in argv or os.environ.get("OMCC_SYSTEM_DEPS") == "check" or not can_install():
        print(f"[deps] missing Debian packages for the tests and the PDF edition: {' '.join(missing)}; "
              f"install them with: {human}", flush=True)
        return 1
    print(f"[deps] installing missing Debian packages: {' '.join(missing)}", flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    update = (["sudo", "-n"] if os.geteuid() else []) + ["apt-get", "update", "-qq"]
    for cmd in (update, install_command(missing)):
        done = subprocess.run(cmd, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            print(done.stdout[-2000:] + done.stderr[-2000:], file=sys.stderr)
            print(f"[deps] installing failed; run: {human}", flush=True)
            return 1
    still = missing_packages()
    if still:
        print(f"[deps] still missing after installing: {' '.join(still)}", flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
