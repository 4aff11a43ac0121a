//! PY903 `resource-not-released`: a file, socket, process, descriptor or temporary directory
//! acquired outside `with` that the function releases on some paths but not on all of them, or a
//! descriptor it drops without ever closing.

use crate::held::{calls, leak, statements, stmt_value, At, Holder, Leak};
use crate::helpers::is_test_path;
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{ByteSpan, Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{Call, Function, Stmt, Value, ValueKind};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY903",
        name: "resource-not-released",
        title: "Resource acquired outside `with` and not released on every path",
        cwe: 772,
        category: Category::ResourceLeak,
        severity: Severity::Medium,
        confidence: Confidence::Medium,
        docs: RuleDocs {
            what: "Finds a resource bound to a local name outside `with` (`open()`, `os.fdopen`, \
                   sockets, `subprocess.Popen`, `tempfile.mkdtemp`, `os.open` and `mkstemp` \
                   descriptors, database connections and cursors, `urlopen` responses, and any \
                   object the function closes with `.close()`) that the function releases on some \
                   path, so it owns it, while another path leaves it unreleased: a `return`, a \
                   `raise`, the end of the body, or an exception from a call between acquisition \
                   and release that no `try`/`finally` covers. A resource returned, yielded, \
                   stored on an object or in a container, or handed to a call that takes it over \
                   (`contextlib.closing`, `ExitStack.enter_context`, `os.fdopen(fd)`) is not \
                   reported. Descriptors from `os.open` and `tempfile.mkstemp` that are never \
                   closed, returned or handed over are reported as well.",
            why: "Each leaked descriptor, socket or child process stays allocated until garbage \
                  collection gets to it, if ever: descriptors and temporary directories are never \
                  reclaimed. A long-running agent that leaks one per failed request eventually \
                  hits the descriptor limit (`Too many open files`) or fills the disk, and stops \
                  serving: a denial of service any caller able to make the operation fail can \
                  trigger.",
            example: "f = open(path)\nif not f.readline().startswith('#'):\n    return None\ndata = f.read()\nf.close()",
            fix: "with open(path) as f:\n    if not f.readline().startswith('#'):\n        return None\n    data = f.read()",
            references: &[
                "https://cwe.mitre.org/data/definitions/772.html",
                "https://cwe.mitre.org/data/definitions/775.html",
                "https://docs.python.org/3/reference/compound_stmts.html#the-with-statement",
            ],
        },
    },
    hooks: Hooks {
        function: Some(check),
        ..Hooks::NONE
    },
};

/// What kind of resource, which decides how it is released and how bad a leak is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// An object closed by `.close()`: files, sockets, connections, responses.
    Object,
    /// A child process, reaped by `wait()` / `communicate()`.
    Process,
    /// A temporary directory, removed by `shutil.rmtree`.
    TempDir,
    /// An integer file descriptor, closed by `os.close`.
    Fd,
}

impl Kind {
    /// Garbage collection never reclaims it.
    fn lasting(self) -> bool {
        matches!(self, Kind::TempDir | Kind::Fd)
    }

    fn released(self) -> &'static str {
        match self {
            Kind::Object | Kind::Fd => "closed",
            Kind::Process => "waited for",
            Kind::TempDir => "removed",
        }
    }

    fn what(self) -> &'static str {
        match self {
            Kind::Object => "",
            Kind::Process => "the process ",
            Kind::TempDir => "the temporary directory ",
            Kind::Fd => "the file descriptor ",
        }
    }
}

/// Calls whose result is a resource closed by `.close()`.
const OBJECTS: &[&str] = &[
    "builtins.open",
    "io.open",
    "codecs.open",
    "os.fdopen",
    "gzip.open",
    "gzip.GzipFile",
    "bz2.open",
    "bz2.BZ2File",
    "lzma.open",
    "tarfile.open",
    "zipfile.ZipFile",
    "tempfile.NamedTemporaryFile",
    "tempfile.TemporaryFile",
    "tempfile.SpooledTemporaryFile",
    "socket.socket",
    "socket.create_connection",
    "socket.fromfd",
    "ssl.wrap_socket",
    "urllib.request.urlopen",
    "urllib2.urlopen",
    "six.moves.urllib.request.urlopen",
    "sqlite3.connect",
    "pymysql.connect",
    "MySQLdb.connect",
    "psycopg2.connect",
    "requests.Session",
    "requests.session",
    "http.client.HTTPConnection",
    "http.client.HTTPSConnection",
    "ftplib.FTP",
    "smtplib.SMTP",
    "telnetlib.Telnet",
    "paramiko.SSHClient",
    "select.epoll",
    "selectors.DefaultSelector",
    "mmap.mmap",
    "shelve.open",
    "dbm.open",
];

const PROCESSES: &[&str] = &["subprocess.Popen", "eventlet.green.subprocess.Popen"];

const DESCRIPTORS: &[&str] = &["os.open", "os.dup"];

/// Methods that release the receiver, by kind (`close` releases every kind of object).
fn release_methods(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Object => &["close", "quit", "__exit__"],
        Kind::Process => &["wait", "communicate", "kill", "terminate", "close"],
        Kind::TempDir | Kind::Fd => &[],
    }
}

/// Functions that release the resource passed to them.
const RELEASE_FUNCTIONS: &[&str] = &["os.close", "shutil.rmtree", "os.rmdir", "os.removedirs"];

/// Words in a function's name that say it releases what it is given (`utils.close_fd(fd)`,
/// `fileutils.delete_if_exists(tmpdir)`, `self._cleanup(proc)`).
const RELEASE_WORDS: &[&str] = &[
    "close", "rmtree", "clean", "delete", "remove", "destroy", "release", "unlink", "kill", "wait",
    "stop", "shutdown",
];

/// Calls that take over the resource passed to them: it is theirs to release.
const TAKERS: &[&str] = &[
    "closing",
    "enter_context",
    "enter_async_context",
    "callback",
    "push",
    "append",
    "appendleft",
    "add",
    "insert",
    "extend",
    "put",
    "put_nowait",
    "setdefault",
    "update",
    "register",
    "fdopen",
    "wrap_socket",
    "spawn",
    "spawn_n",
    "spawn_after",
    "submit",
    "start_new_thread",
    "partial",
];

/// Descriptor functions that use an `os.open`/`mkstemp` descriptor without taking it over.
const FD_USES: &[&str] = &[
    "os.write",
    "os.read",
    "os.fsync",
    "os.fdatasync",
    "os.fstat",
    "os.lseek",
    "os.ftruncate",
    "os.fchmod",
    "os.fchown",
    "os.set_inheritable",
    "os.set_blocking",
    "os.isatty",
    "fcntl.flock",
    "fcntl.fcntl",
    "fcntl.lockf",
    "fcntl.ioctl",
];

/// The last name of the callee: the method, or the last component of a plain call.
fn short_name(call: &Call) -> &str {
    match call.callee.method.as_deref() {
        Some(method) => method,
        None => call
            .callee
            .text
            .rsplit('.')
            .next()
            .unwrap_or(&call.callee.text),
    }
}

fn is_var(value: &Value, var: &str) -> bool {
    matches!(&value.kind, ValueKind::Ref { path, base: None, .. } if path == var)
}

/// Whether `value` uses `var` itself (not one of its attributes, not as the receiver of a method
/// call): where it could be handed on.
fn bare(value: &Value, var: &str) -> bool {
    match &value.kind {
        ValueKind::Ref { path, base, .. } => {
            path == var || base.as_deref().is_some_and(|b| bare(b, var))
        }
        ValueKind::Call(call) => {
            call.args.iter().any(|a| bare(a, var))
                || call.keywords.iter().any(|k| bare(&k.value, var))
                || call
                    .callee
                    .receiver
                    .as_deref()
                    .is_some_and(|r| !is_var(r, var) && bare(r, var))
        }
        ValueKind::Build { parts, .. } => parts
            .iter()
            .any(|p| matches!(p, secrev_ir::Part::Hole(h) if bare(h, var))),
        ValueKind::List(items) | ValueKind::Tuple(items) | ValueKind::Set(items) => {
            items.iter().any(|i| bare(i, var))
        }
        ValueKind::Dict(entries) => entries
            .iter()
            .any(|(k, v)| k.as_ref().is_some_and(|k| bare(k, var)) || bare(v, var)),
        ValueKind::Operation { operands, .. } => operands.iter().any(|o| bare(o, var)),
        ValueKind::Comprehension { bindings, elements } => {
            bindings.iter().any(|(_, v)| bare(v, var)) || elements.iter().any(|e| bare(e, var))
        }
        _ => false,
    }
}

/// Whether the call takes over `var`: a known taker, or a class built around it
/// (`io.TextIOWrapper(f)`, `Reader(sock)`).
fn takes(call: &Call, var: &str) -> bool {
    let name = short_name(call);
    // The object's own methods may keep it, or close it: not followed.
    let own = call.callee.receiver.as_deref().is_some_and(|r| {
        matches!(&r.kind, ValueKind::Ref { path, base: None, .. } if path == "self" || path == "cls")
    });
    (own || TAKERS.contains(&name) || name.starts_with(|c: char| c.is_ascii_uppercase()))
        && (call.args.iter().any(|a| bare(a, var))
            || call.keywords.iter().any(|k| bare(&k.value, var)))
}

/// Whether `value` is, or holds, the resource itself: `f`, `(fd, path)`, `{"proc": proc}`,
/// `Wrapper(sock)`; not `f.read()` or `json.load(f)`.
fn holds(value: &Value, var: &str) -> bool {
    match &value.kind {
        ValueKind::Ref { .. } => is_var(value, var),
        ValueKind::List(items) | ValueKind::Tuple(items) | ValueKind::Set(items) => {
            items.iter().any(|i| holds(i, var))
        }
        ValueKind::Dict(entries) => entries.iter().any(|(_, v)| holds(v, var)),
        ValueKind::Operation { op, operands } => {
            *op != "[]" && operands.iter().any(|o| holds(o, var))
        }
        ValueKind::Call(call) => takes(call, var),
        _ => false,
    }
}

/// Whether a condition tests the resource itself (`if f:`, `if proc is not None:`).
fn tests(cond: &Value, var: &str) -> bool {
    match &cond.kind {
        ValueKind::Ref { .. } => is_var(cond, var),
        ValueKind::Operation { operands, .. } => operands.iter().any(|o| tests(o, var)),
        ValueKind::Call(call) => {
            matches!(short_name(call), "isinstance" | "bool" | "callable")
                && call.args.iter().any(|a| tests(a, var))
        }
        _ => false,
    }
}

struct Resource<'a> {
    var: &'a str,
    kind: Kind,
    function: &'a Function,
}

impl Resource<'_> {
    /// Whether `call` releases the resource.
    fn releases_call(&self, call: &Call) -> bool {
        if let Some(receiver) = call.callee.receiver.as_deref() {
            if is_var(receiver, self.var) {
                let method = call.callee.method.as_deref().unwrap_or("");
                return method == "close" || release_methods(self.kind).contains(&method);
            }
        }
        let passed = call.args.iter().any(|a| is_var(a, self.var))
            || call.keywords.iter().any(|k| is_var(&k.value, self.var));
        if !passed {
            return false;
        }
        if call.is_any(RELEASE_FUNCTIONS) {
            return true;
        }
        let name = short_name(call).to_ascii_lowercase();
        RELEASE_WORDS.iter().any(|w| name.contains(w))
    }

    fn releases(&self, stmt: &Stmt) -> bool {
        calls(stmt, &mut |c| self.releases_call(c))
    }

    /// A `with` statement's item: `with f:`, `with closing(sock):`.
    fn managed(&self, value: &Value) -> bool {
        self.function
            .managed
            .iter()
            .any(|m| m.manager.span == value.span)
            && (is_var(value, self.var) || bare(value, self.var))
    }
}

impl Holder for Resource<'_> {
    fn gives_back(&mut self, stmt: &Stmt) -> bool {
        if self.releases(stmt) || calls(stmt, &mut |c| takes(c, self.var)) {
            return true;
        }
        match stmt {
            Stmt::Assign { target, value, .. } => {
                if target.path == self.var {
                    // Bound to something else: what happens to the old one is not followed.
                    return true;
                }
                let stored = target.path.contains(['.', '[']);
                self.managed(value) || holds(value, self.var) || (stored && bare(value, self.var))
            }
            Stmt::Eval(value) => self.managed(value),
            Stmt::Return { value, .. } => value.as_deref().is_some_and(|v| holds(v, self.var)),
        }
    }

    fn follows(&mut self, cond: &Value, _taken: bool) -> bool {
        !tests(cond, self.var)
    }
}

/// The resource an assignment's value acquires, if any: its kind and the acquiring call.
fn acquired(value: &Value) -> Option<(Kind, &Call)> {
    match &value.kind {
        ValueKind::Call(call) => {
            let kind = if call.is_any(OBJECTS) {
                Kind::Object
            } else if call.is_any(PROCESSES) {
                Kind::Process
            } else if call.is_any(DESCRIPTORS) {
                Kind::Fd
            } else if call.is_any(&["tempfile.mkdtemp"]) {
                Kind::TempDir
            } else {
                // Any other object the function closes is a resource it owns; checked later.
                Kind::Object
            };
            Some((kind, call))
        }
        // `fd, path = tempfile.mkstemp()`: the descriptor.
        ValueKind::Operation { op: "[]", operands } => match operands.as_slice() {
            [Value {
                kind: ValueKind::Call(call),
                ..
            }, Value {
                kind: ValueKind::Int(0),
                ..
            }] if call.is_any(&["tempfile.mkstemp"]) => Some((Kind::Fd, call)),
            _ => None,
        },
        _ => None,
    }
}

fn is_known(call: &Call) -> bool {
    call.is_any(OBJECTS)
        || call.is_any(PROCESSES)
        || call.is_any(DESCRIPTORS)
        || call.is_any(&["tempfile.mkdtemp", "tempfile.mkstemp"])
}

fn check(ctx: &Context, function: &Function, out: &mut Reporter) {
    let cfg = &function.cfg;
    let mut source: Option<&str> = None;
    for (at, stmt) in statements(cfg) {
        let Stmt::Assign { target, value, .. } = stmt else {
            continue;
        };
        let Some((kind, call)) = acquired(value) else {
            continue;
        };
        let var = target.path.as_str();
        if var.contains(['.', '[']) {
            continue;
        }
        // `with open(path) as f:` binds `f` the same way.
        if function
            .managed
            .iter()
            .any(|m| m.manager.span == value.span)
        {
            continue;
        }
        let resource = Resource {
            var,
            kind,
            function,
        };
        let owned = var != "_" && statements(cfg).any(|(_, s)| resource.releases(s));
        if !owned {
            if kind == Kind::Fd && dropped(&resource) {
                let text = source.get_or_insert_with(|| ctx.text(function.span));
                if !declared(text, var) {
                    report_dropped(ctx, &resource, call, out);
                }
            }
            continue;
        }
        if !is_known(call) && !known_enough(call) {
            continue;
        }
        // `fd, path = tempfile.mkstemp()` binds both names from the one call.
        let stmts = &cfg.blocks[at.block as usize].stmts;
        let mut next = at.stmt + 1;
        while stmts
            .get(next)
            .and_then(stmt_value)
            .is_some_and(|v| v.span == value.span)
        {
            next += 1;
        }
        let from = At {
            block: at.block,
            stmt: next,
        };
        let mut resource = resource;
        let Some(escape) = leak(cfg, from, &mut resource) else {
            continue;
        };
        let text = source.get_or_insert_with(|| ctx.text(function.span));
        // A generator hands out what it yields; a global outlives the call.
        if text.contains("yield") || declared(text, var) {
            continue;
        }
        if matches!(escape, Leak::Raise(_)) && is_test_path(ctx.path) {
            continue;
        }
        report(ctx, &resource, call, escape, out);
    }
}

/// Whether an object of unknown type, closed by the function, is worth following: one built by
/// a call whose name says it opens or connects something.
fn known_enough(call: &Call) -> bool {
    let name = short_name(call).to_ascii_lowercase();
    [
        "open", "connect", "socket", "cursor", "popen", "session", "urlopen",
    ]
    .iter()
    .any(|w| name.contains(w))
}

/// `global var` / `nonlocal var` in the function's text.
fn declared(text: &str, var: &str) -> bool {
    ["global ", "nonlocal "].iter().any(|kw| {
        text.match_indices(kw).any(|(at, _)| {
            text[at + kw.len()..]
                .split(['\n', ';', '#'])
                .next()
                .is_some_and(|names| names.split(',').any(|n| n.trim() == var))
        })
    })
}

/// A descriptor the function never closes, returns, stores or hands over.
fn dropped(resource: &Resource) -> bool {
    let var = resource.var;
    if var == "_" {
        return true;
    }
    let mut uses_only = true;
    for (_, stmt) in statements(&resource.function.cfg) {
        let mut r = Resource { ..*resource };
        if r.gives_back(stmt) {
            // Only the acquisition itself binds the name.
            if let Stmt::Assign { target, value, .. } = stmt {
                if target.path == var && acquired(value).is_some() {
                    continue;
                }
            }
            return false;
        }
        calls(stmt, &mut |c| {
            let passed = c.args.iter().any(|a| bare(a, var))
                || c.keywords.iter().any(|k| bare(&k.value, var));
            if passed && !c.is_any(FD_USES) {
                uses_only = false;
            }
            false
        });
        if !uses_only {
            return false;
        }
    }
    true
}

fn report_dropped(ctx: &Context, resource: &Resource, call: &Call, out: &mut Reporter) {
    let var = resource.var;
    let acquire = ctx.code(call.span);
    let (message, fix) = if var == "_" {
        (
            format!("The file descriptor returned by `{acquire}` is thrown away into `_` and never closed: each call leaks one descriptor."),
            "Keep the descriptor and close it: `fd, path = tempfile.mkstemp()` then `os.close(fd)`, or wrap it at once with `with os.fdopen(fd, 'w') as f:`.".to_owned(),
        )
    } else {
        (
            format!("The file descriptor `{var}` from `{acquire}` is never closed, returned or handed over in `{}`: each call leaks one descriptor.", resource.function.name),
            format!("Close it in a `finally:` with `os.close({var})`, or wrap it at once with `with os.fdopen({var}, ...) as f:`."),
        )
    };
    out.report(call.span, message, fix);
}

fn report(ctx: &Context, resource: &Resource, call: &Call, escape: Leak, out: &mut Reporter) {
    let var = resource.var;
    let kind = resource.kind;
    let acquire = ctx.code(call.span);
    let released = kind.released();
    let what = kind.what();
    let head = format!("{what}`{var}` from `{acquire}` is {released} on some paths, but");
    let (message, related, exception) = match escape {
        Leak::Exit { ret: Some(ret), .. } => (
            format!(
                "{head} this `return` (line {}) leaves the function without that.",
                ctx.line_of(ret)
            ),
            (ret, format!("returns with `{var}` not {released}")),
            false,
        ),
        Leak::Exit { ret: None, last } => match last.filter(|l| raises(ctx, *l)) {
            Some(raise) => (
                format!(
                    "{head} the `raise` on line {} leaves the function without that.",
                    ctx.line_of(raise)
                ),
                (raise, format!("raises with `{var}` not {released}")),
                false,
            ),
            None => (
                format!(
                    "{head} a path through `{}` reaches its end without that.",
                    resource.function.name
                ),
                (
                    resource.function.name_span,
                    format!("a path ends here with `{var}` not {released}"),
                ),
                false,
            ),
        },
        Leak::Raise(raising) => (
            format!(
                "{head} if `{}` (line {}) raises, no `finally` or handler releases it.",
                ctx.code(raising.callee.span),
                ctx.line_of(raising.span)
            ),
            (
                raising.span,
                format!("an exception here leaves `{var}` not {released}"),
            ),
            true,
        ),
    };
    let fix = match kind {
        Kind::Object => format!("Acquire it in a `with` statement (`with {acquire} as {var}:`), or release it in `finally: {var}.close()`."),
        Kind::Process => format!("Reap the process on every path: `try:` right after `{acquire}` and `finally:` with `{var}.kill()` / `{var}.wait()` as needed."),
        Kind::TempDir => format!("Use `with tempfile.TemporaryDirectory() as {var}:`, or remove it in `finally: shutil.rmtree({var}, ignore_errors=True)`."),
        Kind::Fd => format!("Close it in `finally: os.close({var})`, or wrap it at once in `with os.fdopen({var}, ...) as f:`."),
    };
    let hit = out.report(call.span, message, fix);
    hit.related(related.0, related.1);
    if exception && !kind.lasting() {
        hit.severity(Severity::Low);
    }
}

/// Whether the statement at `span` is the exception of a `raise` statement.
fn raises(ctx: &Context, span: ByteSpan) -> bool {
    let before = ctx.source.get(..span.start as usize).unwrap_or("");
    before.trim_end().ends_with("raise")
}
