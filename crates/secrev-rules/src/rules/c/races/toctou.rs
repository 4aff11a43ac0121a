//! C401 `check-then-open`: a file's state checked by path (`access`, `stat`, `QFile::exists`)
//! and then the same path opened or changed, leaving a window to swap the file.

use crate::rules::c::common::c_name;
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{ByteSpan, Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{Call, Function, Op};

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
            what: "Reports an operation on a path (`open`, `fopen`, `creat`, `chmod`, `chown`, \
                   `unlink`, `remove`, `rename`, `truncate`, `link`, `symlink`, `mkfifo`, `execv`) \
                   that follows, in the same function, `access`, `stat`, `lstat`, `faccessat` or \
                   `QFile::exists`/`QFileInfo::exists` on the same path expression.",
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

/// Checks of a file's state by path, and the position of the path.
const CHECKS: &[(&str, usize)] = &[
    ("access", 0),
    ("stat", 0),
    ("lstat", 0),
    ("stat64", 0),
    ("lstat64", 0),
    ("faccessat", 1),
    ("euidaccess", 0),
    ("QFile::exists", 0),
    ("QFileInfo::exists", 0),
];

/// Operations on a file by path, and the position of the path.
const USES: &[(&str, usize)] = &[
    ("open", 0),
    ("fopen", 0),
    ("creat", 0),
    ("chmod", 0),
    ("chown", 0),
    ("lchown", 0),
    ("unlink", 0),
    ("remove", 0),
    ("rename", 0),
    ("truncate", 0),
    ("link", 0),
    ("symlink", 1),
    ("mkfifo", 0),
    ("execv", 0),
    ("execve", 0),
    ("openat", 1),
];

fn path_arg(
    ctx: &Context,
    call: &Call,
    table: &[(&'static str, usize)],
) -> Option<(&'static str, String)> {
    let name = c_name(call);
    let name = if name.is_empty() {
        call.qualname()
    } else {
        name
    };
    let (found, at) = table.iter().find(|(n, _)| *n == name)?;
    let arg = call.args.get(*at)?;
    let text: String = ctx.text(arg.span).split_whitespace().collect();
    (!text.is_empty()).then_some((*found, text))
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
    let checks: Vec<(&Call, &str, String)> = calls
        .iter()
        .filter_map(|c| path_arg(ctx, c, CHECKS).map(|(n, p)| (*c, n, p)))
        .collect();
    if checks.is_empty() {
        return;
    }
    // One finding per check: the first operation that acts on the checked path.
    let mut reported: Vec<ByteSpan> = Vec::new();
    for call in &calls {
        let Some((use_name, path)) = path_arg(ctx, call, USES) else {
            continue;
        };
        let Some((checked, check_name, _)) = checks
            .iter()
            .rev()
            .find(|(c, _, p)| *p == path && c.span.end <= call.span.start)
        else {
            continue;
        };
        if reported.contains(&checked.span) {
            continue;
        }
        reported.push(checked.span);
        out.report(
            call.span,
            format!("`{use_name}` acts on `{path}` after `{check_name}` on line {} checked it by name: the file can be replaced in between.", ctx.line_of(checked.span)),
            "Open the file once (with `O_NOFOLLOW`/`O_EXCL` as fits) and check the opened descriptor with `fstat`, or drop privileges before touching the path.",
        )
        .related(checked.span, format!("`{path}` is checked here"));
    }
}
