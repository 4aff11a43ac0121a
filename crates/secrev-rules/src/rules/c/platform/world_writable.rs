//! C504 `world-writable-permissions`: `chmod`, `mkdir`, `open`, `umask` and
//! `QFile::setPermissions` granting write access to every user.

use crate::rules::c::common::c_name;
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{Call, Value, ValueKind};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "C504",
        name: "world-writable-permissions",
        title: "File or directory made writable by every user",
        cwe: 732,
        category: Category::InsecureConfig,
        severity: Severity::High,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Finds permission modes that let every user write: `chmod`/`fchmod`/\
                   `fchmodat`, `mkdir`/`mkdirat`, `open`/`openat` with `O_CREAT` (or flags not \
                   visible as `O_*` constants) and `creat` \
                   given a constant mode with the other-write bit (`0666`, `0777`, `S_IWOTH`, \
                   `S_IRWXO`), `umask` values that leave that bit open (`umask(0)`), and \
                   `QFile::setPermissions`/`QFileDevice::setPermissions` with `WriteOther`. \
                   Modes computed at run time are not judged.",
            why: "Any local user (or a compromised service account) can then replace the file's \
                  contents: configuration, scripts and libraries become a way to run code as \
                  the program's user, and data can be tampered with.",
            example: "mkdir(\"/var/lib/app/spool\", 0777);\nchmod(path, S_IRWXU | S_IRWXG | S_IRWXO);",
            fix: "mkdir(\"/var/lib/app/spool\", 0750);\nchmod(path, S_IRWXU | S_IRGRP | S_IXGRP);",
            references: &[
                "https://cwe.mitre.org/data/definitions/732.html",
                "https://wiki.sei.cmu.edu/confluence/display/c/FIO06-C.+Create+files+with+appropriate+access+permissions",
                "https://doc.qt.io/qt-6/qfiledevice.html#Permission-enum",
            ],
        },
    },
    hooks: Hooks {
        call: Some(check),
        ..Hooks::NONE
    },
};

const OTHER_WRITE: i128 = 0o002;

/// POSIX permission macros and their values.
const MODE_MACROS: &[(&str, i128)] = &[
    ("S_IRWXU", 0o700),
    ("S_IRUSR", 0o400),
    ("S_IWUSR", 0o200),
    ("S_IXUSR", 0o100),
    ("S_IRWXG", 0o070),
    ("S_IRGRP", 0o040),
    ("S_IWGRP", 0o020),
    ("S_IXGRP", 0o010),
    ("S_IRWXO", 0o007),
    ("S_IROTH", 0o004),
    ("S_IWOTH", 0o002),
    ("S_IXOTH", 0o001),
    ("S_ISUID", 0o4000),
    ("S_ISGID", 0o2000),
    ("S_ISVTX", 0o1000),
    ("ACCESSPERMS", 0o777),
    ("ALLPERMS", 0o7777),
    ("DEFFILEMODE", 0o666),
];

/// The value of a constant mode expression (`0644`, `S_IRUSR | S_IWUSR`).
fn mode(value: &Value) -> Option<i128> {
    if let Some(n) = value.as_int() {
        return Some(n);
    }
    match &value.resolved().kind {
        ValueKind::Ref { .. } => {
            let name = value.qualname().or_else(|| value.path())?;
            MODE_MACROS
                .iter()
                .find(|(m, _)| *m == name)
                .map(|(_, v)| *v)
        }
        ValueKind::Operation { op: "|", operands } => operands
            .iter()
            .try_fold(0, |acc, o| mode(o).map(|m| acc | m)),
        _ => None,
    }
}

/// Calls taking a mode, and its position.
const MODE_CALLS: &[(&str, usize)] = &[
    ("chmod", 1),
    ("fchmod", 1),
    ("lchmod", 1),
    ("fchmodat", 2),
    ("mkdir", 1),
    ("mkdirat", 2),
    ("creat", 1),
    ("open", 2),
    ("openat", 3),
    ("mkfifo", 1),
];

fn check(ctx: &Context, call: &Call, out: &mut Reporter) {
    let name = c_name(call);
    let code = ctx.code(call.span);
    if name == "umask" {
        if let Some(mask) = call.args.first().and_then(mode) {
            if mask & OTHER_WRITE == 0 {
                out.report(
                    call.span,
                    format!("`{code}` leaves the other-write bit unmasked: files and directories created afterwards with default modes (0666/0777) are writable by every user."),
                    "Use a mask that removes other-write at least (`umask(022)`, or `umask(077)` for private data).",
                );
            }
        }
        return;
    }
    if let Some((_, at)) = MODE_CALLS.iter().find(|(n, _)| *n == name) {
        let Some(bits) = call.args.get(*at).and_then(mode) else {
            return;
        };
        // `open(path, O_WRONLY, 0777)`: without `O_CREAT` (or `O_TMPFILE`) the mode is ignored.
        if matches!(name, "open" | "openat") && !may_create(call.args.get(*at - 1)) {
            return;
        }
        if bits & OTHER_WRITE != 0 {
            out.report(
                call.span,
                format!("`{code}` sets mode {bits:04o}: every user on the system can write it."),
                "Drop the other-write bit (`0644`/`0755`, or `0600`/`0700` for private data); share with a group instead if several users need access.",
            );
        }
        return;
    }
    let q = call.qualname();
    if q.ends_with("::setPermissions") || call.callee.method.as_deref() == Some("setPermissions") {
        let grants = call.args.iter().any(|a| {
            secrev_ir::any_in(a, &mut |v| {
                v.qualname()
                    .or_else(|| v.path())
                    .is_some_and(|p| p.ends_with("WriteOther"))
            })
        });
        if grants {
            out.report(
                call.span,
                format!(
                    "`{code}` grants `WriteOther`: every user on the system can write the file."
                ),
                "Remove `WriteOther` (and `ReadOther` for private data) from the permissions.",
            )
            .confidence(Confidence::High)
            .severity(Severity::High);
        }
    }
}

/// Whether `open`'s flags may create the file: they name `O_CREAT`/`O_TMPFILE`, or are not
/// written as `O_*` constants here (a variable, whose value is not followed).
fn may_create(flags: Option<&Value>) -> bool {
    let Some(flags) = flags else {
        return true;
    };
    let mut named = false;
    let creates = secrev_ir::any_in(flags, &mut |v| {
        let Some(name) = v.qualname().or_else(|| v.path()) else {
            return false;
        };
        named |= name.starts_with("O_");
        matches!(name, "O_CREAT" | "O_TMPFILE" | "_O_CREAT")
    });
    creates || !named
}
