//! Small questions many rules ask about calls and values.

use crate::Context;
use secrev_ir::{Call, Value};

/// Where a value that reaches a dangerous parameter comes from, as far as this file shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provenance {
    /// Fully known at analysis time: literals and names bound to them.
    Constant,
    /// A string assembled at run time (`+`, `%`, `.format`, f-string, `join`) from at least one
    /// piece that is not constant: the classic shape of injection.
    Built,
    /// Something the analysis cannot see into: a parameter, an attribute, a call's result.
    Opaque,
}

/// Classifies a value by [`Provenance`].
pub fn provenance(value: &Value) -> Provenance {
    if value.is_constant() {
        Provenance::Constant
    } else if value.is_dynamic_string() {
        Provenance::Built
    } else {
        Provenance::Opaque
    }
}

/// Whether an argument is present and known to be truthy (`shell=True`, `debug=1`).
pub fn is_truthy(value: Option<&Value>) -> bool {
    value.and_then(Value::as_bool) == Some(true)
}

/// Whether an argument is present and known to be falsy (`verify=False`).
pub fn is_falsy(value: Option<&Value>) -> bool {
    value.and_then(Value::as_bool) == Some(false)
}

/// The code of a value, in backticks, for a message.
pub fn quote(ctx: &Context, value: &Value) -> String {
    format!("`{}`", ctx.code(value.span))
}

/// The name a call is known by in messages: its qualified name when resolved, else as written.
pub fn call_name(call: &Call) -> &str {
    call.callee
        .qualname
        .as_deref()
        .unwrap_or(call.callee.text.as_str())
}

/// Whether a path is documentation or example code a reader copies from: a file under a
/// `doc`/`docs`/`snippets`/`examples`/`example` directory. Credentials written there are
/// placeholders for the reader's own.
pub fn is_documentation_path(path: &str) -> bool {
    let path = path.replace('\\', "/");
    path.split('/')
        .rev()
        .skip(1)
        .any(|d| matches!(d, "doc" | "docs" | "snippets" | "examples" | "example"))
}

/// Whether a path is test code: a file under a `tests`/`test`/`testing` directory, or named
/// `test_*.py`, `*_test.py`, `tests.py`, `test.py` or `conftest.py`, or (C and C++) `tst_*`,
/// `*_test` or `*_unittest` sources. Test code does not ship, so the engine caps the
/// severity of its findings, and rules about fixtures (hard-coded credentials) skip it.
pub fn is_test_path(path: &str) -> bool {
    let path = path.replace('\\', "/");
    let file = path.rsplit('/').next().unwrap_or(&path);
    let stem = file.rsplit_once('.').map_or(file, |(stem, _)| stem);
    let is_c_family = file.rsplit_once('.').is_some_and(|(_, ext)| {
        matches!(ext, "c" | "cc" | "cpp" | "cxx" | "h" | "hh" | "hpp" | "hxx")
    });
    file.starts_with("test_")
        || file.ends_with("_test.py")
        || matches!(file, "conftest.py" | "tests.py" | "test.py")
        // C and C++: Qt's `tst_*.cpp`, googletest's `*_test.cc` and `*_unittest.cc`.
        || (is_c_family
            && (stem.starts_with("tst_") || stem.ends_with("_test") || stem.ends_with("_unittest")))
        || path
            .split('/')
            .rev()
            .skip(1)
            .any(|d| d == "tests" || d == "test" || d == "testing")
}

/// Logger methods that record a message.
const LOG_METHODS: &[&str] = &[
    "debug",
    "info",
    "warning",
    "warn",
    "error",
    "exception",
    "critical",
    "log",
];

/// A call that only reports: `LOG.warning(...)`, `logging.error(...)`, `print(...)`,
/// `warnings.warn(...)`, `traceback.print_exc()`. Such calls neither raise on ordinary values nor
/// wait on anything.
pub fn is_logging_call(call: &Call) -> bool {
    let q = call.qualname();
    if q.starts_with("logging.")
        || q.starts_with("traceback.")
        || matches!(q, "builtins.print" | "warnings.warn")
    {
        return true;
    }
    call.callee.method.as_deref().is_some_and(|m| {
        LOG_METHODS.contains(&m) && call.callee.text.to_ascii_lowercase().contains("log")
    })
}

/// The dotted module name of a file (`pkg/views.py` → `pkg.views`, `pkg/__init__.py` → `pkg`),
/// from the directories that can be package names.
pub fn module_name(shown: &str) -> String {
    let without = shown
        .strip_suffix(".py")
        .or_else(|| shown.strip_suffix(".pyi"))
        .unwrap_or(shown);
    let parts: Vec<&str> = without.split(['/', '\\']).collect();
    let mut names: Vec<&str> = parts
        .iter()
        .rev()
        .take_while(|p| is_identifier(p))
        .copied()
        .collect();
    names.reverse();
    if names.last() == Some(&"__init__") {
        names.pop();
    }
    names.join(".")
}

fn is_identifier(part: &str) -> bool {
    let mut chars = part.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_')
}
