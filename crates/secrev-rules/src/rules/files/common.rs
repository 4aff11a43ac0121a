//! Questions several files rules ask.

use secrev_ir::{Value, ValueKind};

/// Calls that turn a fixed path into another fixed path.
const PATH_FUNCTIONS: &[&str] = &[
    "os.path.join",
    "os.path.dirname",
    "os.path.abspath",
    "os.path.realpath",
    "os.path.normpath",
    "pathlib.Path",
    "pathlib.PurePath",
    "builtins.open",
    "io.open",
];

/// Whether a value is a constant, or a path fixed by the program itself: `__file__`, constants,
/// and `os.path.join` / `dirname` / `Path(...)` / `/` / `open(...)` over them. Such inputs (a
/// document shipped next to the module) are the program's own, not outside data.
pub(super) fn is_fixed_input(value: &Value) -> bool {
    fixed(value, 0)
}

fn fixed(value: &Value, depth: usize) -> bool {
    if depth > 8 {
        return false;
    }
    if value.is_constant() {
        return true;
    }
    let value = value.resolved();
    match &value.kind {
        // `__file__`, `Path(__file__).parent`, `pathlib.Path(__file__).resolve().parent`...
        ValueKind::Ref { path, .. } => path == "__file__" || path.contains("(__file__)"),
        ValueKind::Call(call) => {
            call.is_any(PATH_FUNCTIONS)
                && !call.star_args
                && !call.args.is_empty()
                && call.args.iter().all(|a| fixed(a, depth + 1))
        }
        ValueKind::Operation { op: "/", operands } => operands.iter().all(|o| fixed(o, depth + 1)),
        _ => false,
    }
}
