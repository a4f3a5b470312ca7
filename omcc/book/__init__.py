"""The machinery that turns chapters and data into the published book.

Nothing here computes a finding: the analysis lives in the modules of `omcc`
itself (`chips`, `adoption`, `efficiency`, `energy`, `investment`, `ledger`,
`headlines`) and the data layer (`datapackage`, `numbers`, `figures`, `tables`).
This sub-package builds, executes, checks and publishes:

- `build`: the atomic, locked build behind `make book`;
- `preexecute`: runs the chapter notebooks in parallel and keeps the execution
  cache honest (every cached page is keyed on its code and the data it read);
- `sphinx_ext`: the Sphinx extension (provenance popovers, cite boxes, ...);
- `appendix`, `citation`: the generated appendices and the book's citations.
"""
