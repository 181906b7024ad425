"""pyrunner: the step runner shared by the conformance adapters written in Python.

An adapter (`../python/`, `../cli/`) gives `runner.main` an `Adapter`: one function per action
of conformance/scenarios/README.md, how it opens a session (clients, or the binary to invoke)
and how its errors become `ApiError`s. Everything else — the command line of
conformance/adapters/README.md, templates, variables, bytes arguments, patterns, error
expectations, secrets kept out of failure details, the results file — is here, once.

Standard library only: the CLI adapter runs with a bare `python3`.

    values.py    `{{…}}` templates, `$var.field` references, `repeat` texts, bytes and contexts
    matching.py  patterns (`$contains`, `$not`, `$len`, `$min`, `$file_hex`, `$bytes`, `$any`)
    details.py   values shown in failure details, secret fields concealed
    errors.py    StepError, Unsupported, ApiError
    args.py      a step's arguments, read with their defaults
    runner.py    the adapter contract, the scenario loop, error expectations, results
"""
