//! C204 `leak-on-error-path`: memory or a handle acquired into a local and neither released,
//! returned nor handed on along some path out of the function, typically an early error return.

use super::flow::{
    address_taken, after, aliased, freed_in, passed_to, pointer_path, reaches, valid_when,
    ACCESSES_THROUGH, RELEASES,
};
use crate::held::{leak, statements, stmt_value, At, Holder, Leak};
use crate::rules::c::common::{c_name, mentions};
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{any_in, Cfg, EdgeKind, Function, Stmt, Value, ValueKind};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "C204",
        name: "leak-on-error-path",
        title: "Memory or handle leaked on an early return",
        cwe: 401,
        category: Category::ResourceLeak,
        severity: Severity::Medium,
        confidence: Confidence::Medium,
        docs: RuleDocs {
            what: "Follows a local assigned from an allocation or a call that opens a handle \
                   (`malloc`, `calloc`, `strdup`, `fopen`, `open`, `socket`, `opendir`, `popen`, \
                   `accept`, `new T` without a parent) and reports a `return` (or the end of the \
                   function) reached on a path where it was not released, returned, stored in a \
                   field, global or out parameter, or handed to another function (which may take \
                   ownership). Paths on which the acquisition failed (`if (!p)`, `if (fd < 0)`) \
                   are not followed, a function that never gives the thing back anywhere is left \
                   alone, and so is `main` (the process's exit releases what it holds).",
            why: "Each call of the function on that path loses the memory or descriptor for the \
                  life of the process. Error paths are exactly the ones an attacker can trigger \
                  at will (malformed input, refused connections), so a server exhausts its memory \
                  or its descriptor table (CWE-772) and stops serving.",
            example: "char *buf = malloc(len);\nif (!buf)\n    return -1;\nif (read_all(fd, buf, len) < 0)\n    return -1;\n...\nfree(buf);",
            fix: "char *buf = malloc(len);\nif (!buf)\n    return -1;\nif (read_all(fd, buf, len) < 0) {\n    free(buf);\n    return -1;\n}",
            references: &[
                "https://cwe.mitre.org/data/definitions/401.html",
                "https://cwe.mitre.org/data/definitions/772.html",
            ],
        },
    },
    hooks: Hooks {
        function: Some(check),
        ..Hooks::NONE
    },
};

/// Calls whose result the caller must release.
const ACQUIRES: &[&str] = &[
    "malloc",
    "calloc",
    "strdup",
    "strndup",
    "fopen",
    "fdopen",
    "popen",
    "open",
    "openat",
    "creat",
    "socket",
    "accept",
    "accept4",
    "opendir",
    "fdopendir",
    "tmpfile",
    "dup",
    "g_malloc",
    "g_strdup",
];

/// Calls on descriptors and sockets that use them without taking them over (besides
/// [`ACCESSES_THROUGH`]).
const BORROWS: &[&str] = &[
    "read",
    "write",
    "pread",
    "pwrite",
    "recv",
    "send",
    "recvfrom",
    "sendto",
    "fstat",
    "fchmod",
    "fchown",
    "ftruncate",
    "fsync",
    "lseek",
    "ioctl",
    "fcntl",
    "setsockopt",
    "getsockopt",
    "bind",
    "connect",
    "listen",
    "printf",
];

/// Words in a function's name that say it works on its arguments in place (`read_all`,
/// `parse_header`, `log_request`) rather than keeping them.
const IN_PLACE_VERBS: &[&str] = &[
    "read", "write", "parse", "valid", "check", "print", "log", "send", "recv", "fill", "decode",
    "encode", "compare", "cmp", "dump",
];

/// Whether a call uses the pointer or descriptor without taking it over: a known C library
/// function that does, or a function named for working on data in place. Any other callee may
/// keep what it is given, so the search stops there.
fn borrows(call: &secrev_ir::Call) -> bool {
    if BORROWS.contains(&c_name(call)) || ACCESSES_THROUGH.contains(&c_name(call)) {
        return true;
    }
    let text = call.callee.text.as_str();
    let name = text.rsplit(['.', ':', '>']).next().unwrap_or(text);
    words(name).any(|word| IN_PLACE_VERBS.iter().any(|verb| word.starts_with(verb)))
}

/// The words of an identifier, lower-cased: `Curl_read_plain` gives `curl`, `read`, `plain`;
/// `parseHeader` gives `parse`, `header`.
fn words(name: &str) -> impl Iterator<Item = String> + '_ {
    name.split('_').flat_map(|part| {
        let mut words = Vec::new();
        let mut current = String::new();
        for c in part.chars() {
            if c.is_ascii_uppercase() && !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            current.push(c.to_ascii_lowercase());
        }
        words.push(current);
        words
    })
}

fn acquired(value: &Value) -> Option<String> {
    match &value.kind {
        ValueKind::Call(call) if ACQUIRES.contains(&c_name(call)) => Some(c_name(call).to_owned()),
        // A `new` with constructor arguments usually gets a parent (Qt) that deletes it.
        ValueKind::Operation {
            op: "new",
            operands,
        } => match operands.first().map(|o| &o.kind) {
            Some(ValueKind::Call(ctor)) if ctor.args.is_empty() => Some("new".to_owned()),
            _ => None,
        },
        _ => None,
    }
}

struct Held<'n> {
    name: &'n str,
    /// Variables whose value says whether the acquisition happened (see [`correlated`]).
    correlated: Vec<&'n str>,
}

impl Holder for Held<'_> {
    fn gives_back(&mut self, stmt: &Stmt) -> bool {
        let name = self.name;
        if freed_in(stmt, RELEASES).is_some_and(|(path, _)| path == name) {
            return true;
        }
        let Some(value) = stmt_value(stmt) else {
            return false;
        };
        match stmt {
            Stmt::Return { .. } if mentions(value, name) => return true,
            Stmt::Assign { target, .. }
                if target.path == name || pointer_path(value) == Some(name) =>
            {
                return true
            }
            _ => {}
        }
        // `&p` handed on, or `list << p` (Qt containers and streams take what they are given).
        let appended = any_in(
            value,
            &mut |v| matches!(&v.kind, ValueKind::Operation { op: "<<", operands } if operands.iter().skip(1).any(|o| pointer_path(o) == Some(name))),
        );
        if appended || address_taken(value, name) {
            return true;
        }
        passed_to(value, name).is_some_and(|call| !borrows(call))
    }

    fn follows(&mut self, cond: &Value, taken: bool) -> bool {
        if self.correlated.iter().any(|v| mentions(cond, v)) {
            return false;
        }
        valid_when(cond, self.name).is_none_or(|valid| valid == taken)
    }
}

/// Variables that tell, later in the function, whether the acquisition at `at` happened: those
/// tested on the way into its block (`if (source->type == PATH) fp = fopen(...)`) and flags set
/// to constants once it succeeded (`login = strdup(s); ... login_alloc = TRUE;`). Cleanup code tests them
/// again (`if (login_alloc) free(login)`); the search cannot pair the two tests, so it does not
/// follow branches on them.
fn correlated<'c>(cfg: &'c Cfg, at: At, name: &str) -> Vec<&'c str> {
    let mut names = Vec::new();
    let mut assigned = |stmts: &'c [Stmt]| {
        for stmt in stmts {
            // Flags are set to constants (`1`, `TRUE`), not to other acquisitions.
            if let Stmt::Assign { target, value, .. } = stmt {
                let flag = value.is_constant()
                    || value
                        .path()
                        .is_some_and(|p| p.chars().all(|c| c.is_ascii_uppercase() || c == '_'));
                if flag && target.path != name {
                    names.push(target.path.as_str());
                }
            }
        }
    };
    if let Some(block) = cfg.blocks.get(at.block as usize) {
        assigned(block.stmts.get(at.stmt + 1..).unwrap_or(&[]));
        // ... and in the straight-line code that runs once it is known to have succeeded.
        for edge in &block.succs {
            let EdgeKind::Branch { cond, taken } = &edge.kind else {
                continue;
            };
            if valid_when(cond, name) != Some(*taken) {
                continue;
            }
            let mut next = cfg.blocks.get(edge.to as usize);
            for _ in 0..8 {
                let Some(b) = next else { break };
                assigned(&b.stmts);
                next = match b.succs.as_slice() {
                    [only] if matches!(only.kind, EdgeKind::Normal) => {
                        cfg.blocks.get(only.to as usize)
                    }
                    _ => None,
                };
            }
        }
    }
    for block in &cfg.blocks {
        for edge in block.succs.iter().filter(|e| e.to == at.block) {
            if let EdgeKind::Branch { cond, .. } = &edge.kind {
                any_in(cond, &mut |v| {
                    if let Some(path) = v.path().filter(|p| *p != name) {
                        names.push(path);
                    }
                    false
                });
            }
        }
    }
    names
}

/// Program entry points: whatever they still hold when they return, the process's exit gives
/// back, so a path out of them loses nothing that could pile up.
const ENTRY_POINTS: &[&str] = &["main", "wmain", "_tmain", "WinMain", "wWinMain"];

fn check(ctx: &Context, function: &Function, out: &mut Reporter) {
    if !super::has_real_paths(function) || ENTRY_POINTS.contains(&function.qualname.as_str()) {
        return;
    }
    let cfg = &function.cfg;
    for (at, stmt) in statements(cfg) {
        let Stmt::Assign { target, value, .. } = stmt else {
            continue;
        };
        let name = target.path.as_str();
        let Some(local) = function.local(name) else {
            continue;
        };
        if local.param || local.is_static {
            continue;
        }
        let Some(source) = acquired(value) else {
            continue;
        };
        let mut holder = Held {
            name,
            correlated: correlated(cfg, at, name),
        };
        if target.weak
            || aliased(cfg, name, value.span)
            || !reaches(cfg, after(at), &mut |s| holder.gives_back(s))
        {
            // A function that never gives the thing back is not one that forgot to on one path.
            continue;
        }
        let Some(Leak::Exit { ret, .. }) = leak(cfg, after(at), &mut holder) else {
            continue;
        };
        let what = if matches!(
            source.as_str(),
            "malloc" | "calloc" | "strdup" | "strndup" | "new" | "g_malloc" | "g_strdup"
        ) {
            "memory"
        } else {
            "handle"
        };
        let (span, exit) = match ret {
            Some(span) => (span, "this return"),
            None => (value.span, "the end of the function"),
        };
        out.report(
            span,
            format!("The {what} from `{source}` in `{name}` (line {}) is not released or handed on along a path to {exit}; it leaks each time that path runs.", ctx.line_of(value.span)),
            format!("Release `{name}` on this path too (a single cleanup label reached with `goto` keeps every exit covered), or in C++ hold it in a `std::unique_ptr`/`QScopedPointer`."),
        )
        .related(value.span, format!("`{name}` is acquired here"));
    }
}
