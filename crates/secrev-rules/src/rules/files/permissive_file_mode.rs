//! PY502 `permissive-file-mode`: a file, directory or umask given a constant mode that lets
//! other users write.

use crate::helpers::{call_name, quote};
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{ByteSpan, Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{Call, Op, Value, ValueKind};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY502",
        name: "permissive-file-mode",
        title: "World-writable permission mode",
        cwe: 732,
        category: Category::ImproperAccess,
        severity: Severity::High,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Finds `os.chmod`, `os.fchmod`, `os.lchmod` and `.chmod(...)` methods (`pathlib.Path`, \
                   SFTP clients) whose constant mode, including `stat.S_*` flags combined with `|` or `+`, \
                   grants write permission to other users (`0o002`), and `os.umask` calls that leave that \
                   bit unmasked. `os.open`, `os.mkdir`, `os.makedirs`, `Path.mkdir` and `Path.touch` are \
                   reported only after such a umask in the same function or module, because their mode is \
                   otherwise filtered by the umask. Execute permission for others on a path named like a \
                   data file (`.json`, `.key`, `.log`...) is reported at low severity.",
            why: "A file or directory that any local account can write lets every other user of the host, \
                  including compromised low-privilege services, replace configuration, code or data the \
                  application later trusts, or delete and swap files in a directory. A permissive umask \
                  does the same to everything the process creates afterwards.",
            example: "os.chmod(SOCKET_PATH, 0o777)\nos.chmod(key_file, stat.S_IRWXU | stat.S_IWOTH)",
            fix: "os.chmod(SOCKET_PATH, 0o770)  # owner and group only\nos.chmod(key_file, stat.S_IRUSR | stat.S_IWUSR)",
            references: &[
                "https://cwe.mitre.org/data/definitions/732.html",
                "https://docs.python.org/3/library/os.html#os.chmod",
                "https://docs.python.org/3/library/stat.html#stat.S_IWOTH",
            ],
        },
    },
    hooks: Hooks {
        call: Some(check),
        ..Hooks::NONE
    },
};

const OTHERS_WRITE: i128 = 0o002;
const GROUP_OTHERS_WRITE: i128 = 0o022;
const EXECUTE_ALL: i128 = 0o111;
const OTHERS_EXECUTE: i128 = 0o001;
const STICKY: i128 = 0o1000;

/// The values of the `stat` module's permission constants.
const STAT_BITS: &[(&str, i128)] = &[
    ("stat.S_ISUID", 0o4000),
    ("stat.S_ISGID", 0o2000),
    ("stat.S_ISVTX", 0o1000),
    ("stat.S_IRWXU", 0o700),
    ("stat.S_IRUSR", 0o400),
    ("stat.S_IWUSR", 0o200),
    ("stat.S_IXUSR", 0o100),
    ("stat.S_IREAD", 0o400),
    ("stat.S_IWRITE", 0o200),
    ("stat.S_IEXEC", 0o100),
    ("stat.S_IRWXG", 0o070),
    ("stat.S_IRGRP", 0o040),
    ("stat.S_IWGRP", 0o020),
    ("stat.S_IXGRP", 0o010),
    ("stat.S_IRWXO", 0o007),
    ("stat.S_IROTH", 0o004),
    ("stat.S_IWOTH", 0o002),
    ("stat.S_IXOTH", 0o001),
];

/// Extensions of files that hold data, never programs: execute permission on them is a mistake.
const DATA_EXTENSIONS: &[&str] = &[
    ".json", ".yaml", ".yml", ".toml", ".ini", ".cfg", ".conf", ".env", ".txt", ".log", ".csv",
    ".xml", ".db", ".sqlite", ".sqlite3", ".pem", ".key", ".crt", ".p12", ".pfx", ".pid", ".lock",
    ".dat", ".html",
];

/// Calls that change the mode of an existing path: (qualified name, mode position).
const CHMOD_CALLS: &[(&str, usize)] = &[("os.chmod", 1), ("os.lchmod", 1), ("os.fchmod", 1)];

/// Calls whose mode is filtered through the umask: (qualified name, mode position).
const UMASKED_CALLS: &[(&str, usize)] = &[
    ("os.open", 2),
    ("os.mkdir", 1),
    ("os.makedirs", 1),
    ("pathlib.Path().mkdir", 0),
    ("pathlib.Path().touch", 0),
];

/// Folds a permission mode written as an integer, `stat` constants, or `|`/`+`/`&`/`~` over them.
fn fold_mode(value: &Value) -> Option<i128> {
    let value = value.resolved();
    if let Some(i) = value.as_int() {
        return Some(i);
    }
    if let Some(q) = value.qualname() {
        return STAT_BITS.iter().find(|(n, _)| *n == q).map(|(_, v)| *v);
    }
    let ValueKind::Operation { op, operands } = &value.kind else {
        return None;
    };
    let folded: Option<Vec<i128>> = operands.iter().map(fold_mode).collect();
    let folded = folded?;
    match (*op, folded.as_slice()) {
        ("~", [x]) => Some(!x & 0o7777),
        ("|", [_, ..]) => Some(folded.iter().fold(0, |a, b| a | b)),
        ("+", [_, ..]) => Some(folded.iter().sum()),
        ("&", [first, rest @ ..]) => Some(rest.iter().fold(*first, |a, b| a & b)),
        ("^", [first, rest @ ..]) => Some(rest.iter().fold(*first, |a, b| a ^ b)),
        _ => None,
    }
}

fn octal(mode: i128) -> String {
    format!("0o{mode:03o}")
}

/// The call as named in messages: `pathlib.Path(...).chmod` rather than `pathlib.Path().chmod`.
fn display_name(call: &Call) -> String {
    call_name(call).replace("().", "(...).")
}

/// The mode in octal, followed by the code that wrote it when that is not the same literal.
fn shown_mode(ctx: &Context, value: &Value, mode: i128) -> String {
    let code = ctx.code(value.span);
    if code == octal(mode) || code == format!("{mode:#o}") {
        octal(mode)
    } else {
        format!("{} (`{code}`)", octal(mode))
    }
}

fn check(ctx: &Context, call: &Call, out: &mut Reporter) {
    if call.is_any(&["os.umask"]) {
        check_umask(ctx, call, out);
        return;
    }
    if let Some(&(_, pos)) = UMASKED_CALLS.iter().find(|(q, _)| call.is_any(&[q])) {
        check_umasked(ctx, call, pos, out);
        return;
    }
    let mode = match CHMOD_CALLS.iter().find(|(q, _)| call.is_any(&[q])) {
        Some(&(_, pos)) => call.arg(pos, "mode"),
        None if call.callee.method.as_deref() == Some("chmod") && call.qualname() != "os.chmod" => {
            // `Path(p).chmod(mode)`, or `sftp.chmod(path, mode)` on clients that take the path.
            if call.args.len() >= 2 {
                call.arg(1, "mode")
            } else {
                call.arg(0, "mode")
            }
        }
        None => None,
    };
    let Some(mode_value) = mode else {
        return;
    };
    let Some(mode) = fold_mode(mode_value) else {
        return;
    };
    let name = display_name(call);
    let target = chmod_target(ctx, call);
    if mode & OTHERS_WRITE != 0 {
        if mode & STICKY != 0 {
            // `0o1777`: a deliberately shared directory like /tmp, where the sticky bit keeps
            // users from removing each other's files.
            return;
        }
        let safer = mode & !GROUP_OTHERS_WRITE;
        out.report(
            call.span,
            format!("`{name}` gives {target} mode {}, which lets every local user write to it.", shown_mode(ctx, mode_value, mode)),
            format!("Drop the others-write bit: use mode {} (or tighter, such as `0o600` for a file only this service reads) in this `{name}` call.", octal(safer)),
        );
        return;
    }
    if mode & OTHERS_EXECUTE != 0 && looks_like_data_file(call) {
        out.report(
            call.span,
            format!(
                "`{name}` makes the data file {target} executable by every user (mode {}).",
                octal(mode)
            ),
            format!(
                "Use mode {} for this file: it holds data and needs no execute bits.",
                octal(mode & !EXECUTE_ALL)
            ),
        )
        .severity(Severity::Low)
        .confidence(Confidence::Medium);
    }
}

/// `path.chmod(mode)`: the changed path is the receiver, not an argument.
fn path_is_receiver(call: &Call) -> bool {
    call.callee.method.as_deref() == Some("chmod")
        && !CHMOD_CALLS.iter().any(|(q, _)| call.qualname() == *q)
        && call.args.len() < 2
}

/// How the changed path is named in messages.
fn chmod_target(ctx: &Context, call: &Call) -> String {
    let path = if path_is_receiver(call) {
        call.callee.receiver.as_deref()
    } else {
        call.arg(0, "path")
    };
    path.map_or_else(|| "the path".to_owned(), |p| quote(ctx, p))
}

/// The path given to a chmod call, as a string template, when known.
fn target_text(call: &Call) -> Option<String> {
    if path_is_receiver(call) {
        // `Path("x.json").chmod(...)`: the path is the constructor's argument.
        let receiver = call.callee.receiver.as_deref()?;
        let ctor = receiver.as_call()?;
        return ctor.args.first()?.template();
    }
    call.arg(0, "path")?.template()
}

fn looks_like_data_file(call: &Call) -> bool {
    target_text(call).is_some_and(|text| {
        let lower = text.to_ascii_lowercase();
        DATA_EXTENSIONS.iter().any(|ext| lower.ends_with(ext))
    })
}

fn check_umask(ctx: &Context, call: &Call, out: &mut Reporter) {
    let Some(mask_value) = call.arg(0, "mask") else {
        return;
    };
    let Some(mask) = fold_mode(mask_value) else {
        return;
    };
    if mask & OTHERS_WRITE != 0 {
        return;
    }
    out.report(
        call.span,
        format!("`os.umask` sets mask {}, which leaves the others-write bit unmasked, so files and directories this process creates afterwards with default modes are writable by every local user.", shown_mode(ctx, mask_value, mask)),
        format!("Call `os.umask({})` instead (or `0o077` for private files), and pass explicit modes where wider access is really needed.", octal(mask | GROUP_OTHERS_WRITE)),
    )
    .severity(Severity::Medium);
}

/// A preceding `os.umask` call, in this function or the module body, that leaves `0o002` open.
fn open_umask(ctx: &Context, before: ByteSpan) -> Option<(ByteSpan, i128)> {
    let bodies = [Some(ctx.function), ctx.unit.functions.first()];
    for body in bodies.into_iter().flatten() {
        for op in &body.ops {
            let Op::Call(call) = op else {
                continue;
            };
            if !call.is_any(&["os.umask"]) {
                continue;
            }
            let same_body = std::ptr::eq(body, ctx.function);
            if same_body && call.span.start >= before.start {
                continue;
            }
            if let Some(mask) = call.arg(0, "mask").and_then(fold_mode) {
                if mask & OTHERS_WRITE == 0 {
                    return Some((call.span, mask));
                }
            }
        }
    }
    None
}

fn check_umasked(ctx: &Context, call: &Call, pos: usize, out: &mut Reporter) {
    let Some(mode_value) = call.arg(pos, "mode") else {
        return;
    };
    let Some(mode) = fold_mode(mode_value) else {
        return;
    };
    if mode & OTHERS_WRITE == 0 || mode & STICKY != 0 {
        return;
    }
    let Some((umask_span, mask)) = open_umask(ctx, call.span) else {
        return;
    };
    let name = display_name(call);
    let effective = mode & !mask;
    out.report(
        call.span,
        format!("`{name}` asks for mode {} after `os.umask` set mask {} (line {}), so what it creates is writable by every local user (effective mode {}).", shown_mode(ctx, mode_value, mode), octal(mask), ctx.line_of(umask_span), octal(effective)),
        format!("Pass mode {} to this `{name}` call, or restore a umask that masks `0o022` before it.", octal(mode & !GROUP_OTHERS_WRITE)),
    )
    .related(umask_span, "the umask that lets the mode through");
}
