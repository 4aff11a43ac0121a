//! C401 `check-then-open`: a file's state checked by path (`access`, `stat`, `QFile::exists`)
//! and then the same path opened or changed, leaving a window to swap the file.

use crate::rules::c::common::c_name;
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{ByteSpan, Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{any_in, Call, Function, Op, Value};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "C401",
        name: "check-then-open",
        title: "File checked by name, then used by name (TOCTOU)",
        cwe: 367,
        category: Category::RaceCondition,
        severity: Severity::Medium,
        confidence: Confidence::Medium,
        docs: RuleDocs {
            what: "Reports an operation that follows a path to its file (`open`, `fopen`, \
                   `creat`, `chmod`, `chown`, `truncate`, `execv`) after, in the same function, \
                   a check of the same path: a permission check (`access(path, W_OK)`), a \
                   `stat`/`lstat` whose type or owner fields (`st_mode`, `st_uid`, `S_ISREG`) \
                   are examined, or an existence check (`access(path, F_OK)`, a `stat` whose \
                   buffer is not read, `QFile::exists`) followed by creating or writing the \
                   file. Uses that refuse links or existing files (`O_NOFOLLOW`, `O_EXCL`, \
                   `\"x\"`), `stat` calls read only for the size or times, and paths removed \
                   or made anew in between (`unlink`, `mkfifo`) are not reported.",
            why: "Between the check and the use, anyone who can write to the directory can \
                  replace the file, typically with a symbolic link: a privileged program that \
                  checked `access(path, W_OK)` then writes to, or changes the mode of, a file of \
                  the attacker's choosing (`/etc/passwd`).",
            example: "if (access(path, W_OK) == 0) {\n    int fd = open(path, O_WRONLY);\n    ...\n}",
            fix: "int fd = open(path, O_WRONLY | O_NOFOLLOW);\nif (fd < 0)\n    return -errno;\n/* check what was opened: fstat(fd, &st) */",
            references: &[
                "https://cwe.mitre.org/data/definitions/367.html",
                "https://wiki.sei.cmu.edu/confluence/display/c/FIO45-C.+Avoid+TOCTOU+race+conditions+while+accessing+files",
            ],
        },
    },
    hooks: Hooks {
        function: Some(check),
        ..Hooks::NONE
    },
};

/// What a check learns about the file, which decides which later uses it can mislead.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Learns {
    /// Whether the caller may read, write or run it (`access(path, W_OK)`): any use by name
    /// afterwards may act on a different file than the one the permission was checked for.
    Permission,
    /// Its type or owner (`st_mode`, `st_uid`, `S_ISREG`): any use by name may meet a
    /// different file, typically a symbolic link planted in between.
    Identity,
    /// Only whether it exists: it matters when the program then creates or writes the file,
    /// which a link planted in between redirects.
    Existence,
}

/// Checks of a file's state by path: the position of the path, and of the `stat` buffer.
const CHECKS: &[(&str, usize, Option<usize>)] = &[
    ("access", 0, None),
    ("faccessat", 1, None),
    ("euidaccess", 0, None),
    ("eaccess", 0, None),
    ("stat", 0, Some(1)),
    ("lstat", 0, Some(1)),
    ("stat64", 0, Some(1)),
    ("lstat64", 0, Some(1)),
    ("QFile::exists", 0, None),
    ("QFileInfo::exists", 0, None),
];

/// Fields of a `stat` buffer that tell what a file is or who owns it; `st_size` or
/// `st_mtime` decide nothing about whom the program trusts.
const IDENTITY_FIELDS: &[&str] = &[
    "st_mode", "st_uid", "st_gid", "st_nlink", "st_ino", "st_dev",
];

/// Operations that follow a path to the file it names, and the position of the path.
/// `unlink`, `rename`, `lchown`, `mkfifo`, `link` and `symlink` act on the name itself or
/// fail when it exists, so a link planted in between does not redirect them.
const USES: &[(&str, usize)] = &[
    ("open", 0),
    ("open64", 0),
    ("openat", 1),
    ("fopen", 0),
    ("fopen64", 0),
    ("creat", 0),
    ("chmod", 0),
    ("chown", 0),
    ("truncate", 0),
    ("execv", 0),
    ("execve", 0),
];

/// Operations that remove or make the file anew: a check before them describes a file that
/// is no longer there, so later uses are not decided by it.
const REPLACES: &[(&str, usize)] = &[
    ("unlink", 0),
    ("remove", 0),
    ("rename", 1),
    ("mkfifo", 0),
    ("mkdir", 0),
    ("symlink", 1),
    ("link", 1),
];

fn name(call: &Call) -> &str {
    let name = c_name(call);
    if name.is_empty() {
        call.qualname()
    } else {
        name
    }
}

fn arg_text(ctx: &Context, call: &Call, at: usize) -> Option<String> {
    let arg = call.args.get(at)?;
    let text: String = ctx.text(arg.span).split_whitespace().collect();
    (!text.is_empty()).then_some(text)
}

fn path_arg(
    ctx: &Context,
    call: &Call,
    table: &[(&'static str, usize)],
) -> Option<(&'static str, String)> {
    let (found, at) = table.iter().find(|(n, _)| *n == name(call))?;
    Some((*found, arg_text(ctx, call, *at)?))
}

/// A check found in the function: the call, its name, the path it checked, and what it
/// learns about the file (for `stat`, the buffer whose fields tell).
struct Check<'f> {
    call: &'f Call,
    name: &'static str,
    path: String,
    learns: Result<Learns, String>,
}

impl Check<'_> {
    /// What the check has learnt by the time `until` runs: a `stat` learns what the code
    /// between reads of its buffer.
    fn learns(&self, function: &Function, until: ByteSpan) -> Option<Learns> {
        match &self.learns {
            Ok(learns) => Some(*learns),
            Err(buffer) => stat_learns(function, self.call.span.end, until.start, buffer),
        }
    }
}

fn as_check<'f>(ctx: &Context, call: &'f Call) -> Option<Check<'f>> {
    let (found, at, buffer) = CHECKS.iter().find(|(n, _, _)| *n == name(call))?;
    let path = arg_text(ctx, call, *at)?;
    let learns = match buffer {
        Some(buffer) => Err(arg_text(ctx, call, *buffer)?
            .trim_start_matches('&')
            .to_string()),
        None if found.starts_with('Q') => Ok(Learns::Existence),
        None => {
            let mode = arg_text(ctx, call, at + 1).unwrap_or_default();
            Ok(if mode == "F_OK" || mode == "0" {
                Learns::Existence
            } else {
                Learns::Permission
            })
        }
    };
    Some(Check {
        call,
        name: found,
        path,
        learns,
    })
}

/// What a `stat` call learns, from the fields of its buffer the code between `start` and `end`
/// reads (`st.st_mode`, `sb->st_uid`, inside `S_ISREG(...)` or a comparison): a type or owner
/// field, only other fields (the size of a file to upload: nothing to report), or nothing (the
/// call's result tells whether the file exists).
fn stat_learns(function: &Function, start: u32, end: u32, buffer: &str) -> Option<Learns> {
    let mut any = false;
    let mut identity = false;
    let mut read = |value: &Value| {
        any_in(value, &mut |v| {
            let field = v
                .path()
                .filter(|_| v.span.start >= start && v.span.end <= end)
                .and_then(|p| p.strip_prefix(buffer)?.strip_prefix('.'));
            if let Some(field) = field {
                any = true;
                identity |= IDENTITY_FIELDS.contains(&field);
            }
            false
        });
    };
    for op in &function.ops {
        match op {
            Op::Call(call) => call.args.iter().for_each(&mut read),
            Op::Compare(value) => read(value),
            Op::Assign(assign) => read(&assign.value),
            _ => {}
        }
    }
    if identity {
        Some(Learns::Identity)
    } else {
        (!any).then_some(Learns::Existence)
    }
}

/// Whether a use creates or writes the file, for checks that only learn it exists; and
/// whether the use itself refuses links or existing files (`O_EXCL`, `O_NOFOLLOW`, `"x"`).
fn use_kind(ctx: &Context, call: &Call) -> (bool, bool) {
    let call_name = name(call);
    let flags_at = match call_name {
        "open" | "open64" => Some(1),
        "openat" => Some(2),
        _ => None,
    };
    if let Some(at) = flags_at {
        let flags = arg_text(ctx, call, at).unwrap_or_default();
        let refuses = flags.contains("O_EXCL") || flags.contains("O_NOFOLLOW");
        let writes = ["O_CREAT", "O_WRONLY", "O_RDWR", "O_TRUNC", "O_APPEND"]
            .iter()
            .any(|f| flags.contains(f));
        return (writes, refuses);
    }
    if call_name.starts_with("fopen") {
        let mode = call.args.get(1).and_then(|m| m.as_str()).unwrap_or("");
        return (mode.contains(['w', 'a', '+']), mode.contains('x'));
    }
    let writes = matches!(call_name, "creat" | "chmod" | "chown" | "truncate");
    (writes, false)
}

fn check(ctx: &Context, function: &Function, out: &mut Reporter) {
    let calls: Vec<&Call> = function
        .ops
        .iter()
        .filter_map(|op| match op {
            Op::Call(call) => Some(call.as_ref()),
            _ => None,
        })
        .collect();
    let checks: Vec<Check> = calls.iter().filter_map(|c| as_check(ctx, c)).collect();
    if checks.is_empty() {
        return;
    }
    // One finding per check: the first operation that acts on the checked path.
    let mut reported: Vec<ByteSpan> = Vec::new();
    for call in &calls {
        let Some((use_name, path)) = path_arg(ctx, call, USES) else {
            continue;
        };
        let Some(checked) = checks
            .iter()
            .rev()
            .find(|c| c.path == path && c.call.span.end <= call.span.start)
        else {
            continue;
        };
        let replaced = calls.iter().any(|r| {
            r.span.start >= checked.call.span.end
                && r.span.end <= call.span.start
                && path_arg(ctx, r, REPLACES).is_some_and(|(_, p)| p == path)
        });
        let (writes, refuses) = use_kind(ctx, call);
        let misleads = match checked.learns(function, call.span) {
            Some(Learns::Permission | Learns::Identity) => true,
            Some(Learns::Existence) => writes,
            None => false,
        };
        if replaced || refuses || !misleads || reported.contains(&checked.call.span) {
            continue;
        }
        reported.push(checked.call.span);
        out.report(
            call.span,
            format!("`{use_name}` acts on `{path}` after `{}` on line {} checked it by name: the file can be replaced in between.", checked.name, ctx.line_of(checked.call.span)),
            "Open the file once (with `O_NOFOLLOW`/`O_EXCL` as fits) and check the opened descriptor with `fstat`, or drop privileges before touching the path.",
        )
        .related(checked.call.span, format!("`{path}` is checked here"));
    }
}
