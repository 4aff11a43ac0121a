//! What the lifetime rules ask of a C function's graph: where a pointer is freed, assigned or
//! dereferenced, what a condition says about it being null, and the first statement on some
//! path that does something to it.

use crate::held::{stmt_value, At};
use crate::rules::c::common::c_name;
use secrev_core::ByteSpan;
use secrev_ir::{any_in, BlockId, Call, Cfg, EdgeKind, Stmt, Value, ValueKind, EXIT};

/// What a search does with a statement.
pub(crate) enum Step {
    /// Goes on past it.
    Go,
    /// Ends this path: the pointer was given a new value (or handed to code the search cannot see).
    Stop,
    /// This is what the search looks for.
    Hit,
}

/// The first statement, on any path from `from` (the statement after the event), for which
/// `step` says [`Step::Hit`]; paths end at [`Step::Stop`] and at branches `follow` declines.
/// Each block is visited once, so the cost is linear in the size of the graph.
pub(crate) fn first_hit<'c>(
    cfg: &'c Cfg,
    from: At,
    step: &mut impl FnMut(&'c Stmt) -> Step,
    follow: &mut impl FnMut(&Value, bool) -> bool,
) -> Option<&'c Stmt> {
    let mut seen = vec![false; cfg.blocks.len()];
    let mut stack: Vec<(BlockId, usize)> = vec![(from.block, from.stmt)];
    while let Some((id, first)) = stack.pop() {
        if id == EXIT {
            continue;
        }
        let Some(block) = cfg.blocks.get(id as usize) else {
            continue;
        };
        let mut stopped = false;
        for stmt in block.stmts.iter().skip(first) {
            match step(stmt) {
                Step::Go => {}
                Step::Stop => {
                    stopped = true;
                    break;
                }
                Step::Hit => return Some(stmt),
            }
        }
        if stopped {
            continue;
        }
        for edge in &block.succs {
            if let EdgeKind::Branch { cond, taken } = &edge.kind {
                if !follow(cond, *taken) {
                    continue;
                }
            }
            let to = edge.to as usize;
            if to < seen.len() && !std::mem::replace(&mut seen[to], true) {
                stack.push((edge.to, 0));
            }
        }
    }
    None
}

/// Functions that release the memory or handle their first argument points to.
pub(crate) const RELEASES: &[&str] = &[
    "free",
    "delete",
    "delete[]",
    "g_free",
    "fclose",
    "close",
    "closedir",
    "pclose",
    "closesocket",
    "freeaddrinfo",
    "globfree",
];

/// Functions that only free memory (not handles): what use after free is about.
pub(crate) const FREES: &[&str] = &["free", "delete", "delete[]", "g_free"];

/// The path of a pointer as the rules follow it (`p`, `s.buf`): a name or field path, without
/// subscripts or calls.
pub(crate) fn pointer_path(value: &Value) -> Option<&str> {
    match &value.kind {
        ValueKind::Ref {
            path, base: None, ..
        } if !path.is_empty()
            && path
                .chars()
                .all(|c| c.is_alphanumeric() || "_.".contains(c)) =>
        {
            Some(path)
        }
        _ => None,
    }
}

/// The pointer a statement frees with one of `names`, and the call.
pub(crate) fn freed_in<'s>(stmt: &'s Stmt, names: &[&str]) -> Option<(&'s str, &'s Call)> {
    let value = stmt_value(stmt)?;
    let mut found = None;
    any_in(value, &mut |v| {
        if let ValueKind::Call(call) = &v.kind {
            if names.contains(&c_name(call)) {
                if let Some(path) = call.args.first().and_then(pointer_path) {
                    found = Some((path, call.as_ref()));
                    return true;
                }
            }
        }
        false
    });
    found
}

/// Whether `path` is `name` or a field under it.
pub(crate) fn under(path: &str, name: &str) -> bool {
    path == name
        || path
            .strip_prefix(name)
            .is_some_and(|rest| rest.starts_with('.'))
}

/// Whether the statement stores a new value into `name` (or into a path `name` lies under).
pub(crate) fn reassigns(stmt: &Stmt, name: &str) -> bool {
    match stmt {
        // `p += n` moves the pointer as surely as `p = q`.
        Stmt::Assign { target, .. } => under(name, &target.path),
        // `p++`: the front-end lowers it as `p + 1` whose `1` spans the whole expression.
        Stmt::Eval(value) => any_in(value, &mut |v| match &v.kind {
            ValueKind::Operation { op: "+", operands } => {
                operands.get(1).is_some_and(|one| one.span == v.span)
                    && operands
                        .first()
                        .and_then(pointer_path)
                        .is_some_and(|p| under(name, p))
            }
            _ => false,
        }),
        Stmt::Return { .. } => false,
    }
}

/// Whether the value assigned to `name` at `span` is also assigned to another name (`a = b =
/// malloc(n)`): the code may test and release it under either.
pub(crate) fn aliased(cfg: &Cfg, name: &str, span: ByteSpan) -> bool {
    crate::held::statements(cfg).any(|(_, s)| {
        matches!(s, Stmt::Assign { target, value, .. } if target.path != name && value.span == span)
    })
}

/// Whether the statement writes through `name` (`*p = 0`, `p->len = n`, `p[i] = c`).
pub(crate) fn writes_through(stmt: &Stmt, name: &str) -> bool {
    match stmt {
        Stmt::Assign { target, .. } => {
            let path = target.path.as_str();
            (path != name && under(path, name))
                || path.strip_prefix('*').is_some_and(|p| p == name)
                || path
                    .strip_prefix(name)
                    .is_some_and(|rest| rest.starts_with('['))
        }
        _ => false,
    }
}

/// Whether `value` dereferences `name`: `*p`, `p[i]`, `p->field`, `p->method()`.
pub(crate) fn derefs(value: &Value, name: &str) -> bool {
    // `sizeof *p` and `sizeof(p->x)` are not evaluated.
    let mut unevaluated = Vec::new();
    any_in(value, &mut |v| {
        if let ValueKind::Operation { op: "sizeof", .. } = v.kind {
            unevaluated.push(v.span);
        }
        false
    });
    let inside = |span: ByteSpan| {
        unevaluated
            .iter()
            .any(|s| s.start <= span.start && span.end <= s.end)
    };
    any_in(value, &mut |v| {
        !inside(v.span)
            && match &v.kind {
                ValueKind::Operation {
                    op: "deref" | "[]",
                    operands,
                } => operands.first().and_then(pointer_path) == Some(name),
                ValueKind::Ref { path, .. } => path.len() > name.len() && under(path, name),
                ValueKind::Call(call) => {
                    !is_scope_exit(call)
                        && call
                            .callee
                            .receiver
                            .as_deref()
                            .and_then(pointer_path)
                            .is_some_and(|r| under(r, name))
                }
                _ => false,
            }
    })
}

/// Whether `value` takes the address of `name` (`&p`): code that may set it.
pub(crate) fn address_taken(value: &Value, name: &str) -> bool {
    any_in(value, &mut |v| match &v.kind {
        ValueKind::Operation {
            op: "addr",
            operands,
        } => operands
            .first()
            .and_then(pointer_path)
            .is_some_and(|taken| under(name, taken)),
        _ => false,
    })
}

/// The call in `value` that gets `name` as an argument, if any.
pub(crate) fn passed_to<'v>(value: &'v Value, name: &str) -> Option<&'v Call> {
    let mut found = None;
    any_in(value, &mut |v| {
        if let ValueKind::Call(call) = &v.kind {
            if call.args.iter().any(|a| pointer_path(a) == Some(name)) {
                found = Some(call.as_ref());
                return true;
            }
        }
        false
    });
    found
}

/// Whether `value` is a null pointer or an invalid-handle sentinel (`NULL`, `0`, `-1`,
/// `INVALID_SOCKET`, `CURL_SOCKET_BAD`: a constant or a macro named in capitals).
fn is_null(value: &Value) -> bool {
    match &value.kind {
        ValueKind::None => true,
        ValueKind::Int(n) => *n <= 0,
        ValueKind::Ref { path, .. } => {
            matches!(path.as_str(), "nullptr" | "Q_NULLPTR")
                || path
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        }
        ValueKind::Operation { op: "-", operands } => operands.len() == 1,
        _ => false,
    }
}

/// For a condition that tests `name`, the outcome on which `name` is known to be valid (not
/// null, or a descriptor not negative); `None` when the condition does not say.
pub(crate) fn valid_when(cond: &Value, name: &str) -> Option<bool> {
    let is_name = |v: &Value| pointer_path(v) == Some(name);
    match &cond.kind {
        _ if is_name(cond) => Some(true),
        ValueKind::Operation { op, operands } => match (*op, operands.as_slice()) {
            ("not", [inner]) => valid_when(inner, name).map(|b| !b),
            ("==" | "!=", [a, b]) if (is_name(a) && is_null(b)) || (is_name(b) && is_null(a)) => {
                Some(*op == "!=")
            }
            ("<", [a, b]) if is_name(a) && b.as_int() == Some(0) => Some(false),
            (">=", [a, b]) if is_name(a) && b.as_int() == Some(0) => Some(true),
            (">", [a, b]) if is_name(a) && b.as_int().is_some_and(|n| n <= 0) => Some(true),
            ("and", _) if operands.iter().any(|o| valid_when(o, name) == Some(true)) => Some(true),
            // `x && fd == -1`: when it holds, the handle is invalid.
            ("and", _) if operands.iter().any(|o| valid_when(o, name) == Some(false)) => {
                Some(false)
            }
            ("or", _) if operands.iter().any(|o| valid_when(o, name) == Some(false)) => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// The statement after `at`: where a search for what follows an event starts.
pub(crate) fn after(at: At) -> At {
    At {
        block: at.block,
        stmt: at.stmt + 1,
    }
}

/// What happens to a freed pointer first on some path.
pub(crate) enum AfterFree<'c> {
    /// It is read through (or handed to a call) in this statement.
    Used(&'c Stmt),
    /// It is freed again by this call.
    FreedAgain(&'c Call),
}

/// The first use or second release of `name`, freed by `release` just before `from`, on a path
/// where it is not given a new value. Error paths often free and set a status (`free(buf);
/// rc = ENOMEM;`) that later code tests before using the buffer: a branch on a variable assigned
/// in the releasing block or after the release is not followed, as the search cannot tell which
/// way it goes.
pub(crate) fn after_free<'c>(
    cfg: &'c Cfg,
    from: At,
    name: &str,
    release: &str,
) -> Option<AfterFree<'c>> {
    let family: &[&str] = if FREES.contains(&release) {
        FREES
    } else {
        &[release]
    };
    let mut again = None;
    let set_here = cfg
        .blocks
        .get(from.block as usize)
        .map_or(&[][..], |b| b.stmts.as_slice());
    let assigned = std::cell::RefCell::new(Vec::<&str>::new());
    let note = |stmt: &'c Stmt| {
        if let Stmt::Assign { target, .. } = stmt {
            assigned.borrow_mut().push(target.path.as_str());
        }
    };
    set_here.iter().for_each(note);
    let hit = first_hit(
        cfg,
        from,
        &mut |stmt| {
            note(stmt);
            if let Some((path, call)) = freed_in(stmt, family) {
                if path == name {
                    again = Some(call);
                    return Step::Hit;
                }
            }
            let Some(value) = stmt_value(stmt) else {
                return Step::Go;
            };
            if derefs(value, name) || writes_through(stmt, name) {
                return Step::Hit;
            }
            if reassigns(stmt, name) || address_taken(value, name) {
                return Step::Stop;
            }
            match passed_to(value, name) {
                Some(call) if !RELEASES.contains(&c_name(call)) => Step::Hit,
                _ => Step::Go,
            }
        },
        &mut |cond, _| {
            !assigned
                .borrow()
                .iter()
                .any(|var| *var != name && crate::rules::c::common::mentions(cond, var))
        },
    )?;
    Some(match again {
        Some(call) => AfterFree::FreedAgain(call),
        None => AfterFree::Used(hit),
    })
}

/// Every release of a pointer in the graph: where it is, what was freed, and the call.
pub(crate) fn releases<'c>(
    source: &'c str,
    cfg: &'c Cfg,
) -> impl Iterator<Item = (At, &'c str, &'c Call)> {
    crate::held::statements(cfg).filter_map(move |(at, stmt)| {
        // A pointer freed and given a new value in one statement (`p = next(p)`) is not dangling.
        if matches!(stmt, Stmt::Assign { .. }) {
            return None;
        }
        // An element freed in a loop (`free(items[i].name)`) is another element next time.
        let indexed = |call: &Call| {
            call.args.first().is_some_and(|a| {
                source
                    .get(a.span.start as usize..a.span.end as usize)
                    .is_some_and(|t| t.contains('['))
            })
        };
        freed_in(stmt, RELEASES)
            .filter(|(_, call)| !indexed(call))
            .map(|(path, call)| (at, path, call))
    })
}

/// Whether some path from `from` reaches a statement for which `test` holds.
pub(crate) fn reaches(cfg: &Cfg, from: At, test: &mut impl FnMut(&Stmt) -> bool) -> bool {
    first_hit(
        cfg,
        from,
        &mut |stmt| if test(stmt) { Step::Hit } else { Step::Go },
        &mut |_, _| true,
    )
    .is_some()
}

/// Whether `call` is the destructor call the front-end puts where a local object's scope ends:
/// for a pointer hidden behind a typedef (`res_state`, `PIP_ADAPTER_ADDRESSES`) it is no use.
pub(crate) fn is_scope_exit(call: &Call) -> bool {
    call.callee
        .method
        .as_deref()
        .is_some_and(|m| m.starts_with('~'))
}

/// C library calls that read or write through their pointer arguments and give them back
/// untouched: a use of the pointer, never a release or a hand-over.
pub(crate) const ACCESSES_THROUGH: &[&str] = &[
    "strcpy",
    "strncpy",
    "strcat",
    "strncat",
    "strlen",
    "strcmp",
    "strncmp",
    "strcasecmp",
    "strchr",
    "strrchr",
    "strstr",
    "memcpy",
    "memmove",
    "memset",
    "memcmp",
    "sprintf",
    "snprintf",
    "fprintf",
    "vfprintf",
    "fputs",
    "fgets",
    "fread",
    "fwrite",
    "fseek",
    "ftell",
    "fscanf",
    "fgetc",
    "getc",
    "fputc",
    "fflush",
    "fileno",
    "feof",
    "ferror",
    "readdir",
    "atoi",
    "strtol",
    "strtoul",
    "sscanf",
];
