//! Hostile and broken inputs: every one is reported on standard error, never panics the scan,
//! and never hides the findings of a vulnerable file scanned beside it.

mod common;

use common::{
    diagnostics, exit_code, has_finding, json_scan, scan_in, tree, write, CLEAN, NO_DEFECTS,
    VULNERABLE, VULNERABLE_LINE,
};
use std::path::Path;

/// Scans `dir` (`--select PY101`, JSON) expecting `expected`, checks the sibling `vuln.py` is still
/// reported, and returns the report and standard error.
fn scan_with_sibling(dir: &Path, args: &[&str], expected: i32) -> (serde_json::Value, String) {
    write(dir, "vuln.py", VULNERABLE.as_bytes());
    let (report, stderr) = json_scan(
        scan_in(dir).args(["--select", "PY101"]).args(args),
        expected,
    );
    assert!(
        has_finding(&report, "PY101", "vuln.py", VULNERABLE_LINE),
        "the vulnerable sibling is not reported: {report}\nstderr:\n{stderr}"
    );
    (report, stderr)
}

/// Deterministic pseudo-random bytes (xorshift), with NULs sprinkled in.
fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed | 1;
    (0..len)
        .map(|i| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            if i % 97 == 3 {
                0
            } else {
                (state >> 24) as u8
            }
        })
        .collect()
}

fn diagnostic_for<'a>(report: &'a serde_json::Value, file: &str) -> Vec<&'a serde_json::Value> {
    diagnostics(report)
        .iter()
        .filter(|d| common::same_file(d["path"].as_str().unwrap_or(""), file))
        .collect()
}

#[test]
fn binary_files_are_skipped_with_a_warning() {
    let dir = tree(&[
        ("blob.py", &noise(20_000, 1)),
        ("data.bin", &noise(4_096, 2)),
        ("pkg/__init__.py", &noise(300, 3)),
        ("pkg/image.png", &noise(10_000, 4)),
        ("nul_late.py", &[CLEAN.as_bytes(), b"\0\0\0"].concat()),
    ]);
    let (report, stderr) = scan_with_sibling(dir.path(), &["."], 1);
    for file in ["blob.py", "pkg/__init__.py", "nul_late.py"] {
        assert!(
            stderr.contains(file) && !diagnostic_for(&report, file).is_empty(),
            "no warning for {file}; stderr:\n{stderr}"
        );
    }
    assert!(stderr.contains("binary"), "{stderr}");
    // Only Python files are looked at in a directory walk.
    assert!(
        !stderr.contains("data.bin") && !stderr.contains("image.png"),
        "{stderr}"
    );
    // Named explicitly, a binary non-Python file is skipped with a warning too.
    let (_, stderr) = scan_with_sibling(dir.path(), &["data.bin", "vuln.py"], 1);
    assert!(stderr.contains("data.bin"), "{stderr}");
}

#[test]
fn invalid_utf8_is_scanned_with_a_warning() {
    let mut source = b"# caf\xe9 \xff\xfe\n".to_vec();
    source.extend_from_slice(VULNERABLE.as_bytes());
    let dir = tree(&[("latin1.py", &source)]);
    let (report, stderr) = scan_with_sibling(dir.path(), &["."], 1);
    assert!(stderr.contains("latin1.py"), "{stderr}");
    assert!(stderr.contains("UTF-8"), "{stderr}");
    // The rest of the file is still analysed (one line further down).
    assert!(
        has_finding(&report, "PY101", "latin1.py", VULNERABLE_LINE + 1),
        "{report}"
    );
}

#[test]
fn a_5_mb_file_is_scanned_to_the_end() {
    let mut source = String::from("import os\nimport subprocess\n\n\n");
    let mut n = 0;
    while source.len() < 5 * 1024 * 1024 {
        source.push_str(&format!(
            "def helper_{n}(values, scale={n}):\n    total = 0\n    for v in values:\n        total += v * scale - {n} // 3\n    name = \"item-{n}\".upper().strip()\n    return {{\"name\": name, \"total\": total, \"path\": os.path.join(\"a\", name)}}\n\n\n"
        ));
        n += 1;
    }
    source.push_str("def run(cmd):\n    subprocess.call(cmd, shell=True)\n");
    let last_line = source.lines().count() as u64;
    let dir = tree(&[("big.py", source.as_bytes())]);
    let (report, stderr) = scan_with_sibling(dir.path(), &["."], 1);
    assert!(
        has_finding(&report, "PY101", "big.py", last_line),
        "the finding at the end of the big file (line {last_line}) is lost: {report}\n{stderr}"
    );
    assert!(diagnostic_for(&report, "big.py").is_empty(), "{stderr}");
}

#[test]
fn files_over_max_file_size_are_skipped_with_a_warning() {
    let dir = tree(&[
        ("secrev.toml", b"max-file-size = 1000\n"),
        ("big.py", "x = 1\n".repeat(1000).as_bytes()),
    ]);
    // A config file in the scanned tree: run without --no-config.
    write(dir.path(), "vuln.py", VULNERABLE.as_bytes());
    let output = common::secrev()
        .current_dir(dir.path())
        .args(["scan", "--select", "PY101", "--format", "json", "."])
        .output()
        .expect("run secrev");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(exit_code(&output), 1, "{stderr}");
    assert!(
        stderr.contains("big.py") && stderr.contains("max-file-size"),
        "{stderr}"
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert!(has_finding(&report, "PY101", "vuln.py", VULNERABLE_LINE));
}

fn nested(open: &str, inner: &str, close: &str, depth: usize) -> String {
    format!("x = {}{inner}{}\n", open.repeat(depth), close.repeat(depth))
}

/// `source` followed by a vulnerable function, so that findings after the deep part are checked.
fn deep_then_vulnerable(source: &str) -> Vec<u8> {
    let line = source.lines().count() as u64 + VULNERABLE_LINE;
    assert!(line > VULNERABLE_LINE);
    format!("{source}{VULNERABLE}").into_bytes()
}

#[test]
fn deeply_nested_expressions_do_not_crash() {
    let cases = [
        ("parens.py", nested("(", "1", ")", 2000)),
        ("lists.py", nested("[", "1", "]", 2000)),
        ("dicts.py", nested("{'k': ", "1", "}", 2000)),
        ("calls.py", nested("f(", "1", ")", 2000)),
        ("unary.py", format!("x = {}1\n", "-".repeat(2000))),
        ("sum.py", format!("x = a{}\n", "+a".repeat(2000))),
        ("attrs.py", format!("x = a{}\n", ".b".repeat(2000))),
        ("lambdas.py", format!("f = {}0\n", "lambda: ".repeat(2000))),
    ];
    for (name, source) in &cases {
        let dir = tree(&[(*name, &deep_then_vulnerable(source))]);
        let (report, stderr) = scan_with_sibling(dir.path(), &["."], 1);
        assert!(
            has_finding(
                &report,
                "PY101",
                name,
                source.lines().count() as u64 + VULNERABLE_LINE
            ),
            "{name}: the finding after the deep expression is lost: {report}\n{stderr}"
        );
        // Redundant parentheses make no syntax-tree nodes: that file is analysed completely.
        // Every other one is cut short, and says so.
        if *name != "parens.py" {
            assert!(
                stderr.contains(name) && stderr.contains("nested too deeply"),
                "{name}: no warning about the skipped depths:\n{stderr}"
            );
            assert!(
                diagnostic_for(&report, name)
                    .iter()
                    .any(|d| d["kind"] == "too_deep"),
                "{name}: {report}"
            );
        }
    }
}

#[test]
fn deeply_nested_blocks_do_not_crash() {
    let mut source = String::new();
    for depth in 0..2000 {
        source.push_str(&" ".repeat(depth));
        source.push_str(&format!("if x{depth}:\n"));
    }
    source.push_str(&" ".repeat(2000));
    source.push_str("pass\n");
    let dir = tree(&[("ifs.py", source.as_bytes())]);
    let (report, stderr) = scan_with_sibling(dir.path(), &["."], 1);
    // Deep enough to be skipped in part, or a syntax error: either way it is said.
    assert!(
        !diagnostic_for(&report, "ifs.py").is_empty() && stderr.contains("ifs.py"),
        "no diagnostic for the 2000-deep blocks: {report}\n{stderr}"
    );

    // A vulnerable call at the deepest level is found or the file is reported as too deep.
    let mut source = String::from("import subprocess\n\n\ndef run(cmd):\n");
    for depth in 1..=300 {
        source.push_str(&"    ".repeat(depth));
        source.push_str("if cmd:\n");
    }
    source.push_str(&"    ".repeat(301));
    source.push_str("subprocess.call(cmd, shell=True)\n");
    let dir = tree(&[("deep_call.py", source.as_bytes())]);
    let (report, stderr) = scan_with_sibling(dir.path(), &["."], 1);
    assert!(
        has_finding(&report, "PY101", "deep_call.py", 305)
            || !diagnostic_for(&report, "deep_call.py").is_empty(),
        "{report}\n{stderr}"
    );
}

#[test]
fn unreadable_file_exits_2_and_the_rest_is_still_scanned() {
    let dir = tree(&[("secret.py", VULNERABLE.as_bytes())]);
    let secret = dir.path().join("secret.py");
    set_mode(&secret, 0o000);
    if std::fs::read(&secret).is_ok() {
        // Running as root (or on a file system without permissions): nothing is unreadable.
        eprintln!(
            "skipped: {} is still readable after chmod 000",
            secret.display()
        );
        set_mode(&secret, 0o644);
        return;
    }
    let (report, stderr) = scan_with_sibling(dir.path(), &["."], 2);
    set_mode(&secret, 0o644);
    assert!(stderr.contains("secret.py"), "{stderr}");
    assert!(!diagnostic_for(&report, "secret.py").is_empty(), "{report}");
}

#[test]
fn unreadable_directory_exits_2_and_the_rest_is_still_scanned() {
    let dir = tree(&[("locked/inner.py", VULNERABLE.as_bytes())]);
    let locked = dir.path().join("locked");
    set_mode(&locked, 0o000);
    if std::fs::read_dir(&locked).is_ok() {
        eprintln!(
            "skipped: {} is still readable after chmod 000",
            locked.display()
        );
        set_mode(&locked, 0o755);
        return;
    }
    let (_, stderr) = scan_with_sibling(dir.path(), &["."], 2);
    set_mode(&locked, 0o755);
    assert!(stderr.contains("locked"), "{stderr}");
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

#[cfg(not(unix))]
fn set_mode(path: &Path, mode: u32) {
    let mut permissions = std::fs::metadata(path).expect("metadata").permissions();
    permissions.set_readonly(mode & 0o200 == 0);
    std::fs::set_permissions(path, permissions).expect("set permissions");
}

#[test]
fn syntax_errors_warn_with_a_line_and_the_rest_is_scanned() {
    let source = format!("{VULNERABLE}\n\ndef broken(:\n    return )\n\n\nx = [1, 2\n");
    let dir = tree(&[("broken.py", source.as_bytes())]);
    let (report, stderr) = scan_with_sibling(dir.path(), &["."], 1);
    // The call before the error is reported.
    assert!(
        has_finding(&report, "PY101", "broken.py", VULNERABLE_LINE),
        "{report}"
    );
    // A warning naming the file and the line of the first error (line 8).
    let warning = stderr
        .lines()
        .find(|l| l.contains("broken.py") && l.contains("syntax"))
        .unwrap_or_else(|| panic!("no syntax warning on stderr:\n{stderr}"));
    assert!(warning.contains("broken.py:8:"), "{warning}");
    let syntax = diagnostic_for(&report, "broken.py");
    assert_eq!(syntax.len(), 1, "{report}");
    assert_eq!(syntax[0]["span"]["start"]["line"], 8);
}

#[test]
fn code_after_a_syntax_error_is_still_scanned() {
    let source = format!("def broken(:\n    pass\n\n\n{VULNERABLE}");
    let dir = tree(&[("after.py", source.as_bytes())]);
    let (report, stderr) = scan_with_sibling(dir.path(), &["."], 1);
    assert!(stderr.contains("after.py:1:"), "{stderr}");
    assert!(
        has_finding(&report, "PY101", "after.py", VULNERABLE_LINE + 4),
        "{report}"
    );
}

#[test]
fn quiet_hides_warnings_but_keeps_them_in_the_report() {
    let dir = tree(&[("broken.py", b"def broken(:\n")]);
    let (report, stderr) = scan_with_sibling(dir.path(), &["--quiet", "."], 1);
    assert!(!stderr.contains("broken.py"), "{stderr}");
    assert!(!diagnostic_for(&report, "broken.py").is_empty());
}

#[test]
fn empty_and_bom_only_files_are_clean() {
    let dir = tree(&[
        ("empty.py", b""),
        ("bom.py", b"\xef\xbb\xbf"),
        ("bom_newline.py", b"\xef\xbb\xbf\n"),
        ("blank.py", b"\n\n   \n"),
        ("comment.py", b"# just a comment"),
    ]);
    let files = [
        "empty.py",
        "bom.py",
        "bom_newline.py",
        "blank.py",
        "comment.py",
    ];
    let output = scan_in(dir.path())
        .args(files)
        .output()
        .expect("run secrev");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(exit_code(&output), 0, "{stdout}");
    assert!(stdout.contains(NO_DEFECTS), "{stdout}");
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let with_sibling = [&files[..], &["vuln.py"]].concat();
    let (report, _) = scan_with_sibling(dir.path(), &with_sibling, 1);
    assert!(diagnostics(&report).is_empty(), "{report}");
    assert_eq!(common::places(&report).len(), 1);
}

#[test]
fn bom_does_not_shift_columns() {
    let source = format!("\u{feff}{VULNERABLE}");
    let dir = tree(&[
        ("bom.py", source.as_bytes()),
        ("plain.py", VULNERABLE.as_bytes()),
    ]);
    let (report, _) = json_scan(scan_in(dir.path()).args(["--select", "PY101", "."]), 1);
    let spans: Vec<&serde_json::Value> = common::findings(&report)
        .iter()
        .map(|f| &f["span"])
        .collect();
    assert_eq!(spans.len(), 2, "{report}");
    assert_eq!(spans[0], spans[1], "{report}");
}

#[test]
fn crlf_line_endings_give_the_right_lines() {
    let lf = format!("\n\n{VULNERABLE}\n\ndef again(c):\n    subprocess.call(c, shell=True)\n");
    let crlf = lf.replace('\n', "\r\n");
    let cr = lf.replace('\n', "\r");
    let dir = tree(&[
        ("crlf.py", crlf.as_bytes()),
        ("lf.py", lf.as_bytes()),
        ("cr.py", cr.as_bytes()),
    ]);
    let (report, stderr) = json_scan(scan_in(dir.path()).args(["--select", "PY101", "."]), 1);
    let spans_of = |file: &str| -> Vec<serde_json::Value> {
        common::findings(&report)
            .iter()
            .filter(|f| f["path"] == file)
            .map(|f| f["span"].clone())
            .collect()
    };
    let lf_spans = spans_of("lf.py");
    let lines: Vec<u64> = lf_spans
        .iter()
        .map(|s| s["start"]["line"].as_u64().expect("line"))
        .collect();
    assert_eq!(
        lines,
        [VULNERABLE_LINE + 2, VULNERABLE_LINE + 6],
        "{report}"
    );
    assert_eq!(spans_of("crlf.py"), lf_spans, "{report}\n{stderr}");
    assert_eq!(spans_of("cr.py"), lf_spans, "{report}\n{stderr}");
    for span in &lf_spans {
        assert_eq!(span["start"]["line"], span["end"]["line"], "{span}");
        assert_eq!(span["start"]["column"], 5, "{span}");
    }
}

#[test]
fn text_output_survives_odd_input() {
    // The text renderer quotes source lines: give it long lines, tabs, control characters and
    // wide characters around a finding.
    let source = format!(
        "import subprocess\n\n\ndef run(cmd):\n\tsubprocess.call(cmd, shell=True)  # {}\u{1b}[31m 漢字 é\u{7}\n",
        "x".repeat(5000)
    );
    let dir = tree(&[("odd.py", source.as_bytes())]);
    let output = scan_in(dir.path())
        .args(["--select", "PY101", "odd.py"])
        .output()
        .expect("run secrev");
    assert_eq!(exit_code(&output), 1);
    assert!(String::from_utf8_lossy(&output.stdout).contains("PY101"));
}

#[test]
fn special_files_named_on_the_command_line_do_not_hang_or_crash() {
    if !Path::new("/dev/null").exists() {
        return;
    }
    let dir = tree(&[]);
    let (report, stderr) = scan_with_sibling(dir.path(), &["/dev/null", "vuln.py"], 1);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(common::places(&report).len(), 1);
}

#[test]
fn deeply_nested_c_and_cpp_do_not_crash() {
    // A defect after the deep part must still be found.
    let tail = "\nvoid copy(const char *s)\n{\n    char b[8];\n    strcpy(b, s);\n}\n";
    let deep = |open: &str, close: &str, depth: usize| {
        format!("{}1{}", open.repeat(depth), close.repeat(depth))
    };
    let cases = [
        (
            "parens.c",
            format!("int f(void) {{ return {}; }}\n", deep("(", ")", 100_000)),
        ),
        (
            "sum.c",
            format!("int f(int a) {{ return a{}; }}\n", "+a".repeat(100_000)),
        ),
        (
            "chain.c",
            format!(
                "int g(int x) {{\n{}    return -1;\n}}\n",
                (0..5000)
                    .map(|i| format!("    if (x == {i}) return {i}; else\n"))
                    .collect::<String>()
            ),
        ),
        (
            "blocks.cpp",
            format!("void h() {}\n", deep("{", "}", 50_000).replace('1', "")),
        ),
        (
            "macro.h",
            format!("#define X(a) a\n{}\n", "X(".repeat(30_000)),
        ),
    ];
    for (name, source) in &cases {
        let text = format!("{source}{tail}");
        let dir = tree(&[(*name, text.as_bytes())]);
        let (report, stderr) = json_scan(scan_in(dir.path()).args(["--select", "C101", "."]), 1);
        let line = source.lines().count() as u64 + 5;
        assert!(
            has_finding(&report, "C101", name, line),
            "{name}: the finding after the deep code is lost: {report}\n{stderr}"
        );
    }
}
