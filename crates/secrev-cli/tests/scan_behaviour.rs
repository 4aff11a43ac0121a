//! `secrev scan`: exit statuses, configuration, inline suppressions and file discovery.

mod common;

use common::{
    has_finding, json_scan, places, scan_in, secrev, tree, write, CLEAN, NO_DEFECTS, VULNERABLE,
    VULNERABLE_LINE,
};
use predicates::prelude::*;

/// PY101 on a constant command: low severity, medium confidence.
const LOW_ONLY: &str =
    "import subprocess\n\n\ndef listing():\n    subprocess.call(\"ls -l\", shell=True)\n";
/// PY101 on a command built at run time (high confidence) and on an opaque one (medium).
const BUILT_AND_OPAQUE: &str = "import subprocess\n\n\ndef unpack(archive):\n    subprocess.call(\"tar xf \" + archive, shell=True)\n\n\ndef run(cmd):\n    subprocess.call(cmd, shell=True)\n";

// ----- exit statuses --------------------------------------------------------------------------

#[test]
fn findings_exit_1_and_are_printed() {
    let dir = tree(&[("app.py", VULNERABLE.as_bytes())]);
    scan_in(dir.path())
        .arg("app.py")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("PY101"))
        .stdout(predicate::str::contains("app.py"))
        .stdout(predicate::str::contains(NO_DEFECTS).not());
}

#[test]
fn clean_code_exits_0_with_the_no_defects_line() {
    let dir = tree(&[
        ("lib.py", CLEAN.as_bytes()),
        ("pkg/util.py", CLEAN.as_bytes()),
    ]);
    let assert = scan_in(dir.path()).arg(".").assert().code(0);
    let out = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert!(
        out.lines().any(|l| l.trim() == NO_DEFECTS),
        "no line `{NO_DEFECTS}` in:\n{out}"
    );
}

#[test]
fn default_path_is_the_current_directory() {
    let dir = tree(&[("app.py", VULNERABLE.as_bytes())]);
    scan_in(dir.path())
        .args(["--select", "PY101"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("app.py"));
}

#[test]
fn fail_on_raises_the_threshold() {
    let dir = tree(&[("app.py", LOW_ONLY.as_bytes())]);
    // The low finding fails the default threshold ...
    scan_in(dir.path())
        .args(["--select", "PY101", "app.py"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("PY101"));
    // ... but not `--fail-on high`, and it is still reported.
    scan_in(dir.path())
        .args(["--select", "PY101", "--fail-on", "high", "app.py"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("PY101"));
    // A high finding still fails `--fail-on high`.
    let dir = tree(&[("app.py", VULNERABLE.as_bytes())]);
    scan_in(dir.path())
        .args(["--select", "PY101", "--fail-on", "high", "app.py"])
        .assert()
        .code(1);
}

#[test]
fn missing_path_exits_2_and_the_other_paths_are_still_scanned() {
    let dir = tree(&[("app.py", VULNERABLE.as_bytes())]);
    scan_in(dir.path())
        .args([
            "--select",
            "PY101",
            "does-not-exist.py",
            "app.py",
            "nowhere/",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("does-not-exist.py"))
        .stderr(predicate::str::contains("nowhere"))
        .stdout(predicate::str::contains("PY101"))
        .stdout(predicate::str::contains("app.py"));

    let (report, _) = json_scan(
        scan_in(dir.path()).args(["--select", "PY101", "does-not-exist.py", "app.py"]),
        2,
    );
    assert!(has_finding(&report, "PY101", "app.py", VULNERABLE_LINE));
    assert!(common::diagnostics(&report).iter().any(|d| d["path"]
        .as_str()
        .unwrap_or("")
        .contains("does-not-exist.py")));
}

#[test]
fn report_can_go_to_a_file() {
    let dir = tree(&[("app.py", VULNERABLE.as_bytes())]);
    scan_in(dir.path())
        .args([
            "--select", "PY101", "--format", "json", "-o", "out.json", "app.py",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::is_empty());
    let text = std::fs::read(dir.path().join("out.json")).expect("report written");
    let report: serde_json::Value = serde_json::from_slice(&text).expect("valid JSON");
    assert!(has_finding(&report, "PY101", "app.py", VULNERABLE_LINE));
}

#[test]
fn unwritable_output_file_exits_2() {
    let dir = tree(&[("app.py", CLEAN.as_bytes())]);
    scan_in(dir.path())
        .args(["-o", "no/such/dir/out.txt", "app.py"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("out.txt"));
}

// ----- configuration --------------------------------------------------------------------------

#[test]
fn invalid_toml_in_secrev_toml_exits_2() {
    let dir = tree(&[
        ("secrev.toml", b"fail-on = [\n"),
        ("app.py", CLEAN.as_bytes()),
    ]);
    secrev()
        .current_dir(dir.path())
        .args(["scan", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("secrev.toml"));
}

#[test]
fn a_user_taint_model_adds_a_source() {
    let dir = tree(&[
        ("secrev.toml", b"taint-models = [\"models/ours.toml\"]\n"),
        (
            "models/ours.toml",
            b"[[source]]\ncall = \"intake.read_ticket\"\nthreat = \"remote\"\nlabel = \"a support ticket\"\n",
        ),
        (
            "app.py",
            b"import os\nimport intake\n\n\ndef handle():\n    os.system(\"echo \" + intake.read_ticket())\n",
        ),
    ]);
    secrev()
        .current_dir(dir.path())
        .args(["scan", "--select", "PY801", "."])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("PY801"))
        .stdout(predicate::str::contains("a support ticket"));
}

#[test]
fn a_broken_taint_model_exits_2_naming_it() {
    let dir = tree(&[
        ("secrev.toml", b"taint-models = [\"ours.toml\"]\n"),
        (
            "ours.toml",
            b"[[sink]]\ncallee = \"x\"\nkind = \"made-up\"\n",
        ),
        ("app.py", CLEAN.as_bytes()),
    ]);
    secrev()
        .current_dir(dir.path())
        .args(["scan", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("ours.toml"))
        .stderr(predicate::str::contains("made-up"));
}

#[test]
fn unknown_config_key_exits_2() {
    let dir = tree(&[
        ("secrev.toml", b"selct = [\"PY101\"]\n"),
        ("app.py", CLEAN.as_bytes()),
    ]);
    secrev()
        .current_dir(dir.path())
        .args(["scan", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("selct"));
}

#[test]
fn unknown_key_in_pyproject_table_exits_2() {
    let dir = tree(&[
        ("pyproject.toml", b"[tool.secrev]\nfail-onn = \"high\"\n"),
        ("app.py", CLEAN.as_bytes()),
    ]);
    secrev()
        .current_dir(dir.path())
        .args(["scan", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("fail-onn"));
}

#[test]
fn unknown_rule_in_select_or_ignore_exits_2() {
    let dir = tree(&[("app.py", CLEAN.as_bytes())]);
    for flag in ["--select", "--ignore"] {
        scan_in(dir.path())
            .args([flag, "NOPE999", "app.py"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("NOPE999"));
    }
    let dir = tree(&[
        ("secrev.toml", b"select = [\"XX1\"]\n"),
        ("app.py", CLEAN.as_bytes()),
    ]);
    secrev()
        .current_dir(dir.path())
        .args(["scan", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("XX1"));
}

#[test]
fn select_accepts_names_and_prefixes() {
    let dir = tree(&[("app.py", VULNERABLE.as_bytes())]);
    for selector in [
        "PY101",
        "py101",
        "subprocess-shell-injection",
        "PY1",
        "PY10",
    ] {
        let (report, _) = json_scan(
            scan_in(dir.path()).args(["--select", selector, "app.py"]),
            1,
        );
        assert!(
            has_finding(&report, "PY101", "app.py", VULNERABLE_LINE),
            "--select {selector}"
        );
    }
    let (report, _) = json_scan(
        scan_in(dir.path()).args(["--select", "PY101", "--ignore", "PY101", "app.py"]),
        0,
    );
    assert!(places(&report).is_empty());
}

#[test]
fn pyproject_tool_secrev_ignore_is_honoured() {
    let dir = tree(&[
        (
            "pyproject.toml",
            b"[project]\nname = \"demo\"\n\n[tool.secrev]\nignore = [\"PY101\"]\n",
        ),
        ("src/app.py", VULNERABLE.as_bytes()),
    ]);
    // Found by walking up from the scanned path.
    let (report, _) = json_scan(secrev().current_dir(dir.path()).args(["scan", "src"]), 0);
    assert!(
        !places(&report).iter().any(|(_, _, rule)| rule == "PY101"),
        "PY101 is ignored by pyproject.toml: {report}"
    );
    // Also when scanning from a subdirectory.
    let (report, _) = json_scan(
        secrev()
            .current_dir(dir.path().join("src"))
            .args(["scan", "app.py"]),
        0,
    );
    assert!(!places(&report).iter().any(|(_, _, rule)| rule == "PY101"));
    // `--no-config` does not read it.
    let (report, _) = json_scan(
        secrev()
            .current_dir(dir.path())
            .args(["scan", "--no-config", "src"]),
        1,
    );
    assert!(has_finding(&report, "PY101", "app.py", VULNERABLE_LINE));
}

#[test]
fn secrev_toml_settings_apply_and_flags_override_them() {
    let dir = tree(&[
        ("secrev.toml", b"select = [\"PY101\"]\nfail-on = \"high\"\n"),
        ("app.py", LOW_ONLY.as_bytes()),
    ]);
    // The config's fail-on lets the low finding pass ...
    secrev()
        .current_dir(dir.path())
        .args(["scan", "app.py"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("PY101"));
    // ... the flag overrides it ...
    secrev()
        .current_dir(dir.path())
        .args(["scan", "--fail-on", "low", "app.py"])
        .assert()
        .code(1);
    // ... and --no-config ignores it.
    secrev()
        .current_dir(dir.path())
        .args(["scan", "--no-config", "--select", "PY101", "app.py"])
        .assert()
        .code(1);
}

#[test]
fn explicit_config_file_is_used_and_a_missing_one_exits_2() {
    let dir = tree(&[
        ("conf/custom.toml", b"ignore = [\"PY101\"]\n"),
        ("app.py", VULNERABLE.as_bytes()),
    ]);
    let (report, _) = json_scan(
        secrev()
            .current_dir(dir.path())
            .args(["scan", "--config", "conf/custom.toml", "app.py"]),
        0,
    );
    assert!(!places(&report).iter().any(|(_, _, rule)| rule == "PY101"));
    secrev()
        .current_dir(dir.path())
        .args(["scan", "--config", "conf/missing.toml", "app.py"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing.toml"));
    secrev()
        .current_dir(dir.path())
        .args([
            "scan",
            "--config",
            "conf/custom.toml",
            "--no-config",
            "app.py",
        ])
        .assert()
        .code(2);
}

#[test]
fn per_file_ignores_apply_to_matching_files_only() {
    let dir = tree(&[
        (
            "secrev.toml",
            b"select = [\"PY101\"]\n\n[per-file-ignores]\n\"tests/**\" = [\"PY101\"]\n",
        ),
        ("tests/test_app.py", VULNERABLE.as_bytes()),
        ("app.py", VULNERABLE.as_bytes()),
    ]);
    let (report, _) = json_scan(secrev().current_dir(dir.path()).args(["scan", "."]), 1);
    assert_eq!(
        places(&report),
        [("app.py".to_owned(), VULNERABLE_LINE, "PY101".to_owned())]
    );
}

// ----- inline suppressions --------------------------------------------------------------------

fn with_comment(comment: &str) -> String {
    VULNERABLE.replace(
        "subprocess.call(cmd, shell=True)\n",
        &format!("subprocess.call(cmd, shell=True)  {comment}\n"),
    )
}

#[test]
fn secrev_ignore_comments_suppress() {
    for comment in [
        "# secrev: ignore[PY101]",
        "# secrev: ignore[PY999, PY101]",
        "# secrev: ignore",
    ] {
        let dir = tree(&[("app.py", with_comment(comment).as_bytes())]);
        scan_in(dir.path())
            .args(["--select", "PY101", "app.py"])
            .assert()
            .code(0)
            .stdout(predicate::str::contains(NO_DEFECTS));
    }
    // A comment naming another rule does not.
    let dir = tree(&[("app.py", with_comment("# secrev: ignore[PY102]").as_bytes())]);
    scan_in(dir.path())
        .args(["--select", "PY101", "app.py"])
        .assert()
        .code(1);
}

#[test]
fn suppression_on_the_last_line_of_a_multiline_call() {
    let source = "import subprocess\n\n\ndef run(cmd):\n    subprocess.call(\n        cmd,\n        shell=True,\n    )  # secrev: ignore[PY101]\n";
    let dir = tree(&[("app.py", source.as_bytes())]);
    scan_in(dir.path())
        .args(["--select", "PY101", "app.py"])
        .assert()
        .code(0);
}

#[test]
fn nosec_only_with_respect_nosec() {
    for comment in ["# nosec", "# nosec B602"] {
        let dir = tree(&[("app.py", with_comment(comment).as_bytes())]);
        scan_in(dir.path())
            .args(["--select", "PY101", "app.py"])
            .assert()
            .code(1)
            .stdout(predicate::str::contains("PY101"));
        scan_in(dir.path())
            .args(["--select", "PY101", "--respect-nosec", "app.py"])
            .assert()
            .code(0)
            .stdout(predicate::str::contains(NO_DEFECTS));
    }
    // A nosec for an unrelated Bandit test does not cover PY101.
    let dir = tree(&[("app.py", with_comment("# nosec B301").as_bytes())]);
    scan_in(dir.path())
        .args(["--select", "PY101", "--respect-nosec", "app.py"])
        .assert()
        .code(1);
}

// ----- filters --------------------------------------------------------------------------------

#[test]
fn min_confidence_filters_findings() {
    let dir = tree(&[("app.py", BUILT_AND_OPAQUE.as_bytes())]);
    let (report, _) = json_scan(scan_in(dir.path()).args(["--select", "PY101", "app.py"]), 1);
    assert_eq!(
        places(&report),
        [
            ("app.py".to_owned(), 5, "PY101".to_owned()),
            ("app.py".to_owned(), 9, "PY101".to_owned()),
        ]
    );
    let (report, _) = json_scan(
        scan_in(dir.path()).args(["--select", "PY101", "--min-confidence", "high", "app.py"]),
        1,
    );
    assert_eq!(
        places(&report),
        [("app.py".to_owned(), 5, "PY101".to_owned())]
    );
    for finding in common::findings(&report) {
        assert_eq!(finding["confidence"], "high");
    }
    // Only the opaque (medium-confidence) call: nothing left above the bar.
    let dir = tree(&[("app.py", VULNERABLE.as_bytes())]);
    scan_in(dir.path())
        .args(["--select", "PY101", "--min-confidence", "high", "app.py"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(NO_DEFECTS));
}

#[test]
fn exclude_skips_matching_paths() {
    let dir = tree(&[
        ("app.py", CLEAN.as_bytes()),
        ("vendor/lib.py", VULNERABLE.as_bytes()),
        ("build/gen/out.py", VULNERABLE.as_bytes()),
    ]);
    scan_in(dir.path())
        .args(["--select", "PY101", "."])
        .assert()
        .code(1);
    scan_in(dir.path())
        .args([
            "--select",
            "PY101",
            "--exclude",
            "vendor",
            "--exclude",
            "build/**",
            ".",
        ])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(NO_DEFECTS));
    // Globs on file names too.
    scan_in(dir.path())
        .args([
            "--select",
            "PY101",
            "--exclude",
            "lib.py",
            "--exclude",
            "out.py",
            ".",
        ])
        .assert()
        .code(0);
}

#[test]
fn gitignore_is_honoured_in_directory_scans() {
    let dir = tree(&[
        (".gitignore", b"generated/\nscratch_*.py\n"),
        ("app.py", CLEAN.as_bytes()),
        ("generated/api.py", VULNERABLE.as_bytes()),
        ("scratch_1.py", VULNERABLE.as_bytes()),
        ("pkg/real.py", VULNERABLE.as_bytes()),
    ]);
    let (report, _) = json_scan(scan_in(dir.path()).args(["--select", "PY101", "."]), 1);
    assert_eq!(
        places(&report),
        [(
            "pkg/real.py".to_owned(),
            VULNERABLE_LINE,
            "PY101".to_owned()
        )]
    );
    // Scanning the directory by an absolute path gives the same files.
    let (report, _) = json_scan(
        scan_in(dir.path())
            .args(["--select", "PY101"])
            .arg(dir.path()),
        1,
    );
    assert_eq!(places(&report).len(), 1);
    assert!(places(&report)[0].0.ends_with("pkg/real.py"));
}

#[test]
fn non_python_files_in_directories_are_not_scanned_but_named_files_are() {
    let dir = tree(&[
        ("notes.txt", VULNERABLE.as_bytes()),
        ("tool", VULNERABLE.as_bytes()),
        ("gui.pyw", VULNERABLE.as_bytes()),
    ]);
    let (report, _) = json_scan(scan_in(dir.path()).args(["--select", "PY101", "."]), 1);
    assert_eq!(
        places(&report),
        [("gui.pyw".to_owned(), VULNERABLE_LINE, "PY101".to_owned())]
    );
    let (report, _) = json_scan(scan_in(dir.path()).args(["--select", "PY101", "tool"]), 1);
    assert!(has_finding(&report, "PY101", "tool", VULNERABLE_LINE));
}

#[test]
fn the_same_file_named_twice_is_reported_once() {
    let dir = tree(&[("app.py", VULNERABLE.as_bytes())]);
    write(dir.path(), "other.py", CLEAN.as_bytes());
    let (report, _) = json_scan(
        scan_in(dir.path()).args(["--select", "PY101", "app.py", "app.py"]),
        1,
    );
    assert_eq!(places(&report).len(), 1);
}

#[test]
fn overlapping_paths_scan_each_file_once() {
    let dir = tree(&[
        ("app.py", VULNERABLE.as_bytes()),
        ("pkg/mod.py", VULNERABLE.as_bytes()),
    ]);
    let abs = dir.path().join("app.py");
    let (report, _) = json_scan(
        scan_in(dir.path())
            .args([
                "--select",
                "PY101",
                ".",
                "app.py",
                "./app.py",
                "pkg",
                "pkg/../pkg/mod.py",
            ])
            .arg(&abs),
        1,
    );
    assert_eq!(places(&report).len(), 2, "{report}");
}

#[test]
fn stray_comma_in_a_rule_list_is_an_error_not_every_rule() {
    let dir = tree(&[("app.py", VULNERABLE.as_bytes())]);
    for args in [["--ignore", "PY101,"], ["--ignore", ""], ["--select", ","]] {
        scan_in(dir.path())
            .args(args)
            .arg("app.py")
            .assert()
            .code(2)
            .stderr(predicate::str::contains("empty rule selector"))
            .stdout(predicate::str::contains(NO_DEFECTS).not());
    }
    let dir = tree(&[
        ("secrev.toml", b"ignore = [\"\"]\n"),
        ("app.py", VULNERABLE.as_bytes()),
    ]);
    secrev()
        .current_dir(dir.path())
        .args(["scan", "."])
        .assert()
        .code(2);
}
