//! PY504 `hardcoded-temp-path`: a file or directory created under a fixed name in the shared
//! temporary directory.

use crate::helpers::call_name;
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{Call, Value, ValueKind};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY504",
        name: "hardcoded-temp-path",
        title: "Fixed file name in the shared temporary directory",
        cwe: 377,
        category: Category::RaceCondition,
        severity: Severity::Medium,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Finds calls that create or write a file or directory at a constant path under \
                   `/tmp`, `/var/tmp` or `/dev/shm` (or `os.path.join(tempfile.gettempdir(), \"name\")`): \
                   `open`/`io.open`/`codecs.open` in a write, append or update mode, `os.open` with \
                   `O_CREAT` but not `O_EXCL`, `os.mkdir`, `os.makedirs`, the destination of \
                   `shutil.copy*`/`move`, logging file handlers, and `pathlib.Path` `write_text`, \
                   `write_bytes`, `touch`, `mkdir` and `open` in a write mode. Reads are not reported.",
            why: "Every local user can create entries in the shared temporary directory. When the name \
                  is known in advance, another user can create it first: a symlink makes the program \
                  write (or truncate) a file the attacker chose with the program's privileges, a file \
                  or directory they own lets them read or replace what the program stores there.",
            example: "with open(\"/tmp/export.csv\", \"w\") as out:\n    out.write(rows)",
            fix: "with tempfile.NamedTemporaryFile(\"w\", suffix=\".csv\", delete=False) as out:\n    out.write(rows)",
            references: &[
                "https://cwe.mitre.org/data/definitions/377.html",
                "https://docs.python.org/3/library/tempfile.html",
            ],
        },
    },
    hooks: Hooks {
        call: Some(check),
        ..Hooks::NONE
    },
};

const TEMP_DIRS: &[&str] = &["/tmp/", "/var/tmp/", "/dev/shm/"];

/// A path in the temp directory, as shown in messages, and whether it is certain.
struct TempPath {
    shown: String,
    certain: bool,
}

/// What a file-creating call looks like: the calls, where the created path is, and what kind of
/// entry it creates.
const OPEN_CALLS: &[&str] = &["builtins.open", "io.open", "codecs.open"];
const DIR_CALLS: &[&str] = &["os.mkdir", "os.makedirs"];
const COPY_CALLS: &[&str] = &[
    "shutil.copy",
    "shutil.copy2",
    "shutil.copyfile",
    "shutil.copytree",
    "shutil.move",
];
const LOG_HANDLERS: &[&str] = &[
    "logging.FileHandler",
    "logging.handlers.RotatingFileHandler",
    "logging.handlers.TimedRotatingFileHandler",
    "logging.handlers.WatchedFileHandler",
];

fn in_temp_dir(path: &str) -> bool {
    TEMP_DIRS
        .iter()
        .any(|dir| path.starts_with(dir) && path.len() > dir.len())
}

/// Joins constant path pieces the way `os.path.join` does.
fn join(pieces: &[String]) -> String {
    let mut joined = String::new();
    for piece in pieces {
        if piece.starts_with('/') || joined.is_empty() {
            joined = piece.clone();
        } else {
            if !joined.ends_with('/') {
                joined.push('/');
            }
            joined.push_str(piece);
        }
    }
    joined
}

/// The constant path pieces of a value: a string, `os.path.join` / `Path(...)` / `/` over
/// constants, where `tempfile.gettempdir()` counts as `/tmp` (uncertain).
fn pieces(value: &Value, certain: &mut bool) -> Option<Vec<String>> {
    let value = value.resolved();
    if let Some(s) = value.as_str() {
        return Some(vec![s.to_owned()]);
    }
    match &value.kind {
        ValueKind::Call(call) if call.is_any(&["tempfile.gettempdir"]) => {
            *certain = false;
            Some(vec!["/tmp".to_owned()])
        }
        ValueKind::Call(call)
            if call.is_any(&["os.path.join", "pathlib.Path", "pathlib.PurePath"])
                && !call.args.is_empty()
                && !call.star_args =>
        {
            let mut all = Vec::new();
            for arg in &call.args {
                all.push(join(&pieces(arg, certain)?));
            }
            Some(all)
        }
        ValueKind::Operation { op: "/", operands } if operands.len() == 2 => {
            let mut all = pieces(&operands[0], certain)?;
            all.extend(pieces(&operands[1], certain)?);
            Some(all)
        }
        _ => None,
    }
}

fn temp_path(value: &Value) -> Option<TempPath> {
    let mut certain = true;
    let path = join(&pieces(value, &mut certain)?);
    in_temp_dir(&path).then(|| TempPath {
        shown: if certain {
            path
        } else {
            path.replacen("/tmp", "<tempfile.gettempdir()>", 1)
        },
        certain,
    })
}

fn writes(mode: Option<&Value>) -> bool {
    mode.and_then(Value::as_str)
        .is_some_and(|m| m.contains(['w', 'a', '+']) && !m.contains('x'))
}

/// The names of the `os.O_*` flags or'ed together in an `os.open` flags argument.
fn flag_names(value: &Value, names: &mut Vec<String>) {
    let value = value.resolved();
    if let Some(q) = value.qualname() {
        names.push(q.to_owned());
    } else if let ValueKind::Operation {
        op: "|" | "+",
        operands,
    } = &value.kind
    {
        operands.iter().for_each(|v| flag_names(v, names));
    }
}

enum Created {
    File,
    Directory,
    Log,
}

/// The path a call creates or writes, when it is one of the file-creating calls.
fn created_path(call: &Call) -> Option<(&Value, Created)> {
    if call.is_any(OPEN_CALLS) {
        let file = call.arg(
            0,
            if call.is_any(&["codecs.open"]) {
                "filename"
            } else {
                "file"
            },
        )?;
        return writes(call.arg(1, "mode")).then_some((file, Created::File));
    }
    if call.is_any(&["os.open"]) {
        let mut names = Vec::new();
        flag_names(call.arg(1, "flags")?, &mut names);
        let has = |flag: &str| names.iter().any(|n| n == flag);
        return (has("os.O_CREAT") && !has("os.O_EXCL") && !has("os.O_NOFOLLOW"))
            .then_some((call.arg(0, "path")?, Created::File));
    }
    if call.is_any(DIR_CALLS) {
        let keyword = if call.is_any(&["os.makedirs"]) {
            "name"
        } else {
            "path"
        };
        return Some((call.arg(0, keyword)?, Created::Directory));
    }
    if call.is_any(COPY_CALLS) {
        return Some((call.arg(1, "dst")?, Created::File));
    }
    if call.is_any(LOG_HANDLERS) {
        return Some((call.arg(0, "filename")?, Created::Log));
    }
    let receiver = call.callee.receiver.as_deref()?;
    let created = match call.callee.method.as_deref()? {
        "write_text" | "write_bytes" | "touch" => Created::File,
        "mkdir" => Created::Directory,
        "open" if writes(call.arg(0, "mode")) => Created::File,
        _ => return None,
    };
    // Only on a receiver built from `pathlib.Path(...)` (directly or through `/`).
    let path_like = match &receiver.resolved().kind {
        ValueKind::Call(ctor) => ctor.is_any(&["pathlib.Path", "pathlib.PurePath"]),
        ValueKind::Operation { op: "/", .. } => true,
        _ => false,
    };
    path_like.then_some((receiver, created))
}

fn check(ctx: &Context, call: &Call, out: &mut Reporter) {
    let Some((path_value, created)) = created_path(call) else {
        return;
    };
    let Some(path) = temp_path(path_value) else {
        return;
    };
    // `Path("/tmp/x").write_text(...)`: the path is the receiver of a `pathlib.Path` method.
    let on_receiver = call
        .callee
        .receiver
        .as_deref()
        .is_some_and(|r| std::ptr::eq(r, path_value));
    let name = match (&call.callee.method, on_receiver) {
        (Some(method), true) => format!("pathlib.Path.{method}"),
        _ => call_name(call).to_owned(),
    };
    let shown = &path.shown;
    let written = ctx.code(path_value.span);
    let target = if written.trim_matches(['"', '\'']) == shown.as_str() {
        format!("`{shown}`")
    } else {
        format!("`{written}` (`{shown}`)")
    };
    let (what, fix) = match created {
        Created::File => (
            "writes to",
            "Create the file with `tempfile.mkstemp()` or `tempfile.NamedTemporaryFile(delete=False)` (or inside a private `tempfile.mkdtemp()` directory) instead of",
        ),
        Created::Directory => (
            "creates the directory",
            "Create a private directory with `tempfile.mkdtemp()` (or `tempfile.TemporaryDirectory()`) instead of",
        ),
        Created::Log => (
            "opens a log file at",
            "Write logs into a directory owned by the service (for example under `/var/log/<service>/`) instead of",
        ),
    };
    let hit = out.report(
        call.span,
        format!("`{name}` {what} {target}, a fixed name in the world-writable temporary directory: another local user can create that path first, or plant a symlink there, and make this code write where they choose."),
        format!("{fix} the fixed path `{shown}`."),
    );
    if !path.certain {
        hit.confidence(Confidence::Medium);
    }
    if matches!(created, Created::Log) {
        hit.severity(Severity::Low);
    }
}
