"""``isingeq solve`` and ``isingeq methods``: the resolver, the registry's options, errors."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

import isingeq
from isingeq import datasets
from isingeq.cli import app

from ..conftest import all_states, brute_energies

runner = CliRunner()
SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"
needs_data = pytest.mark.skipif(not SHARED.is_dir(), reason="shared/data is not beside the repo")
needs_auto = pytest.mark.skipif(
    "auto" not in isingeq.METHODS, reason="method 'auto' not registered"
)


def _solve_json(*args: str) -> dict[str, Any]:
    res = runner.invoke(app, ["solve", *args, "--json"])
    assert res.exit_code == 0, res.output
    assert res.stderr == ""  # the spinner is transient and stays off a non-terminal stderr
    return json.loads(res.stdout)


@needs_auto
def test_same_spec_same_model_in_python_and_the_cli() -> None:
    d = _solve_json("--instance", "paper-40")
    inst = datasets.resolve("paper-40")
    assert np.array_equal(inst.model.eps, isingeq.paper_instance(40, rng=0).eps)
    x = np.array(d["best_sample"], dtype=np.uint8)
    assert inst.model.energy(x) == pytest.approx(d["best_energy"], abs=1e-12)
    assert (d["instance"], d["n"], d["sense"]) == ("paper-40", 40, "min")
    assert d["objective"] == pytest.approx(d["best_energy"])  # objective = H for random families
    # and a different seed is a different model: the energy would not match by chance
    assert datasets.resolve("paper-40@1").model.energy(x) != pytest.approx(d["best_energy"])


def test_the_cli_solves_as_isingeq_solve_with_rng_seed() -> None:
    d = _solve_json("--instance", "paper-30@2", "--method", "scipy-root", "--seed", "3")
    direct = isingeq.solve(datasets.resolve("paper-30@2").model, method="scipy-root", rng=3)
    assert d["energies"] == direct.energies.tolist()
    assert d["best_sample"] == direct.best_sample.tolist()
    assert d["best_energy"] == min(d["energies"])
    assert {"time_s", "info", "options", "num_reads", "seed", "gap", "best_known"} <= set(d)


def test_exact_on_a_small_random_family_reports_zero_gap() -> None:
    d = _solve_json("--instance", "paper-8@5", "--method", "exact")
    model = isingeq.paper_instance(8, rng=5)
    brute = brute_energies(model.eps, all_states(8))
    assert d["best_energy"] == pytest.approx(brute.min(), abs=1e-12)
    assert d["best_known"] == pytest.approx(brute.min(), abs=1e-12)  # n <= 24: exact reference
    assert d["gap"] == pytest.approx(0.0, abs=1e-12)


def test_sk_family() -> None:
    d = _solve_json("--instance", "sk-10@1", "--method", "exact")
    model = isingeq.sk_instance(10, rng=1)
    assert d["instance"] == "sk-10@1"
    assert d["best_energy"] == pytest.approx(isingeq.solve(model, method="exact").best_energy)


def test_seed_is_reproducible_and_matters() -> None:
    args = ("--instance", "paper-40", "--method", "scipy-root", "--num-reads", "3")
    a = _solve_json(*args, "--seed", "7")
    b = _solve_json(*args, "--seed", "7")
    c = _solve_json(*args, "--seed", "8")
    assert a["energies"] == b["energies"] and a["best_sample"] == b["best_sample"]
    assert a["energies"] != c["energies"]


def test_method_options_go_through_the_registry() -> None:
    d = _solve_json(
        "--instance",
        "paper-12",
        "--method",
        "scipy-root:mode=continuation",
        "-o",
        "num_sweeps=8",
        "--option",
        "t_end=2e3",
        "--num-reads",
        "2",
    )
    assert d["options"] == {
        "mode": "continuation",
        "num_sweeps": 8,
        "t_end": 2000.0,
        "num_reads": 2,
    }
    direct = isingeq.solve(
        isingeq.paper_instance(12, rng=0),
        method="scipy-root",
        rng=0,
        mode="continuation",
        num_sweeps=8,
        t_end=2000.0,
        num_reads=2,
    )
    assert d["energies"] == direct.energies.tolist()


@needs_auto
def test_default_method_is_auto_and_says_what_it_chose() -> None:
    d = _solve_json("--instance", "paper-10")
    assert d["info"]["auto"]["chosen"] == d["method"] == "exact"


def test_old_random_spelling_maps_to_the_new_one_with_a_warning() -> None:
    res = runner.invoke(
        app, ["solve", "--random", "paper:9", "--seed", "2", "--method", "exact", "--json"]
    )
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    assert d["instance"] == "paper-9@2"
    assert d["best_energy"] == pytest.approx(datasets.resolve("paper-9@2").best_known)
    [line] = res.stderr.strip().splitlines()
    assert line.startswith("warning: --random 'paper:9' is deprecated") and "paper-9@2" in line


@needs_data
def test_a_named_instance_reports_its_objective_and_gap() -> None:
    d = _solve_json("--instance", "G1", "--data-dir", str(SHARED), "--method", "greedy")
    inst = datasets.load("G1", SHARED)
    x = np.array(d["best_sample"], dtype=np.uint8)
    assert d["objective"] == inst.objective(x) == -d["best_energy"]  # H = -cut
    assert (d["sense"], d["best_known"]) == ("max", 11624.0)
    assert d["gap"] == pytest.approx((11624.0 - d["objective"]) / 11624.0)


@needs_data
def test_a_file_and_a_file_of_several_instances(tmp_path: Path) -> None:
    inst = datasets.load("bqp250-2", SHARED)
    path = tmp_path / "one.npz"
    isingeq.io.save_npz(inst, path)
    for args in (["--file", str(path)], ["--instance", str(path)]):
        d = _solve_json(*args, "--method", "greedy")
        x = np.array(d["best_sample"], dtype=np.uint8)
        assert d["objective"] == pytest.approx(inst.objective(x)) and d["sense"] == "max"
    res = runner.invoke(app, ["solve", "--file", str(SHARED / "beasley" / "bqp250.txt")])
    assert res.exit_code == 2
    assert "holds 10 instances (bqp250-1, bqp250-2, bqp250-3, ...)" in res.stderr


def test_out_writes_json_and_prints_a_table(tmp_path: Path) -> None:
    out = tmp_path / "runs" / "solve.json"
    res = runner.invoke(
        app, ["solve", "--instance", "paper-9@2", "--method", "exact", "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    d = json.loads(out.read_text())
    assert (d["instance"], d["seed"], d["method"], d["n"]) == ("paper-9@2", 0, "exact", 9)
    assert d["best_energy"] == pytest.approx(
        isingeq.paper_instance(9, rng=2).energy(d["best_sample"])
    )
    assert "best energy" in res.stdout and f"{d['best_energy']:.10g}" in res.stdout
    assert str(out) in res.stderr
    assert "enumerated" in res.stdout and "sweeps" not in res.stdout  # why it stopped


def test_the_table_says_why_a_solve_stopped() -> None:
    res = runner.invoke(
        app, ["solve", "--instance", "paper-30", "--method", "tabu", "-o", "num_sweeps=7"]
    )
    assert res.exit_code == 0, res.output
    assert re.search(r"stopped\s*│\s*schedule \(7 sweeps\)", res.stdout), res.stdout


def test_json_holds_every_sample_asked_for(tmp_path: Path) -> None:
    # exact's num_states=5 gave 5 energies and one sample: the other four states were lost
    res = runner.invoke(
        app,
        ["solve", "--instance", "paper-12", "--method", "exact", "-o", "num_states=5", "--json"],
    )
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    m = isingeq.paper_instance(12, rng=0)
    assert len(d["samples"]) == len(d["energies"]) == 5
    assert [m.energy(x) for x in d["samples"]] == pytest.approx(d["energies"], abs=1e-12)
    assert len({tuple(x) for x in d["samples"]}) == 5 and d["samples"][0] == d["best_sample"]


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (
            ["--instance", "paper-"],
            "`--instance` 'paper-' must look like 'paper-N' or 'paper-N@SEED'",
        ),
        (["--instance", "paper-x"], "error: `--instance` 'paper-x' must look like"),
        (["--instance", "paper-40@-1"], "`--instance` 'paper-40@-1' must look like"),
        (["--instance", "paper-0"], "with integers N >= 1"),
        (["--instance", "G222"], "(did you mean 'G22'?)"),
        (
            ["--instance", "no/such/file.txt"],
            "'no/such/file.txt' looks like a file path but does not exist",
        ),
        (
            ["--file", "no/such/file.txt"],
            # it said "--file: `spec` ...", the library's parameter after the flag
            "error: `--file` 'no/such/file.txt' is a path that does not exist",
        ),
        (["--random", "paper:x"], "use --instance paper-N@SEED or sk-N@SEED instead"),
        (["--instance", "paper:40"], "uses the old spelling; write 'paper-40'"),
        (["--instance", "paper-8", "--method", "foo"], "unknown method 'foo'"),
        (["--instance", "paper-8", "--method", "exact", "-o", "bogus=1"], "unknown option 'bogus'"),
        (
            ["--instance", "paper-8", "--method", "exact", "-o", "t"],
            "must look like key=value; got 't'",
        ),
        (
            ["--instance", "paper-8", "--method", "exact", "--time-limit", "1"],
            "method 'exact' has no option 'time_limit'",
        ),
        # the flags name themselves (they were "--method / --option: ... in num_reads=")
        (
            ["--instance", "paper-8", "--method", "greedy", "--time-limit", "1"],
            "error: --time-limit: method 'greedy' has no option 'time_limit'",
        ),
        (
            [
                "--instance",
                "paper-8",
                "--method",
                "greedy",
                "--num-reads",
                "2",
                "-o",
                "num_reads=3",
            ],
            "error: --num-reads and the option num_reads=3 (--method / --option) give",
        ),
        # the seed is --seed here: the registry's hint ("called `rng` here") is Python's, and
        # -o rng=3 was then refused as an unknown option
        (
            ["--instance", "paper-8", "--method", "mfa", "-o", "seed=3"],
            "option 'seed': the solver's seed is the flag --seed here",
        ),
        (
            ["--instance", "paper-8", "--method", "mfa:rng=3"],
            "option 'rng': the solver's seed is the flag --seed here",
        ),
        (
            ["--instance", "paper-8", "--method", "scipy-root", "--num-reads", "0"],
            "`--num-reads` must be >= 1; got 0",
        ),
        (
            [
                "--instance",
                "paper-8",
                "--method",
                "scipy-root:mode=continuation",
                "-o",
                "mode=plain",
            ],
            "option 'mode' is given twice",
        ),
        (
            ["--instance", "paper-8", "--method", "scipy-root", "-o", "mode=fast"],
            "`mode` must be 'plain' or 'continuation'",
        ),
        (["--instance", "paper-40", "--method", "exact"], "n=40 is too large for method 'exact'"),
        (["--instance", "paper-8", "--seed", "-1"], "`--seed` must be >= 0; got -1"),
        ([], "give exactly one of --instance or --file; got none"),
        (["--instance", "paper-8", "--file", "x.txt"], "got --instance, --file"),
        (["--instance", "paper-10000000"], "is a dense 10000000 x 10000000 model (728 TiB a"),
        (["--instance", "paper-5,paper-6"], "`--instance` 'paper-5,paper-6' must look like"),
        # the data folder is the flag's (it said "point `data_dir` at ...", or gave OSError's
        # "[Errno 20] Not a directory" of a path inside it)
        (
            ["--instance", "G1", "--data-dir", __file__],
            f"error: the data folder {__file__!r} (`--data-dir`, else $ISINGEQ_DATA) is a file",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args: list[str], match: str) -> None:
    res = runner.invoke(app, ["solve", *args])
    assert res.exit_code == 2, res.output
    assert match in res.stderr
    assert "Traceback" not in res.output
    assert len(res.stderr.strip().splitlines()) == 1
    assert res.stdout == ""


def test_out_must_not_be_a_folder_and_nothing_is_written_on_error(tmp_path: Path) -> None:
    res = runner.invoke(app, ["solve", "--instance", "paper-4", "--out", str(tmp_path)])
    assert res.exit_code == 2
    assert "`--out` must be a file path" in res.stderr
    out = tmp_path / "new" / "r.json"
    res = runner.invoke(app, ["solve", "--instance", "G222", "--out", str(out)])
    assert res.exit_code == 2 and not (tmp_path / "new").exists()


def test_methods_lists_every_option_with_its_default() -> None:
    res = runner.invoke(app, ["methods"], env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    for name in isingeq.METHODS:
        assert name in res.stdout
        for opt in isingeq.method_options(name):
            assert opt in res.stdout
    assert "num_reads" in res.stdout and "default" in res.stdout


@pytest.mark.parametrize(
    "argv",
    [
        ["solve", "--instance", "paper-6", "--method", "exact", "--json"],
        ["methods"],
    ],
)
def test_solve_and_methods_import_no_experiment_harness(argv: list[str]) -> None:
    code = (
        "import sys; from isingeq.cli import main\n"
        f"try:\n    main({argv!r})\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
        "bad = sorted(m for m in sys.modules if m.startswith('isingeq.experiments'))\n"
        "print('IMPORTED', bad)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "IMPORTED []" in out.stdout, out.stdout + out.stderr


def test_a_missing_optional_dependency_is_one_line_naming_the_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if Dask were not installed
    res = runner.invoke(
        app, ["solve", "--instance", "paper-6", "--method", "exact", "-o", "client=local"]
    )
    assert res.exit_code == 2, res.output
    assert 'pip install "isingeq[dask]"' in res.stderr and "Traceback" not in res.output


def test_output_paths_are_checked_before_the_solve(tmp_path: Path) -> None:
    model_file = tmp_path / "m.mtx"
    isingeq.io.write_mtx(isingeq.paper_instance(6, rng=0), model_file)
    before = model_file.read_bytes()
    out = tmp_path / "r.json"
    cases = [
        (["--plot", str(tmp_path / "g14")], r"must end in an image extension"),
        (["--out", str(model_file)], r"is the input file"),
        (["--out", str(tmp_path / "r.png"), "--plot", str(tmp_path / "r.png")], r"same file"),
    ]
    for extra, message in cases:
        res = runner.invoke(app, ["solve", "--file", str(model_file), *extra])
        assert res.exit_code == 2 and re.search(message, " ".join(res.stderr.split())), res.output
    assert model_file.read_bytes() == before and not out.exists()
    assert not (tmp_path / "r.png").exists()
    # a figure without a png extension is written in its own format
    svg = tmp_path / "f.svg"
    res = runner.invoke(app, ["solve", "--file", str(model_file), "--plot", str(svg)])
    assert res.exit_code == 0 and svg.read_bytes().lstrip().startswith(b"<?xml")


def test_format_reads_a_file_whose_name_does_not_tell_it(tmp_path: Path) -> None:
    # Biq Mac's rudy files are named like 'g05_100.0'
    path = tmp_path / "g05_6.0"
    path.write_text("4 4\n1 2 1\n2 3 1\n3 4 1\n4 1 1\n")
    res = runner.invoke(app, ["solve", "--file", str(path)])
    assert res.exit_code == 2 and "--format in the CLI" in " ".join(res.stderr.split())
    d = _solve_json("--file", str(path), "--format", "rudy")
    assert d["n"] == 4 and d["sense"] == "max" and d["objective"] == 4.0  # the cycle's cut
    res = runner.invoke(app, ["solve", "--instance", "paper-6", "--format", "rudy"])
    assert res.exit_code == 2 and "applies to a file" in res.stderr


def test_plot_into_a_new_folder_is_made_like_out(tmp_path: Path) -> None:
    out = tmp_path / "newdir" / "r.json"
    png = tmp_path / "newdir2" / "deeper" / "x.png"
    args = ["solve", "--instance", "paper-50", "--method", "tabu", "--time-limit", "0.1"]
    res = runner.invoke(app, [*args, "--out", str(out), "--plot", str(png)])
    assert res.exit_code == 0, res.output
    assert json.loads(out.read_text())["n"] == 50
    assert png.read_bytes().startswith(b"\x89PNG")
    assert sorted(p.name for p in png.parent.iterdir()) == ["x.png"]  # no temporary file left
    # and a folder that cannot be made is refused before the solve, as --out's is
    blocker = tmp_path / "file"
    blocker.write_text("")
    res = runner.invoke(app, [*args, "--plot", str(blocker / "sub" / "x.png")])
    assert res.exit_code == 2 and "--plot" in res.stderr and "Traceback" not in res.output


@needs_data
def test_no_output_overwrites_the_input_file_of_a_pick_or_a_name(tmp_path: Path) -> None:
    # --out was compared with the spec read as a path only: the file of 'FILE#K', and a named
    # instance's file in --data-dir, were not seen as the input, and --out overwrote them
    data = tmp_path / "data"
    (data / "beasley").mkdir(parents=True)
    bqp = data / "beasley" / "bqp50.txt"
    bqp.write_bytes((SHARED / "beasley" / "bqp50.txt").read_bytes())
    before = bqp.read_bytes()
    for args in (
        ["--instance", f"{bqp}#2"],
        ["--file", f"{bqp}#bqp50-2"],
        ["--instance", "bqp50-2", "--data-dir", str(data)],
    ):
        res = runner.invoke(app, ["solve", *args, "--method", "greedy", "--out", str(bqp)])
        assert res.exit_code == 2, res.output
        assert f"--out {str(bqp)!r} is the input file" in " ".join(res.stderr.split())
        assert bqp.read_bytes() == before


@pytest.mark.parametrize("name", ["run[abc]x", "bqp[/]1", "b[bold]y"])
def test_the_live_line_shows_an_instance_name_as_it_is(name: str) -> None:
    # the name went through rich markup: '[abc]' vanished, '[bold]' styled the rest of the
    # line and '[/]' raised a MarkupError mid-solve
    import io

    from rich.console import Console

    from isingeq.cli._progress import spinner

    buf = io.StringIO()
    console = Console(file=buf, force_terminal=True, width=200, color_system=None)
    event = isingeq.ProgressEvent("tabu", "tabu", 0.1, 1.0, -3.0, 5, 0)
    with spinner(console, f"tabu on {name}", 1.0) as on_event:
        on_event(event)
    assert f"tabu on {name} · tabu · best -3 · 5 sweeps" in buf.getvalue()


def test_the_table_shows_an_instance_name_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "run[abc]x.mtx"  # a file stem with brackets: no rich markup
    isingeq.io.write_mtx(isingeq.paper_instance(6, rng=0), path)
    res = runner.invoke(app, ["solve", "--file", str(path), "--method", "greedy"])
    assert res.exit_code == 0, res.output
    assert "run[abc]x" in res.stdout
    assert _solve_json("--file", str(path), "--method", "greedy")["instance"] == "run[abc]x"
