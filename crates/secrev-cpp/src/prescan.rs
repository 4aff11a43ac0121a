//! Before a body is lowered: how each name in it is written, to decide which names always hold
//! the value (or the string built up) they were given.

use std::collections::HashMap;
use tree_sitter::Node;

/// How one name is written in a body.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Writes {
    /// Gives the name a whole new value: an initialiser, `=`, `strcpy`/`sprintf` into it.
    pub(crate) sets: u32,
    /// Writes that cannot be followed: `++`, `-=`, `&name` taken, a buffer handed to a call that
    /// may fill it, `strncpy`/`memcpy` into it, `clear()`.
    pub(crate) other: u32,
}

impl Writes {
    /// Whether the value the name holds can be followed: set at most once, then only appended
    /// to (`+=` on a string, `strcat`, `append`).
    pub(crate) fn followable(&self) -> bool {
        self.sets <= 1 && self.other == 0
    }
}

/// Calls that copy a whole string into their first argument.
pub(crate) const SETTERS: &[&str] = &["strcpy", "stpcpy", "wcscpy", "sprintf", "swprintf"];
/// `snprintf` sets its first argument too, but from its third on.
pub(crate) const BOUNDED_SETTERS: &[&str] = &["snprintf"];
/// Calls that append a string to their first argument.
pub(crate) const APPENDERS: &[&str] = &["strcat", "wcscat"];
/// Methods that change a string object in ways not followed.
const MUTATORS: &[&str] = &[
    "clear",
    "replace",
    "prepend",
    "insert",
    "remove",
    "chop",
    "truncate",
    "resize",
    "fill",
    "setNum",
    "swap",
    "assign",
    "erase",
    "push_back",
    "sprintf",
    "asprintf",
    "setRawData",
];
/// Calls known only to read their arguments: passing a buffer to them writes nothing.
const READERS: &[&str] = &[
    "system",
    "popen",
    "printf",
    "fprintf",
    "dprintf",
    "syslog",
    "puts",
    "fputs",
    "strlen",
    "strnlen",
    "wcslen",
    "strcmp",
    "strncmp",
    "strcasecmp",
    "strncasecmp",
    "strchr",
    "strrchr",
    "strstr",
    "strdup",
    "strndup",
    "atoi",
    "atol",
    "atoll",
    "strtol",
    "strtoul",
    "strtoll",
    "strtoull",
    "strtod",
    "execl",
    "execlp",
    "execle",
    "execv",
    "execvp",
    "execve",
    "open",
    "fopen",
    "access",
    "stat",
    "lstat",
    "unlink",
    "remove",
    "chmod",
    "chown",
    "mkdir",
    "rmdir",
    "rename",
    "perror",
    "write",
    "send",
    "sendto",
    "setenv",
    "putenv",
    "qDebug",
    "qWarning",
    "qCritical",
    "qInfo",
    "QString",
    "QByteArray",
    "QLatin1String",
    "std::string",
    "free",
    "sizeof",
    "sqlite3_exec",
    "sqlite3_prepare",
    "sqlite3_prepare_v2",
    "sqlite3_prepare_v3",
    "mysql_query",
    "mysql_real_query",
    "PQexec",
    "PQsendQuery",
    "PQexecParams",
    "strcspn",
    "strspn",
    "strpbrk",
    "memchr",
    "memcmp",
    "realpath",
    "opendir",
    "getaddrinfo",
    "inet_pton",
];

/// Whether a call named `name` only reads its arguments.
pub(crate) fn is_reader(name: &str) -> bool {
    let bare = name.strip_prefix("std::").unwrap_or(name);
    READERS.contains(&bare) || READERS.contains(&name)
}

/// Counts the writes of every name in `body`. `is_buffer` says whether a name is declared as an
/// array or pointer (a buffer a call may fill), `is_string` whether it is a string object.
pub(crate) fn writes(
    body: Node,
    source: &str,
    is_buffer: &dyn Fn(&str) -> bool,
    is_string: &dyn Fn(&str) -> bool,
) -> HashMap<String, Writes> {
    let text = |n: Node| source.get(n.byte_range()).unwrap_or("");
    let mut out: HashMap<String, Writes> = HashMap::new();
    let mut stack = vec![body];
    while let Some(node) = stack.pop() {
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
        match node.kind() {
            "init_declarator" => {
                if let Some(name) = node
                    .child_by_field_name("declarator")
                    .and_then(declared_name)
                {
                    out.entry(text(name).to_owned()).or_default().sets += 1;
                }
            }
            "assignment_expression" => {
                let Some(left) = node.child_by_field_name("left") else {
                    continue;
                };
                if left.kind() != "identifier" {
                    continue;
                }
                let entry = out.entry(text(left).to_owned()).or_default();
                match node.child_by_field_name("operator").map(text) {
                    Some("=") => entry.sets += 1,
                    // `+=` appends to a string, which is followed; a number it changes is not.
                    Some("+=") if is_string(text(left)) => {}
                    _ => entry.other += 1,
                }
            }
            "update_expression" => {
                if let Some(arg) = node.child_by_field_name("argument") {
                    if arg.kind() == "identifier" {
                        out.entry(text(arg).to_owned()).or_default().other += 1;
                    }
                }
            }
            "pointer_expression" | "unary_expression" => {
                let is_address = node.child_by_field_name("operator").map(text) == Some("&");
                if let Some(arg) = node.child_by_field_name("argument") {
                    if is_address && arg.kind() == "identifier" {
                        out.entry(text(arg).to_owned()).or_default().other += 1;
                    }
                }
            }
            "for_range_loop" => {
                if let Some(name) = node
                    .child_by_field_name("declarator")
                    .and_then(declared_name)
                {
                    out.entry(text(name).to_owned()).or_default().other += 1;
                }
            }
            "call_expression" => call_writes(node, source, is_buffer, &mut out),
            _ => {}
        }
    }
    out
}

fn call_writes(
    call: Node,
    source: &str,
    is_buffer: &dyn Fn(&str) -> bool,
    out: &mut HashMap<String, Writes>,
) {
    let text = |n: Node| source.get(n.byte_range()).unwrap_or("");
    let Some(function) = call.child_by_field_name("function") else {
        return;
    };
    if function.kind() == "field_expression" {
        let receiver = function.child_by_field_name("argument");
        let method = function.child_by_field_name("field").map(text);
        if let (Some(receiver), Some(method)) = (receiver, method) {
            if receiver.kind() == "identifier" && MUTATORS.contains(&method) {
                out.entry(text(receiver).to_owned()).or_default().other += 1;
            }
        }
    }
    let name = text(function).trim_start_matches("::");
    let name = name.strip_prefix("std::").unwrap_or(name);
    let Some(args) = call.child_by_field_name("arguments") else {
        return;
    };
    let mut cursor = args.walk();
    for (i, arg) in args.named_children(&mut cursor).enumerate() {
        if arg.kind() != "identifier" {
            continue;
        }
        let arg_name = text(arg);
        let is_dest = i == 0;
        let sets = is_dest && (SETTERS.contains(&name) || BOUNDED_SETTERS.contains(&name));
        let appends = is_dest && APPENDERS.contains(&name);
        let copies_from = !is_dest
            && (SETTERS.contains(&name)
                || BOUNDED_SETTERS.contains(&name)
                || APPENDERS.contains(&name));
        if sets {
            out.entry(arg_name.to_owned()).or_default().sets += 1;
        } else if !appends && !copies_from && is_buffer(arg_name) && !is_reader(name) {
            out.entry(arg_name.to_owned()).or_default().other += 1;
        }
    }
}

/// The identifier a declarator declares (`buf` in `*buf[64]`, `x` in `&x`).
pub(crate) fn declared_name(declarator: Node) -> Option<Node> {
    let mut node = declarator;
    for _ in 0..32 {
        match node.kind() {
            "identifier" | "field_identifier" => return Some(node),
            "qualified_identifier" => return node.child_by_field_name("name"),
            _ => {}
        }
        node = match node.child_by_field_name("declarator") {
            Some(inner) => inner,
            // Reference and parenthesized declarators hold the inner one as a plain child.
            None => {
                let mut cursor = node.walk();
                let next = node
                    .named_children(&mut cursor)
                    .find(|c| c.kind().ends_with("declarator") || c.kind() == "identifier");
                next?
            }
        };
    }
    None
}
