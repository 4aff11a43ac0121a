//! Scanning C and C++ beside Python: discovery, language dispatch, rules per language and
//! syntax-error diagnostics.

use secrev_core::DiagnosticKind;
use secrev_engine::{discover, scan, FileConfig};

#[test]
fn c_and_cpp_files_are_scanned_with_their_own_rules() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let files = [
        // A header shared by C++ sources: read as C++ (`class`).
        ("native/store.h", "class Store { public: void run(const char *cmd); };\n"),
        (
            "native/store.cpp",
            "#include \"store.h\"\nvoid Store::run(const char *cmd) {\n    char buf[16];\n    strcpy(buf, cmd);\n    std::string line = std::string(\"echo \") + cmd;\n    system(line.c_str());\n}\n",
        ),
        // Code the grammar cannot read around a defect it can.
        (
            "native/broken.c",
            "void f(const char *s) {\n    char b[8];\n    MACRO(x y z) +;\n    strcpy(b, s);\n}\n",
        ),
        // A Python file using the C function names: no C rule runs on it.
        ("tool.py", "import os\n\ndef run(cmd):\n    os.system(cmd)\n"),
    ];
    for (path, text) in files {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    let settings = FileConfig::default().resolve(None).expect("settings");
    let found = discover(&[root.to_path_buf()], &settings.exclude);
    assert_eq!(found.files.len(), 4);
    let outcome = scan(&found.files, &settings, 1, &|| {});
    assert_eq!(outcome.files_scanned, 4);
    let rules_in = |suffix: &str| -> Vec<String> {
        outcome
            .findings
            .iter()
            .filter(|f| f.path.ends_with(suffix))
            .map(|f| f.rule_id.clone())
            .collect()
    };
    assert_eq!(rules_in("store.cpp"), ["C101", "C501"]);
    assert_eq!(rules_in("broken.c"), ["C101"]);
    assert!(rules_in("tool.py").iter().all(|id| id.starts_with("PY")));
    assert!(!rules_in("tool.py").is_empty());
    let syntax: Vec<&str> = outcome
        .diagnostics
        .iter()
        .filter(|d| d.kind == DiagnosticKind::Syntax)
        .map(|d| d.path.as_str())
        .collect();
    assert_eq!(syntax.len(), 1, "{:?}", outcome.diagnostics);
    assert!(syntax[0].ends_with("broken.c"));
}
