//! Where the program and its arguments are in the calls that start a process.

use secrev_ir::{Call, Value, ValueKind};

/// A process start through `os.exec*`, `os.spawn*` or `os.posix_spawn*`.
pub(super) struct OsStart<'c> {
    /// The program path or name.
    pub program: &'c Value,
    /// The argument vector (`argv[0]` first), when every item is visible.
    pub argv: Option<Vec<&'c Value>>,
    /// Whether the program is looked up on `PATH` (the `p` variants).
    pub searches_path: bool,
}

/// Reads an `os.exec*` / `os.spawn*` / `os.posix_spawn*` call.
pub(super) fn os_start(call: &Call) -> Option<OsStart<'_>> {
    let name = call.qualname().strip_prefix("os.")?;
    if let Some(variant) = name.strip_prefix("posix_spawn") {
        if !matches!(variant, "" | "p") {
            return None;
        }
        return Some(OsStart {
            program: call.arg(0, "path")?,
            argv: call.arg(1, "argv").and_then(items),
            searches_path: variant == "p",
        });
    }
    let (program_at, variant) = match (name.strip_prefix("exec"), name.strip_prefix("spawn")) {
        (Some(v), _) => (0, v),
        (_, Some(v)) => (1, v),
        _ => return None,
    };
    if !matches!(
        variant,
        "l" | "le" | "lp" | "lpe" | "v" | "ve" | "vp" | "vpe"
    ) {
        return None;
    }
    let program = call.args.get(program_at)?;
    let argv = if variant.starts_with('l') {
        let end = call.args.len() - usize::from(variant.ends_with('e'));
        (!call.star_args && end > program_at)
            .then(|| call.args[program_at + 1..end].iter().collect())
    } else {
        call.args.get(program_at + 1).and_then(items)
    };
    Some(OsStart {
        program,
        argv,
        searches_path: variant.contains('p'),
    })
}

/// The items of a list or tuple value (followed through a name bound once).
pub(super) fn items(value: &Value) -> Option<Vec<&Value>> {
    match &value.resolved().kind {
        ValueKind::List(items) | ValueKind::Tuple(items) => Some(items.iter().collect()),
        _ => None,
    }
}

/// The file name of a program path, lower-cased and without a Windows `.exe`.
pub(super) fn program_basename(path: &str) -> String {
    let base = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let lower = base.to_ascii_lowercase();
    lower.strip_suffix(".exe").unwrap_or(&lower).to_owned()
}
