//! Lowering a tree-sitter C/C++ tree into [`secrev_ir`]: a first pass collects what the whole
//! file declares (macros and enumerators with constant values, classes and their fields), then
//! file-scope declarations become the module body and every function, method and lambda is
//! lowered with its own graph.

use crate::prescan::{self, Writes};
use crate::span;
use crate::text;
use secrev_core::ByteSpan;
use secrev_ir::{
    Assert, Assign, BuildKind, Call, Callee, CfgBuilder, CompactString, EdgeKind, Function,
    FunctionKind, Handler, HandlerBody, HandlerFlow, Import, Language, Local, LoopTargets, Op,
    Param, Part, Place, Stmt, Target, Unit, Value, ValueKind, EXIT,
};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use tree_sitter::Node;

/// Expressions and statements nested deeper than this are not followed (the walk recurses).
const MAX_DEPTH: u32 = 400;

/// Types whose objects are strings: `+` on them concatenates.
const STRING_TYPES: &[&str] = &[
    "QString",
    "QByteArray",
    "std::string",
    "string",
    "std::wstring",
    "wstring",
    "QLatin1String",
    "std::string_view",
    "QStringView",
];

/// Calls whose value is the string literal they wrap.
const STRING_WRAPPERS: &[&str] = &[
    "QString",
    "QStringLiteral",
    "QLatin1String",
    "QLatin1StringView",
    "QByteArray",
    "QByteArrayLiteral",
    "std::string",
    "string",
    "tr",
    "QObject::tr",
    "QCoreApplication::translate",
    "QString::fromUtf8",
    "QString::fromLatin1",
    "QString::fromLocal8Bit",
    "QString::fromStdString",
    "QString::fromAscii",
    "QT_TR_NOOP",
    "_",
    "N_",
    "gettext",
];

/// Methods and functions that return the same text in another representation
/// (`s.c_str()`, `name.toUtf8()`, `qPrintable(name)`): their value is the string's.
const SAME_TEXT_METHODS: &[&str] = &[
    "c_str",
    "data",
    "constData",
    "toUtf8",
    "toLocal8Bit",
    "toLatin1",
    "toStdString",
    "toStdWString",
    "str",
];
const SAME_TEXT_FUNCTIONS: &[&str] = &["qPrintable", "qUtf8Printable", "qUtf16Printable"];

/// Calls whose value is a number formatted as text.
const NUMBER_FORMATTERS: &[&str] = &[
    "QString::number",
    "QByteArray::number",
    "std::to_string",
    "to_string",
];

/// Class templates that own a pointer: `->` on them reaches the pointee's members.
const SMART_POINTERS: &[&str] = &[
    "std::unique_ptr",
    "std::shared_ptr",
    "unique_ptr",
    "shared_ptr",
    "QScopedPointer",
    "QSharedPointer",
    "QPointer",
];

/// Types that need no destructor call at scope exit.
const PLAIN_TYPES: &[&str] = &[
    "char",
    "signed",
    "unsigned",
    "short",
    "int",
    "long",
    "float",
    "double",
    "bool",
    "void",
    "auto",
    "wchar_t",
    "char16_t",
    "char16_t",
    "char32_t",
    "size_t",
    "ssize_t",
    "qint64",
    "quint64",
    "qint32",
    "quint32",
    "qint16",
    "quint16",
    "qint8",
    "quint8",
    "qsizetype",
    "uint",
    "ulong",
    "uchar",
    "ushort",
    "qreal",
    "off_t",
    "pid_t",
    "uid_t",
    "gid_t",
    "mode_t",
    "time_t",
    "FILE",
    "DIR",
    "socklen_t",
    "sockaddr",
    "sockaddr_in",
    "stat",
];

/// An empty module body, for a file that could not be parsed at all.
pub(crate) fn empty_module(source: &str) -> Vec<Function> {
    vec![module_function(
        source,
        Vec::new(),
        CfgBuilder::new(),
        Vec::new(),
    )]
}

fn module_function(source: &str, ops: Vec<Op>, cfg: CfgBuilder, locals: Vec<Local>) -> Function {
    let whole = ByteSpan {
        start: 0,
        end: u32::try_from(source.len()).unwrap_or(u32::MAX),
    };
    Function {
        kind: FunctionKind::Module,
        name: "<module>".to_owned(),
        qualname: "<module>".to_owned(),
        span: whole,
        name_span: ByteSpan { start: 0, end: 0 },
        params: Vec::new(),
        decorators: Vec::new(),
        ops,
        cfg: cfg.finish(),
        managed: Vec::new(),
        bases: Vec::new(),
        outer_names: Vec::new(),
        locals,
    }
}

/// What the whole file declares, read before any body is lowered.
struct FileFacts<'s> {
    source: &'s str,
    language: Language,
    /// Macros, enumerators and `const` file-scope variables with a constant value.
    consts: HashMap<String, Arc<Value>>,
    /// Field types of each class or struct, by its plain name.
    fields: HashMap<String, Vec<Local>>,
    /// Names of classes, structs and typedefs declared in the file.
    types: HashSet<String>,
    /// Typedef names of named records (`typedef struct job job_t;`): alias, record name.
    aliases: Vec<(String, String)>,
    /// Methods each class declares, by the class's plain name.
    methods: HashMap<String, HashSet<String>>,
}

impl<'s> FileFacts<'s> {
    fn text(&self, node: Node) -> &'s str {
        self.source.get(node.byte_range()).unwrap_or("")
    }

    /// Whether `name` looks like a class: declared in the file, a Qt class (`QProcess`) or a
    /// standard library type.
    fn is_class(&self, name: &str) -> bool {
        let plain = strip_template(name);
        self.types.contains(plain)
            || plain.starts_with("std::")
            || (plain.len() > 2
                && plain.starts_with('Q')
                && plain[1..].starts_with(|c: char| c.is_ascii_uppercase())
                && !plain.contains("::"))
    }
}

/// Lowers the translation unit under `root`; the flag says whether some code nested too deeply
/// to follow.
pub(crate) fn lower_unit(root: Node, source: &str, language: Language) -> (Unit, bool) {
    let mut facts = FileFacts {
        source,
        language,
        consts: HashMap::new(),
        fields: HashMap::new(),
        types: HashSet::new(),
        aliases: Vec::new(),
        methods: HashMap::new(),
    };
    let mut imports = Vec::new();
    collect_facts(root, &mut facts, &mut imports, 0);
    let facts = facts;
    let mut out = Output::default();
    let mut module = Body::new(&facts, "<module>".to_owned(), None, FunctionKind::Module);
    walk_items(root, &facts, &mut module, &mut out, &mut Vec::new(), 0);
    let module_fn = module.finish_module(source);
    let mut functions = vec![module_fn];
    let mut rest = out.functions;
    rest.sort_by_key(|f| f.span.start);
    functions.extend(rest);
    imports.sort_by_key(|i: &Import| i.span.start);
    (
        Unit {
            language,
            functions,
            imports,
            records: records(&facts),
        },
        out.too_deep || module.too_deep,
    )
}

#[derive(Default)]
struct Output {
    functions: Vec<Function>,
    too_deep: bool,
}

/// First pass: macros, enumerators, classes and their fields, includes.
fn collect_facts(node: Node, facts: &mut FileFacts, imports: &mut Vec<Import>, depth: u32) {
    if depth > MAX_DEPTH {
        return;
    }
    match node.kind() {
        "preproc_def" => {
            let name = node.child_by_field_name("name").map(|n| facts.text(n));
            let value = node.child_by_field_name("value");
            if let (Some(name), Some(value)) = (name, value) {
                if let Some(constant) = macro_value(facts.text(value).trim(), span(value)) {
                    facts.consts.insert(name.to_owned(), Arc::new(constant));
                }
            }
            return;
        }
        "preproc_include" => {
            if let Some(path) = node.child_by_field_name("path") {
                let text = facts.text(path).trim_matches(['<', '>', '"']);
                imports.push(Import {
                    qualname: text.to_owned(),
                    span: span(node),
                });
            }
            return;
        }
        "enum_specifier" => {
            if let Some(body) = node.child_by_field_name("body") {
                let mut next = 0i128;
                let mut cursor = body.walk();
                for item in body.named_children(&mut cursor) {
                    if item.kind() != "enumerator" {
                        continue;
                    }
                    let Some(name) = item.child_by_field_name("name") else {
                        continue;
                    };
                    if let Some(value) = item.child_by_field_name("value") {
                        match text::number(facts.text(value)) {
                            ValueKind::Int(i) => next = i,
                            _ => continue,
                        }
                    }
                    facts.consts.insert(
                        facts.text(name).to_owned(),
                        Arc::new(Value {
                            kind: ValueKind::Int(next),
                            span: span(item),
                        }),
                    );
                    next += 1;
                }
            }
        }
        "class_specifier" | "struct_specifier" | "union_specifier" => {
            if let (Some(name), Some(body)) = (
                node.child_by_field_name("name"),
                node.child_by_field_name("body"),
            ) {
                let class = strip_template(facts.text(name)).to_owned();
                let (fields, methods) = members(facts, body);
                facts
                    .methods
                    .entry(class.clone())
                    .or_default()
                    .extend(methods);
                facts.types.insert(class.clone());
                facts.fields.entry(class).or_default().extend(fields);
            }
        }
        "declaration" => {
            // A file-scope constant (`static const char *TOOL = "/usr/bin/tar";`).
            let locals = declared_locals(facts, node, false);
            let mut cursor = node.walk();
            let declarators: Vec<Node> = node
                .children_by_field_name("declarator", &mut cursor)
                .collect();
            for (declarator, local) in declarators.into_iter().zip(locals) {
                let init = declarator.child_by_field_name("value");
                if let (true, Some(init)) = (local.is_const, init) {
                    let value = match init.kind() {
                        "string_literal" => Some(ValueKind::Str(string_literal(facts, init))),
                        "number_literal" => Some(text::number(facts.text(init))),
                        _ => None,
                    };
                    if let Some(kind) = value {
                        facts.consts.insert(
                            local.name.to_string(),
                            Arc::new(Value {
                                kind,
                                span: span(init),
                            }),
                        );
                    }
                }
            }
        }
        "type_definition" => {
            // `typedef struct job job_t;` and `typedef struct { ... } job_t;`: the alias names
            // the record's members too.
            let record = node
                .child_by_field_name("type")
                .filter(|t| t.kind().ends_with("_specifier"));
            let named = record
                .and_then(|t| t.child_by_field_name("name"))
                .map(|n| strip_template(facts.text(n)).to_owned());
            let anonymous = record
                .filter(|t| t.child_by_field_name("name").is_none())
                .and_then(|t| t.child_by_field_name("body"))
                .map(|body| members(facts, body).0);
            let mut cursor = node.walk();
            for declarator in node.children_by_field_name("declarator", &mut cursor) {
                // Only the type itself, not a pointer to it or a function type.
                let direct = declarator.kind() == "type_identifier";
                let name = if direct {
                    Some(declarator)
                } else {
                    prescan::declared_name(declarator)
                };
                if let Some(name) = name {
                    let alias = facts.text(name).to_owned();
                    facts.types.insert(alias.clone());
                    match (&named, &anonymous) {
                        (Some(target), _) if direct && *target != alias => {
                            facts.aliases.push((alias, target.clone()));
                        }
                        (None, Some(fields)) if direct => {
                            facts
                                .fields
                                .entry(alias)
                                .or_default()
                                .extend(fields.clone());
                        }
                        _ => {}
                    }
                }
            }
        }
        _ => {}
    }
    if node.kind() == "function_definition" {
        return;
    }
    let mut cursor = node.walk();
    let children: Vec<Node> = node.named_children(&mut cursor).collect();
    for child in children {
        collect_facts(child, facts, imports, depth + 1);
    }
}

/// The data members and method names a class, struct or union body declares.
fn members(facts: &FileFacts, body: Node) -> (Vec<Local>, HashSet<String>) {
    let mut fields = Vec::new();
    let mut methods = HashSet::new();
    let mut cursor = body.walk();
    for item in body.named_children(&mut cursor) {
        let declarator = item.child_by_field_name("declarator");
        match declarator.and_then(find_function_declarator) {
            Some(function) => {
                let name = function.child_by_field_name("declarator");
                methods.extend(name.map(|n| facts.text(n).to_owned()));
            }
            None if item.kind() == "field_declaration" => {
                fields.extend(declared_locals(facts, item, false));
            }
            None => {}
        }
    }
    (fields, methods)
}

/// The record table of the unit: every record's fields by its name, and by each typedef alias.
fn records(facts: &FileFacts) -> BTreeMap<String, Vec<Local>> {
    let mut records: BTreeMap<String, Vec<Local>> = facts
        .fields
        .iter()
        .map(|(name, fields)| (name.clone(), fields.clone()))
        .collect();
    for (alias, target) in &facts.aliases {
        if let Some(fields) = facts.fields.get(target) {
            records
                .entry(alias.clone())
                .or_insert_with(|| fields.clone());
        }
    }
    records
}

/// The value of an object-like macro whose body is a literal (`64`, `"/tmp/x"`, `(0644)`).
fn macro_value(body: &str, at: ByteSpan) -> Option<Value> {
    let body = body.trim();
    let inner = body
        .strip_prefix('(')
        .and_then(|b| b.strip_suffix(')'))
        .unwrap_or(body)
        .trim();
    if let Some(quoted) = inner.strip_prefix('"').and_then(|b| b.strip_suffix('"')) {
        if !quoted.contains('"') {
            return Some(Value {
                kind: ValueKind::Str(text::unescape(quoted)),
                span: at,
            });
        }
        return None;
    }
    if inner.starts_with(|c: char| c.is_ascii_digit()) {
        let kind = text::number(inner);
        if matches!(kind, ValueKind::Int(_) | ValueKind::Float(_)) {
            return Some(Value { kind, span: at });
        }
    }
    None
}

/// The variables one declaration declares (`char *a, b[8];` declares two).
fn declared_locals(facts: &FileFacts, decl: Node, param: bool) -> Vec<Local> {
    let ty_text = decl
        .child_by_field_name("type")
        .map(|t| normalize_type(facts.text(t)))
        .unwrap_or_default();
    let mut is_static = false;
    let mut is_const = false;
    let mut cursor = decl.walk();
    for child in decl.children(&mut cursor) {
        match child.kind() {
            // An `extern` declaration in a body names a file-scope variable.
            "storage_class_specifier" if matches!(facts.text(child), "static" | "extern") => {
                is_static = true
            }
            "type_qualifier"
                if facts.text(child) == "const" || facts.text(child) == "constexpr" =>
            {
                is_const = true
            }
            _ => {}
        }
    }
    let mut locals = Vec::new();
    let mut cursor = decl.walk();
    for declarator in decl.children_by_field_name("declarator", &mut cursor) {
        let (target, init) = if declarator.kind() == "init_declarator" {
            (
                declarator.child_by_field_name("declarator"),
                declarator.child_by_field_name("value"),
            )
        } else {
            (Some(declarator), None)
        };
        let Some(target) = target else {
            continue;
        };
        let Some(name) = prescan::declared_name(target) else {
            continue;
        };
        let Shape {
            pointers,
            array_len,
            const_inside,
            reference,
        } = shape(facts, target, init);
        let mut ty = ty_text.clone();
        if ty == "auto" {
            if let Some(inferred) = init.and_then(|i| inferred_type(facts, i)) {
                ty = inferred;
            }
        }
        locals.push(Local {
            name: CompactString::from(facts.text(name)),
            ty,
            pointers: pointers + u8::from(auto_pointer(init)),
            array_len,
            param,
            is_static,
            is_const: is_const || const_inside,
            reference,
            span: span(name),
            scope: decl.parent().map_or(span(decl), span),
        });
    }
    locals
}

/// Whether an `auto` initialiser is a `new` expression (the variable is a pointer).
fn auto_pointer(init: Option<Node>) -> bool {
    init.is_some_and(|i| i.kind() == "new_expression")
}

/// The type an `auto` variable takes from `new T(...)` or `T(...)`.
fn inferred_type(facts: &FileFacts, init: Node) -> Option<String> {
    match init.kind() {
        "new_expression" => init
            .child_by_field_name("type")
            .map(|t| normalize_type(facts.text(t))),
        "call_expression" => {
            let function = init.child_by_field_name("function")?;
            let name = facts.text(function);
            facts.is_class(name).then(|| normalize_type(name))
        }
        _ => None,
    }
}

/// Pointer depth, array length and inner `const` of a declarator.
/// What a declarator says about the variable beyond its type.
struct Shape {
    pointers: u8,
    array_len: Option<Value>,
    /// A `const` between the pointers (`char *const p`).
    const_inside: bool,
    reference: bool,
}

fn shape(facts: &FileFacts, declarator: Node, init: Option<Node>) -> Shape {
    let mut pointers = 0u8;
    let mut array_len = None;
    let mut is_const = false;
    let mut reference = false;
    let mut node = declarator;
    for _ in 0..32 {
        match node.kind() {
            "pointer_declarator" => {
                pointers = pointers.saturating_add(1);
                let mut cursor = node.walk();
                is_const |= node
                    .children(&mut cursor)
                    .any(|c| c.kind() == "type_qualifier" && facts.text(c) == "const");
            }
            "array_declarator" => {
                array_len = Some(match node.child_by_field_name("size") {
                    Some(size) => constant_expr(facts, size),
                    None => match init.filter(|i| i.kind() == "string_literal") {
                        Some(literal) => Value {
                            kind: ValueKind::Int(string_literal(facts, literal).len() as i128 + 1),
                            span: span(literal),
                        },
                        None => Value::unknown(span(node)),
                    },
                });
            }
            "reference_declarator" => reference = true,
            "identifier" | "field_identifier" | "qualified_identifier" => break,
            _ => {}
        }
        let next = node.child_by_field_name("declarator").or_else(|| {
            let mut cursor = node.walk();
            let found = node
                .named_children(&mut cursor)
                .find(|c| c.kind().ends_with("declarator") || c.kind() == "identifier");
            found
        });
        match next {
            Some(inner) => node = inner,
            None => break,
        }
    }
    Shape {
        pointers,
        array_len,
        const_inside: is_const,
        reference,
    }
}

/// An array size or other constant expression at declaration time: literals, macros and
/// enumerators, `+ - * /` of those, `sizeof` kept as is.
fn constant_expr(facts: &FileFacts, node: Node) -> Value {
    let at = span(node);
    let kind = match node.kind() {
        "number_literal" => text::number(facts.text(node)),
        "identifier" => {
            let name = facts.text(node);
            return Value {
                kind: ValueKind::Ref {
                    path: CompactString::from(name),
                    qualname: Some(name.to_owned()),
                    bound: facts.consts.get(name).cloned(),
                    base: None,
                },
                span: at,
            };
        }
        "parenthesized_expression" => {
            return node
                .named_child(0)
                .map_or(Value::unknown(at), |inner| constant_expr(facts, inner))
        }
        "binary_expression" => {
            let left = node
                .child_by_field_name("left")
                .map(|n| constant_expr(facts, n));
            let right = node
                .child_by_field_name("right")
                .map(|n| constant_expr(facts, n));
            let op = node
                .child_by_field_name("operator")
                .map_or("", |o| facts.text(o));
            match (left, right) {
                (Some(l), Some(r)) => fold_arith(op, l, r, at),
                _ => ValueKind::Unknown,
            }
        }
        _ => ValueKind::Unknown,
    };
    Value { kind, span: at }
}

/// `l op r`, folded when both are known integers.
fn fold_arith(op: &str, l: Value, r: Value, _at: ByteSpan) -> ValueKind {
    if let (Some(a), Some(b)) = (l.as_int(), r.as_int()) {
        let folded = match op {
            "+" => a.checked_add(b),
            "-" => a.checked_sub(b),
            "*" => a.checked_mul(b),
            "/" if b != 0 => a.checked_div(b),
            "%" if b != 0 => a.checked_rem(b),
            "|" => Some(a | b),
            "&" => Some(a & b),
            "^" => Some(a ^ b),
            "<<" if (0..64).contains(&b) => a.checked_shl(b as u32),
            ">>" if (0..64).contains(&b) => a.checked_shr(b as u32),
            _ => None,
        };
        if let Some(value) = folded {
            return ValueKind::Int(value);
        }
    }
    ValueKind::Operation {
        op: static_op(op),
        operands: vec![l, r],
    }
}

/// The operator as a `'static` name (the representation stores operator names, not text).
fn static_op(op: &str) -> &'static str {
    const OPS: &[&str] = &[
        "+", "-", "*", "/", "%", "|", "&", "^", "<<", ">>", "==", "!=", "<", "<=", ">", ">=",
        "and", "or", "not", "~", "<=>",
    ];
    match op {
        "&&" | "and" => "and",
        "||" | "or" => "or",
        "!" | "not" => "not",
        other => OPS.iter().find(|o| **o == other).copied().unwrap_or("?"),
    }
}

/// A string literal's text (prefix and quotes removed, escapes decoded).
fn string_literal(facts: &FileFacts, node: Node) -> String {
    let mut out = String::new();
    let mut cursor = node.walk();
    for child in node.named_children(&mut cursor) {
        match child.kind() {
            "string_content" | "raw_string_content" => out.push_str(facts.text(child)),
            "escape_sequence" => out.push_str(&text::unescape(facts.text(child))),
            _ => {}
        }
    }
    out
}

/// Collapses whitespace and drops `struct`/`class`/`typename` keywords from a type's text.
fn normalize_type(text: &str) -> String {
    let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut t = joined.as_str();
    for prefix in [
        "struct ",
        "class ",
        "union ",
        "enum ",
        "typename ",
        "const ",
    ] {
        t = t.strip_prefix(prefix).unwrap_or(t);
    }
    t.trim_start_matches("::")
        .replace(" <", "<")
        .replace("< ", "<")
}

/// `QList<int>` → `QList`.
fn strip_template(name: &str) -> &str {
    name.split('<').next().unwrap_or(name).trim()
}

/// The type argument of a template (`QProcess` in `std::unique_ptr<QProcess>`).
fn template_arg(name: &str) -> Option<&str> {
    let start = name.find('<')?;
    let end = name.rfind('>')?;
    name.get(start + 1..end).map(|inner| {
        inner
            .split(',')
            .next()
            .unwrap_or(inner)
            .trim()
            .trim_end_matches('*')
            .trim()
    })
}

/// Second pass: file-scope declarations go into the module body; functions, methods and
/// lambdas each become a [`Function`]. `scope` is the enclosing namespaces and classes.
fn walk_items<'f>(
    node: Node<'f>,
    facts: &'f FileFacts,
    module: &mut Body<'f, '_>,
    out: &mut Output,
    scope: &mut Vec<String>,
    depth: u32,
) {
    if depth > MAX_DEPTH {
        out.too_deep = true;
        return;
    }
    match node.kind() {
        "function_definition" => {
            lower_function(node, facts, scope, out);
            return;
        }
        "declaration" if depth > 0 => {
            module.statement(node);
            return;
        }
        "namespace_definition" | "class_specifier" | "struct_specifier" => {
            let name = node
                .child_by_field_name("name")
                .map(|n| strip_template(facts.text(n)).to_owned());
            if let Some(body) = node.child_by_field_name("body") {
                let pushed = name.is_some();
                if let Some(name) = name {
                    scope.push(name);
                }
                walk_items(body, facts, module, out, scope, depth + 1);
                if pushed {
                    scope.pop();
                }
            }
            return;
        }
        "expression_statement" | "ERROR" if depth > 0 => {
            // File-scope code the grammar misread: keep the calls in it.
            module.statement(node);
            return;
        }
        _ => {}
    }
    let mut cursor = node.walk();
    let children: Vec<Node> = node.named_children(&mut cursor).collect();
    for child in children {
        walk_items(child, facts, module, out, scope, depth + 1);
    }
}

/// Lowers one function definition (and, after it, the lambdas inside it).
fn lower_function(node: Node, facts: &FileFacts, scope: &[String], out: &mut Output) {
    let Some(declarator) = node.child_by_field_name("declarator") else {
        return;
    };
    let Some(function_declarator) = find_function_declarator(declarator) else {
        return;
    };
    let name_node = function_declarator.child_by_field_name("declarator");
    let written = name_node.map_or("", |n| facts.text(n));
    let written = written.split_whitespace().collect::<String>();
    let mut parts: Vec<String> = scope.to_vec();
    parts.extend(written.split("::").map(str::to_owned));
    let class = (parts.len() > 1).then(|| parts[parts.len() - 2].clone());
    let kind = if class
        .as_ref()
        .is_some_and(|c| facts.fields.contains_key(c) || facts.is_class(c))
    {
        FunctionKind::Method
    } else {
        FunctionKind::Function
    };
    let header = Header {
        kind,
        name: parts.last().cloned().unwrap_or_default(),
        qualname: parts.join("::"),
        class,
        name_span: name_node.map_or(span(node), span),
        parameters: function_declarator.child_by_field_name("parameters"),
    };
    lower_body(node, header, facts, &[], out);
}

/// What tells a function definition and a lambda apart; the rest of their lowering is shared.
struct Header<'t> {
    kind: FunctionKind,
    name: String,
    qualname: String,
    /// The class whose fields the body sees.
    class: Option<String>,
    name_span: ByteSpan,
    parameters: Option<Node<'t>>,
}

/// Lowers the parameters and body of `node` (a function definition or lambda) into a
/// [`Function`], seeing the variables of the enclosing function (`outer`) for lambdas, then
/// the lambdas inside it.
fn lower_body(node: Node, header: Header, facts: &FileFacts, outer: &[Local], out: &mut Output) {
    let mut body = Body::new(facts, header.qualname, header.class, header.kind);
    body.locals.extend(outer.iter().cloned().map(|mut l| {
        l.param = false;
        l
    }));
    body.inherited = body.locals.len();
    let mut params = Vec::new();
    if let Some(list) = header.parameters {
        let mut cursor = list.walk();
        for param in list.children(&mut cursor) {
            // C names `...` `variadic_parameter`; C++ leaves it an anonymous `...` token.
            if matches!(param.kind(), "variadic_parameter" | "...") {
                params.push(Param {
                    name: "...".to_owned(),
                    default: None,
                    span: span(param),
                });
                continue;
            }
            if !param.kind().contains("parameter_declaration") {
                continue;
            }
            for local in declared_locals(facts, param, true) {
                params.push(Param {
                    name: local.name.to_string(),
                    default: param
                        .child_by_field_name("default_value")
                        .map(|d| body.expr(d)),
                    span: local.span,
                });
                body.locals.push(local);
            }
        }
    }
    let Some(code) = node.child_by_field_name("body") else {
        return;
    };
    body.prescan(code);
    body.block(code);
    let lambdas = std::mem::take(&mut body.lambdas);
    out.too_deep |= body.too_deep;
    let all = body.locals;
    out.functions.push(Function {
        kind: header.kind,
        name: header.name,
        qualname: body.qualname.clone(),
        span: span(node),
        name_span: header.name_span,
        params,
        decorators: Vec::new(),
        ops: body.ops,
        cfg: body.cfg.finish(),
        managed: Vec::new(),
        bases: Vec::new(),
        outer_names: Vec::new(),
        locals: all[body.inherited..].to_vec(),
    });
    for lambda in lambdas {
        lower_lambda(lambda, facts, &body.qualname, &all, out);
    }
}

fn find_function_declarator(declarator: Node) -> Option<Node> {
    let mut node = declarator;
    for _ in 0..16 {
        if node.kind() == "function_declarator" {
            return Some(node);
        }
        node = node.child_by_field_name("declarator").or_else(|| {
            let mut cursor = node.walk();
            let found = node
                .named_children(&mut cursor)
                .find(|c| c.kind().ends_with("declarator"));
            found
        })?;
    }
    None
}

/// A lambda inside `outer`: a function of its own that sees the outer variables' types.
fn lower_lambda(node: Node, facts: &FileFacts, outer: &str, locals: &[Local], out: &mut Output) {
    let at = span(node);
    let header = Header {
        kind: FunctionKind::Lambda,
        name: "<lambda>".to_owned(),
        qualname: format!("{outer}::<lambda>"),
        class: None,
        name_span: ByteSpan {
            start: at.start,
            end: at.start,
        },
        parameters: node
            .child_by_field_name("declarator")
            .and_then(|d| d.child_by_field_name("parameters")),
    };
    lower_body(node, header, facts, locals, out);
}

/// One body being lowered: its graph, ops, declared variables and what is known about them.
struct Body<'f, 's> {
    facts: &'f FileFacts<'s>,
    qualname: String,
    /// The class whose fields `name` and `this->name` may refer to.
    class: Option<String>,
    kind: FunctionKind,
    cfg: CfgBuilder,
    ops: Vec<Op>,
    locals: Vec<Local>,
    /// How many of `locals` come from an enclosing function (for lambdas).
    inherited: usize,
    writes: HashMap<String, Writes>,
    /// The value each followable name holds at this point of the lowering.
    bound: HashMap<String, Arc<Value>>,
    /// Indices into `locals` of the objects each open block must destroy, innermost last.
    scopes: Vec<Vec<usize>>,
    /// `scopes.len()` when each enclosing loop or `switch` was entered.
    loop_scopes: Vec<usize>,
    labels: HashMap<String, u32>,
    lambdas: Vec<Node<'f>>,
    depth: u32,
    too_deep: bool,
}

impl<'f, 's> Body<'f, 's> {
    fn new(
        facts: &'f FileFacts<'s>,
        qualname: String,
        class: Option<String>,
        kind: FunctionKind,
    ) -> Body<'f, 's> {
        Body {
            facts,
            qualname,
            class,
            kind,
            cfg: CfgBuilder::new(),
            ops: Vec::new(),
            locals: Vec::new(),
            inherited: 0,
            writes: HashMap::new(),
            bound: HashMap::new(),
            scopes: vec![Vec::new()],
            loop_scopes: Vec::new(),
            labels: HashMap::new(),
            lambdas: Vec::new(),
            depth: 0,
            too_deep: false,
        }
    }

    fn finish_module(&mut self, source: &str) -> Function {
        let cfg = std::mem::take(&mut self.cfg);
        module_function(
            source,
            std::mem::take(&mut self.ops),
            cfg,
            std::mem::take(&mut self.locals),
        )
    }

    fn text(&self, node: Node) -> &'s str {
        self.facts.text(node)
    }

    fn prescan(&mut self, code: Node) {
        // Declarations are read by the pre-scan in the same pass: collect them first.
        let mut declared: Vec<Local> = Vec::new();
        let mut stack = vec![code];
        while let Some(node) = stack.pop() {
            if node.kind() == "declaration" {
                declared.extend(declared_locals(self.facts, node, false));
            }
            if node.kind() != "lambda_expression" {
                let mut cursor = node.walk();
                stack.extend(node.named_children(&mut cursor));
            }
        }
        let all: Vec<&Local> = self.locals.iter().chain(declared.iter()).collect();
        // A `const char *` is not a buffer a call can fill: passing it on keeps its string.
        let is_buffer = |name: &str| {
            all.iter()
                .any(|l| l.name == name && (l.array_len.is_some() || l.pointers > 0 && !l.is_const))
        };
        let is_string = |name: &str| {
            all.iter()
                .any(|l| l.name == name && l.pointers == 0 && is_string_type(&l.ty))
        };
        self.writes = prescan::writes(code, self.facts.source, &is_buffer, &is_string);
        for local in &self.locals {
            if local.param {
                self.writes.entry(local.name.to_string()).or_default().other += 1;
            }
        }
    }

    fn local(&self, name: &str) -> Option<&Local> {
        self.locals.iter().rev().find(|l| l.name == name)
    }

    /// A field of the enclosing class.
    fn field(&self, name: &str) -> Option<&Local> {
        let class = self.class.as_deref()?;
        self.facts
            .fields
            .get(class)?
            .iter()
            .find(|l| l.name == name)
    }

    /// Whether the enclosing class declares a method `name` (called without `this->`).
    fn is_own_method(&self, name: &str) -> bool {
        self.class
            .as_ref()
            .and_then(|c| self.facts.methods.get(c))
            .is_some_and(|m| m.contains(name))
    }

    fn followable(&self, name: &str) -> bool {
        self.writes.get(name).is_none_or(Writes::followable)
    }

    // ----- statements -----

    fn block(&mut self, node: Node<'f>) {
        self.scopes.push(Vec::new());
        let mut cursor = node.walk();
        let children: Vec<Node> = node.named_children(&mut cursor).collect();
        for child in children {
            self.statement(child);
        }
        if let Some(objects) = self.scopes.pop() {
            let end = ByteSpan {
                start: span(node).end.saturating_sub(1),
                end: span(node).end,
            };
            self.destroy(&objects, end);
        }
    }

    /// Destructor calls for `objects` (indices into `locals`), last declared first.
    fn destroy(&mut self, objects: &[usize], at: ByteSpan) {
        for &index in objects.iter().rev() {
            let Some(local) = self.locals.get(index) else {
                continue;
            };
            let class = strip_template(&local.ty).to_owned();
            let plain = class.rsplit("::").next().unwrap_or(&class).to_owned();
            let receiver = Value {
                kind: ValueKind::Ref {
                    path: local.name.clone(),
                    qualname: None,
                    bound: None,
                    base: None,
                },
                span: at,
            };
            let call = Call {
                callee: Callee {
                    text: CompactString::from(format!("{}.~{plain}", local.name)),
                    qualname: Some(format!("{class}::~{plain}")),
                    method: Some(CompactString::from(format!("~{plain}"))),
                    receiver: Some(Box::new(receiver)),
                    span: at,
                },
                args: Vec::new(),
                keywords: Vec::new(),
                star_args: false,
                star_kwargs: false,
                unpacked: Vec::new(),
                span: at,
            };
            self.cfg.push(Stmt::Eval(Arc::new(Value {
                kind: ValueKind::Call(Arc::new(call)),
                span: at,
            })));
        }
    }

    /// Destructor calls for every scope deeper than `depth`, innermost first.
    fn unwind_to(&mut self, depth: usize, at: ByteSpan) {
        let pending: Vec<Vec<usize>> = self.scopes.iter().skip(depth).rev().cloned().collect();
        for objects in pending {
            self.destroy(&objects, at);
        }
    }

    fn statement(&mut self, node: Node<'f>) {
        if self.depth > MAX_DEPTH {
            self.too_deep = true;
            return;
        }
        self.depth += 1;
        self.statement_inner(node);
        self.depth -= 1;
    }

    fn statement_inner(&mut self, node: Node<'f>) {
        match node.kind() {
            "compound_statement" => self.block(node),
            "declaration" => self.declaration(node),
            "expression_statement" => {
                if let Some(expr) = node.named_child(0) {
                    let value = self.expr(expr);
                    let ends = value.as_call().is_some_and(never_returns);
                    // An assignment has recorded itself; its value is only the name it set.
                    if expr.kind() != "assignment_expression" {
                        self.cfg.push(Stmt::Eval(Arc::new(value)));
                    }
                    if ends {
                        self.cfg.stop();
                    }
                }
            }
            "if_statement" => self.if_statement(node),
            "while_statement" => {
                let header = self.cfg.block();
                let body = self.cfg.block();
                let done = self.cfg.block();
                self.cfg.goto(header);
                self.cfg.set_current(header);
                let cond = self.condition(node.child_by_field_name("condition"));
                self.cfg.branch(cond, body, done);
                self.cfg.set_current(body);
                self.loop_body(node.child_by_field_name("body"), header, done);
                self.cfg.goto(header);
                self.cfg.set_current(done);
            }
            "do_statement" => {
                let body = self.cfg.block();
                let check = self.cfg.block();
                let done = self.cfg.block();
                self.cfg.goto(body);
                self.cfg.set_current(body);
                self.loop_body(node.child_by_field_name("body"), check, done);
                self.cfg.goto(check);
                self.cfg.set_current(check);
                let cond = self.condition(node.child_by_field_name("condition"));
                self.cfg.branch(cond, body, done);
                self.cfg.set_current(done);
            }
            "for_statement" => self.for_statement(node),
            "for_range_loop" => {
                let items = node
                    .child_by_field_name("right")
                    .map_or(Value::unknown(span(node)), |r| self.expr(r));
                let header = self.cfg.block();
                let body = self.cfg.block();
                let done = self.cfg.block();
                self.cfg.goto(header);
                self.cfg.set_current(header);
                self.scopes.push(Vec::new());
                self.locals.extend(declared_locals(self.facts, node, false));
                if let Some(name) = node
                    .child_by_field_name("declarator")
                    .and_then(prescan::declared_name)
                {
                    let element = element_of(items);
                    self.store_name(self.text(name), span(name), Arc::new(element), false);
                }
                self.cfg.edge(header, body, EdgeKind::Normal);
                self.cfg.edge(header, done, EdgeKind::Normal);
                self.cfg.set_current(body);
                self.loop_body(node.child_by_field_name("body"), header, done);
                self.scopes.pop();
                self.cfg.goto(header);
                self.cfg.set_current(done);
            }
            "switch_statement" => self.switch_statement(node),
            "case_statement" => {
                // Reached only outside a switch body (misparsed code): lower its statements.
                let mut cursor = node.walk();
                let children: Vec<Node> = node.named_children(&mut cursor).collect();
                for child in children {
                    if Some(child) != node.child_by_field_name("value") {
                        self.statement(child);
                    }
                }
            }
            "break_statement" => {
                if let Some(targets) = self.cfg.innermost_loop() {
                    let depth = self.loop_scopes.last().copied().unwrap_or(0);
                    self.unwind_to(depth, span(node));
                    self.cfg.jump(targets.done);
                }
            }
            "continue_statement" => {
                if let Some(targets) = self.cfg.innermost_loop() {
                    let depth = self.loop_scopes.last().copied().unwrap_or(0);
                    self.unwind_to(depth, span(node));
                    self.cfg.jump(targets.next);
                }
            }
            "return_statement" => {
                let value = node.named_child(0).map(|v| Arc::new(self.expr(v)));
                self.unwind_to(0, span(node));
                self.cfg.push(Stmt::Return {
                    value,
                    span: span(node),
                });
                self.cfg.jump(EXIT);
            }
            "goto_statement" => {
                if let Some(label) = node.child_by_field_name("label") {
                    let target = self.label(self.text(label));
                    self.cfg.jump(target);
                }
            }
            "labeled_statement" => {
                if let Some(label) = node.child_by_field_name("label") {
                    let target = self.label(self.text(label));
                    self.cfg.goto(target);
                    self.cfg.set_current(target);
                }
                let mut cursor = node.walk();
                let children: Vec<Node> = node.named_children(&mut cursor).collect();
                for child in children {
                    if child.kind() != "statement_identifier" {
                        self.statement(child);
                    }
                }
            }
            "try_statement" => self.try_statement(node),
            "throw_statement" => {
                if let Some(value) = node.named_child(0) {
                    let value = self.expr(value);
                    self.cfg.push(Stmt::Eval(Arc::new(value)));
                }
                let target = self.cfg.raise_target();
                self.cfg.jump(target);
            }
            "preproc_if" | "preproc_ifdef" | "preproc_elif" | "preproc_else"
            | "preproc_elifdef" => self.preproc_branch(node),
            "function_definition"
            | "preproc_def"
            | "preproc_function_def"
            | "preproc_call"
            | "preproc_include"
            | "comment"
            | "type_definition"
            | "using_declaration"
            | "alias_declaration"
            | "namespace_alias_definition"
            | "static_assert_declaration" => {}
            "class_specifier" | "struct_specifier" | "enum_specifier" => {}
            _ => {
                // Expressions in statement position (misparsed macros) and `ERROR` nodes: keep
                // whatever calls and statements they hold.
                if is_expression(node.kind()) {
                    let value = self.expr(node);
                    self.cfg.push(Stmt::Eval(Arc::new(value)));
                } else {
                    let mut cursor = node.walk();
                    let children: Vec<Node> = node.named_children(&mut cursor).collect();
                    for child in children {
                        self.statement(child);
                    }
                }
            }
        }
    }

    fn label(&mut self, name: &str) -> u32 {
        if let Some(block) = self.labels.get(name) {
            return *block;
        }
        let block = self.cfg.block();
        self.labels.insert(name.to_owned(), block);
        block
    }

    fn loop_body(&mut self, body: Option<Node<'f>>, next: u32, done: u32) {
        self.cfg.enter_loop(LoopTargets { next, done });
        self.loop_scopes.push(self.scopes.len());
        if let Some(body) = body {
            self.statement(body);
        }
        self.loop_scopes.pop();
        self.cfg.exit_loop();
    }

    /// Lowers a condition (C's parenthesized expression or C++'s condition clause, which may
    /// declare a variable) and records it.
    fn condition(&mut self, node: Option<Node<'f>>) -> Arc<Value> {
        let Some(node) = node else {
            return Arc::new(Value::unknown(ByteSpan::default()));
        };
        let value = match node.kind() {
            "condition_clause" => {
                if let Some(init) = node.child_by_field_name("initializer") {
                    self.statement(init);
                }
                match node.child_by_field_name("value") {
                    Some(decl) if decl.kind() == "declaration" => {
                        self.declaration(decl);
                        let name = decl
                            .child_by_field_name("declarator")
                            .and_then(prescan::declared_name);
                        match name {
                            Some(name) => self.name_ref(name),
                            None => Value::unknown(span(decl)),
                        }
                    }
                    Some(value) => self.expr(value),
                    None => Value::unknown(span(node)),
                }
            }
            _ => self.expr(node),
        };
        let value = Arc::new(value);
        self.cfg.push(Stmt::Eval(value.clone()));
        value
    }

    fn if_statement(&mut self, node: Node<'f>) {
        let cond = self.condition(node.child_by_field_name("condition"));
        let then = self.cfg.block();
        let otherwise = self.cfg.block();
        let done = self.cfg.block();
        // `if constexpr (false)` and `if (0)` still lower both branches: the graph keeps the
        // constant condition, and analyses skip the branch that cannot run.
        self.cfg.branch(cond, then, otherwise);
        self.cfg.set_current(then);
        if let Some(consequence) = node.child_by_field_name("consequence") {
            self.statement(consequence);
        }
        self.cfg.goto(done);
        self.cfg.set_current(otherwise);
        if let Some(alternative) = node.child_by_field_name("alternative") {
            if alternative.kind() == "else_clause" {
                let mut cursor = alternative.walk();
                let children: Vec<Node> = alternative.named_children(&mut cursor).collect();
                for child in children {
                    self.statement(child);
                }
            } else {
                self.statement(alternative);
            }
        }
        self.cfg.goto(done);
        self.cfg.set_current(done);
    }

    fn for_statement(&mut self, node: Node<'f>) {
        self.scopes.push(Vec::new());
        let mut cursor = node.walk();
        let initializers: Vec<Node> = node
            .children_by_field_name("initializer", &mut cursor)
            .collect();
        for init in initializers {
            if init.kind() == "declaration" {
                self.declaration(init);
            } else {
                let value = self.expr(init);
                self.cfg.push(Stmt::Eval(Arc::new(value)));
            }
        }
        let header = self.cfg.block();
        let body = self.cfg.block();
        let update = self.cfg.block();
        let done = self.cfg.block();
        self.cfg.goto(header);
        self.cfg.set_current(header);
        match node.child_by_field_name("condition") {
            Some(cond) => {
                let cond = self.condition(Some(cond));
                self.cfg.branch(cond, body, done);
            }
            None => self.cfg.goto(body),
        }
        self.cfg.set_current(body);
        self.loop_body(node.child_by_field_name("body"), update, done);
        self.cfg.goto(update);
        self.cfg.set_current(update);
        let mut cursor = node.walk();
        let updates: Vec<Node> = node.children_by_field_name("update", &mut cursor).collect();
        for step in updates {
            let value = self.expr(step);
            self.cfg.push(Stmt::Eval(Arc::new(value)));
        }
        self.cfg.goto(header);
        if let Some(objects) = self.scopes.pop() {
            self.cfg.set_current(done);
            self.destroy(&objects, span(node));
        }
        self.cfg.set_current(done);
    }

    fn switch_statement(&mut self, node: Node<'f>) {
        let cond = self.condition(node.child_by_field_name("condition"));
        let dispatch = self.cfg.current();
        let done = self.cfg.block();
        let next = self.cfg.innermost_loop().map_or(done, |l| l.next);
        self.cfg.enter_loop(LoopTargets { next, done });
        self.loop_scopes.push(self.scopes.len());
        self.scopes.push(Vec::new());
        let mut has_default = false;
        // The unreachable block before the first label.
        let unreachable = self.cfg.block();
        self.cfg.set_current(unreachable);
        if let Some(body) = node.child_by_field_name("body") {
            let mut cursor = body.walk();
            let items: Vec<Node> = body.named_children(&mut cursor).collect();
            for item in items {
                if item.kind() != "case_statement" {
                    self.statement(item);
                    continue;
                }
                let value = item.child_by_field_name("value");
                has_default |= value.is_none();
                let case = self.cfg.block();
                let kind = match value {
                    Some(v) => {
                        let v = self.expr(v);
                        EdgeKind::Branch {
                            cond: Arc::new(Value {
                                span: v.span,
                                kind: ValueKind::Operation {
                                    op: "==",
                                    operands: vec![(*cond).clone(), v],
                                },
                            }),
                            taken: true,
                        }
                    }
                    None => EdgeKind::Normal,
                };
                self.cfg.edge(dispatch, case, kind);
                // Fall-through from the previous case.
                self.cfg.goto(case);
                self.cfg.set_current(case);
                let mut inner = item.walk();
                let statements: Vec<Node> = item.named_children(&mut inner).collect();
                for statement in statements {
                    if Some(statement) != value {
                        self.statement(statement);
                    }
                }
            }
        }
        if let Some(objects) = self.scopes.pop() {
            self.destroy(&objects, span(node));
        }
        self.cfg.goto(done);
        if !has_default {
            self.cfg.edge(dispatch, done, EdgeKind::Normal);
        }
        self.loop_scopes.pop();
        self.cfg.exit_loop();
        self.cfg.set_current(done);
    }

    fn try_statement(&mut self, node: Node<'f>) {
        let dispatch = self.cfg.block();
        let after = self.cfg.block();
        self.cfg.enter_try(dispatch);
        let body = self.cfg.block();
        self.cfg.goto(body);
        self.cfg.set_current(body);
        let guarded = node.child_by_field_name("body");
        if let Some(code) = guarded {
            self.statement(code);
        }
        self.cfg.exit_try();
        self.cfg.goto(after);
        let guarded = guarded.map_or(span(node), span);
        let mut catches_all = false;
        let mut cursor = node.walk();
        let clauses: Vec<Node> = node
            .named_children(&mut cursor)
            .filter(|c| c.kind() == "catch_clause")
            .collect();
        for clause in clauses {
            let block = self.cfg.block();
            self.cfg.edge(dispatch, block, EdgeKind::Normal);
            self.cfg.set_current(block);
            let mut caught = Vec::new();
            let mut header_end = span(clause).start;
            if let Some(params) = clause.child_by_field_name("parameters") {
                header_end = span(params).end;
                let mut inner = params.walk();
                for param in params.named_children(&mut inner) {
                    if let Some(ty) = param.child_by_field_name("type") {
                        let name = normalize_type(self.text(ty));
                        caught.push(Value {
                            kind: ValueKind::Ref {
                                path: CompactString::from(name.as_str()),
                                qualname: Some(name),
                                bound: None,
                                base: None,
                            },
                            span: span(ty),
                        });
                    }
                    self.locals
                        .extend(declared_locals(self.facts, param, false));
                }
            }
            catches_all |= caught.is_empty();
            let code = clause.child_by_field_name("body");
            let summary = code.map_or(HandlerBody::Nothing, |c| self.handler_body(c));
            let index = self.ops.len();
            self.ops.push(Op::Handler(Handler {
                caught,
                body: summary,
                span: ByteSpan {
                    start: span(clause).start,
                    end: header_end,
                },
                flow: HandlerFlow::default(),
            }));
            if let Some(code) = code {
                self.statement(code);
            }
            self.cfg.goto(after);
            if let Some(Op::Handler(handler)) = self.ops.get_mut(index) {
                handler.flow = HandlerFlow {
                    guarded,
                    start: block,
                    end: self.cfg.block_count(),
                    after,
                };
            }
        }
        if !catches_all {
            let outer = self.cfg.raise_target();
            self.cfg.edge(dispatch, outer, EdgeKind::Normal);
        }
        self.cfg.set_current(after);
    }

    fn handler_body(&self, code: Node) -> HandlerBody {
        let mut cursor = code.walk();
        let statements: Vec<Node> = code
            .named_children(&mut cursor)
            .filter(|c| c.kind() != "comment")
            .collect();
        match statements.as_slice() {
            [] => HandlerBody::Nothing,
            [only] if only.kind() == "continue_statement" => HandlerBody::Continue,
            _ => HandlerBody::Handles,
        }
    }

    /// `#if`/`#ifdef` inside a body: its branches are alternatives.
    fn preproc_branch(&mut self, node: Node<'f>) {
        let then = self.cfg.block();
        let otherwise = self.cfg.block();
        let done = self.cfg.block();
        self.cfg.edge(self.cfg.current(), then, EdgeKind::Normal);
        self.cfg
            .edge(self.cfg.current(), otherwise, EdgeKind::Normal);
        self.cfg.set_current(then);
        let skip = [
            node.child_by_field_name("condition"),
            node.child_by_field_name("name"),
            node.child_by_field_name("alternative"),
        ];
        let mut cursor = node.walk();
        let children: Vec<Node> = node.named_children(&mut cursor).collect();
        for child in children {
            if !skip.contains(&Some(child)) {
                self.statement(child);
            }
        }
        self.cfg.goto(done);
        self.cfg.set_current(otherwise);
        match node.child_by_field_name("alternative") {
            // `#else`: the other alternative itself, not a third, empty one.
            Some(alternative) if alternative.kind() == "preproc_else" => {
                let mut cursor = alternative.walk();
                let children: Vec<Node> = alternative.named_children(&mut cursor).collect();
                for child in children {
                    self.statement(child);
                }
            }
            Some(alternative) => self.statement(alternative),
            None => {}
        }
        self.cfg.goto(done);
        self.cfg.set_current(done);
    }

    fn declaration(&mut self, node: Node<'f>) {
        let locals = declared_locals(self.facts, node, false);
        let mut cursor = node.walk();
        let declarators: Vec<Node> = node
            .children_by_field_name("declarator", &mut cursor)
            .collect();
        let is_module = self.kind == FunctionKind::Module;
        for (declarator, local) in declarators.into_iter().zip(locals) {
            let init = (declarator.kind() == "init_declarator")
                .then(|| declarator.child_by_field_name("value"))
                .flatten();
            let value = match init {
                Some(init) => Some(self.initializer(init, &local)),
                // `QSqlQuery query(db);` parses as a function declaration; in a body it is an
                // object built from its "parameters".
                None if declarator.kind() == "function_declarator" && !is_module => {
                    let args = declarator.child_by_field_name("parameters");
                    Some(self.construct(&local, args, true))
                }
                None => None,
            };
            let index = self.locals.len();
            let name = local.name.to_string();
            let at = local.span;
            let needs_destructor = self.facts.language == Language::Cpp
                && local.pointers == 0
                && local.array_len.is_none()
                && !is_module
                && !local.is_static
                && !is_plain_type(&local.ty);
            self.locals.push(local);
            if needs_destructor {
                if let Some(scope) = self.scopes.last_mut() {
                    scope.push(index);
                }
            }
            if let Some(value) = value {
                self.store_name(&name, at, Arc::new(value), false);
            }
        }
    }

    /// The value of an initialiser: `= expr`, `(args)` (a constructor call for class types),
    /// `{...}`.
    fn initializer(&mut self, init: Node<'f>, local: &Local) -> Value {
        match init.kind() {
            // `QSqlQuery query(db, x);` / `std::string s("x");`: a constructor call.
            "argument_list" => self.construct(local, Some(init), false),
            _ => self.expr(init),
        }
    }

    /// The object a declaration with constructor arguments builds; `as_parameters` when the
    /// grammar read the arguments as parameter declarations (each a name).
    fn construct(&mut self, local: &Local, list: Option<Node<'f>>, as_parameters: bool) -> Value {
        let Some(init) = list else {
            return Value::unknown(local.span);
        };
        let args = if as_parameters {
            let mut cursor = init.walk();
            let names: Vec<Node> = init.named_children(&mut cursor).collect();
            names
                .into_iter()
                .map(|p| match p.child_by_field_name("type") {
                    Some(ty) if p.child_by_field_name("declarator").is_none() => self.name_ref(ty),
                    _ => Value::unknown(span(p)),
                })
                .collect()
        } else {
            self.arguments(Some(init))
        };
        if is_string_type(&local.ty) && args.len() == 1 {
            if let Some(s) = args[0].as_str() {
                return Value {
                    kind: ValueKind::Str(s.to_owned()),
                    span: span(init),
                };
            }
        }
        let call = Arc::new(Call {
            callee: Callee {
                text: CompactString::from(local.ty.as_str()),
                qualname: Some(strip_template(&local.ty).to_owned()),
                method: None,
                receiver: None,
                span: span(init),
            },
            args,
            keywords: Vec::new(),
            star_args: false,
            star_kwargs: false,
            unpacked: Vec::new(),
            span: span(init),
        });
        self.ops.push(Op::Call(call.clone()));
        Value {
            kind: ValueKind::Call(call),
            span: span(init),
        }
    }

    /// Records `name = value` as an op and a graph statement, and follows the value when the
    /// name is written only this way.
    fn store_name(&mut self, name: &str, at: ByteSpan, value: Arc<Value>, augmented: bool) {
        let owner = self.local(name).map(|l| strip_template(&l.ty).to_owned());
        self.ops.push(Op::Assign(Assign {
            targets: vec![Target {
                path: name.to_owned(),
                name: name.to_owned(),
                owner: owner.clone(),
                element: None,
                span: at,
            }],
            value: value.clone(),
            augmented,
            span: at,
        }));
        self.cfg.push(Stmt::Assign {
            target: Place {
                path: CompactString::from(name),
                weak: false,
                owner,
                span: at,
            },
            value: value.clone(),
            augmented,
        });
        self.bind(name, value, augmented);
    }

    /// Follows what `name` holds after a write: a new value, or (for an append) the string
    /// built so far with `value` added.
    fn bind(&mut self, name: &str, value: Arc<Value>, append: bool) {
        if !self.followable(name) {
            self.bound.remove(name);
            return;
        }
        let value = if append {
            match self.bound.get(name) {
                Some(before) => Arc::new(concat(
                    vec![(**before).clone(), (*value).clone()],
                    value.span,
                )),
                None => {
                    self.bound.remove(name);
                    return;
                }
            }
        } else {
            value
        };
        self.bound.insert(name.to_owned(), value);
    }

    // ----- expressions -----

    fn expr(&mut self, node: Node<'f>) -> Value {
        if self.depth > MAX_DEPTH {
            self.too_deep = true;
            return Value::unknown(span(node));
        }
        self.depth += 1;
        let value = self.expr_inner(node);
        self.depth -= 1;
        value
    }

    fn expr_inner(&mut self, node: Node<'f>) -> Value {
        let at = span(node);
        let kind = match node.kind() {
            "string_literal" | "raw_string_literal" => {
                ValueKind::Str(string_literal(self.facts, node))
            }
            "concatenated_string" => return self.concatenated(node),
            "char_literal" => {
                let body = string_literal(self.facts, node);
                let body = if body.is_empty() {
                    self.text(node)
                        .trim_start_matches(['L', 'u', 'U', '8'])
                        .trim_matches('\'')
                        .to_owned()
                } else {
                    body
                };
                let decoded = text::unescape(&body);
                decoded
                    .chars()
                    .next()
                    .map_or(ValueKind::Unknown, |c| ValueKind::Int(c as i128))
            }
            "number_literal" => text::number(self.text(node)),
            "true" => ValueKind::Bool(true),
            "false" => ValueKind::Bool(false),
            "null" | "nullptr" => ValueKind::None,
            "identifier" => return self.name_ref(node),
            "qualified_identifier" => {
                let name = qualified_text(self.text(node));
                ValueKind::Ref {
                    path: CompactString::from(name.as_str()),
                    qualname: Some(name),
                    bound: None,
                    base: None,
                }
            }
            "this" => ValueKind::Ref {
                path: CompactString::from("this"),
                qualname: None,
                bound: None,
                base: None,
            },
            "field_expression" => return self.field_expr(node),
            "parenthesized_expression" => {
                return node
                    .named_child(0)
                    .map_or(Value::unknown(at), |inner| self.expr(inner))
            }
            "cast_expression" => {
                return node
                    .child_by_field_name("value")
                    .map_or(Value::unknown(at), |inner| self.expr(inner))
            }
            "call_expression" => return self.call(node),
            "binary_expression" => return self.binary(node),
            "unary_expression" | "pointer_expression" => {
                let op = node
                    .child_by_field_name("operator")
                    .map_or("", |o| self.text(o));
                let operand = node
                    .child_by_field_name("argument")
                    .map_or(Value::unknown(at), |a| self.expr(a));
                match (op, operand.as_int()) {
                    ("-", Some(i)) => ValueKind::Int(-i),
                    ("~", Some(i)) => ValueKind::Int(!i),
                    ("!" | "not", Some(i)) => ValueKind::Bool(i == 0),
                    ("+", _) => return operand,
                    _ => ValueKind::Operation {
                        op: match op {
                            "&" => "addr",
                            "*" => "deref",
                            "-" => "-",
                            "~" => "~",
                            _ => "not",
                        },
                        operands: vec![operand],
                    },
                }
            }
            "subscript_expression" => {
                let base = node
                    .child_by_field_name("argument")
                    .map_or(Value::unknown(at), |a| self.expr(a));
                let index = node
                    .child_by_field_name("index")
                    .or_else(|| {
                        node.child_by_field_name("indices")
                            .and_then(|list| list.named_child(0))
                    })
                    .map_or(Value::unknown(at), |i| self.expr(i));
                ValueKind::Operation {
                    op: "[]",
                    operands: vec![base, index],
                }
            }
            "sizeof_expression" => {
                let operand = match (
                    node.child_by_field_name("value"),
                    node.child_by_field_name("type"),
                ) {
                    (Some(value), _) => self.expr(value),
                    (None, Some(ty)) => {
                        let name = normalize_type(self.text(ty));
                        Value {
                            kind: ValueKind::Ref {
                                path: CompactString::from(name.as_str()),
                                qualname: Some(name),
                                bound: None,
                                base: None,
                            },
                            span: span(ty),
                        }
                    }
                    _ => Value::unknown(at),
                };
                ValueKind::Operation {
                    op: "sizeof",
                    operands: vec![operand],
                }
            }
            "assignment_expression" => return self.assignment(node),
            "update_expression" => {
                let operand = node
                    .child_by_field_name("argument")
                    .map_or(Value::unknown(at), |a| self.expr(a));
                if let Some(name) = operand.path().map(str::to_owned) {
                    self.bound.remove(&name);
                }
                ValueKind::Operation {
                    op: "+",
                    operands: vec![
                        operand,
                        Value {
                            kind: ValueKind::Int(1),
                            span: at,
                        },
                    ],
                }
            }
            "conditional_expression" => {
                let cond = node
                    .child_by_field_name("condition")
                    .map_or(Value::unknown(at), |c| self.expr(c));
                let branches: Vec<Value> = ["consequence", "alternative"]
                    .iter()
                    .filter_map(|f| node.child_by_field_name(f))
                    .map(|b| self.expr(b))
                    .collect();
                match cond.truth() {
                    Some(true) if !branches.is_empty() => return branches[0].clone(),
                    Some(false) if branches.len() == 2 => return branches[1].clone(),
                    _ => ValueKind::Operation {
                        op: "one of",
                        operands: branches,
                    },
                }
            }
            "comma_expression" => {
                let left = node.child_by_field_name("left").map(|l| self.expr(l));
                let right = node.child_by_field_name("right").map(|r| self.expr(r));
                ValueKind::Operation {
                    op: ",",
                    operands: left.into_iter().chain(right).collect(),
                }
            }
            "new_expression" => return self.new_expr(node),
            "delete_expression" => {
                let target = node
                    .named_child(0)
                    .map_or(Value::unknown(at), |t| self.expr(t));
                let is_array = self.text(node).contains('[');
                let name = if is_array { "delete[]" } else { "delete" };
                return self.synthetic_call(name, vec![target], at);
            }
            "lambda_expression" => {
                self.lambdas.push(node);
                ValueKind::Unknown
            }
            "initializer_list" => {
                let mut cursor = node.walk();
                let items: Vec<Node> = node.named_children(&mut cursor).collect();
                ValueKind::List(items.into_iter().map(|i| self.expr(i)).collect())
            }
            "compound_literal_expression" => {
                return node
                    .child_by_field_name("value")
                    .map_or(Value::unknown(at), |v| self.expr(v))
            }
            "template_function" | "template_type" => {
                let name = qualified_text(self.text(node));
                ValueKind::Ref {
                    path: CompactString::from(name.as_str()),
                    qualname: Some(name),
                    bound: None,
                    base: None,
                }
            }
            _ => {
                // Unknown expression kinds (and `ERROR` nodes): keep the calls inside.
                let mut cursor = node.walk();
                let children: Vec<Node> = node.named_children(&mut cursor).collect();
                for child in children {
                    if is_expression(child.kind()) {
                        self.expr(child);
                    }
                }
                ValueKind::Unknown
            }
        };
        Value { kind, span: at }
    }

    fn concatenated(&mut self, node: Node<'f>) -> Value {
        let mut cursor = node.walk();
        // Comments may sit between the pieces (`"%-3s " /* percent */ "%s"`).
        let pieces: Vec<Node> = node
            .named_children(&mut cursor)
            .filter(|p| p.kind() != "comment")
            .collect();
        let values: Vec<Value> = pieces.into_iter().map(|p| self.expr(p)).collect();
        concat(values, span(node))
    }

    fn name_ref(&mut self, node: Node) -> Value {
        let name = self.text(node);
        let at = span(node);
        let is_local = self.local(name).is_some();
        let (qualname, bound) = if is_local {
            (None, self.bound.get(name).cloned())
        } else if self.field(name).is_some() {
            (None, None)
        } else {
            (Some(name.to_owned()), self.facts.consts.get(name).cloned())
        };
        Value {
            kind: ValueKind::Ref {
                path: CompactString::from(name),
                qualname,
                bound,
                base: None,
            },
            span: at,
        }
    }

    fn field_expr(&mut self, node: Node<'f>) -> Value {
        let at = span(node);
        let base = node
            .child_by_field_name("argument")
            .map_or(Value::unknown(at), |a| self.expr(a));
        let field = node
            .child_by_field_name("field")
            .map_or("", |f| self.text(f));
        match base.path() {
            Some(path) if base.as_call().is_none() => {
                let path = format!("{path}.{field}");
                Value {
                    kind: ValueKind::Ref {
                        path: CompactString::from(path),
                        qualname: None,
                        bound: None,
                        base: None,
                    },
                    span: at,
                }
            }
            _ => Value {
                kind: ValueKind::Ref {
                    path: CompactString::from(field),
                    qualname: None,
                    bound: None,
                    base: Some(Box::new(base)),
                },
                span: at,
            },
        }
    }

    fn binary(&mut self, node: Node<'f>) -> Value {
        let at = span(node);
        let op_text = node
            .child_by_field_name("operator")
            .map_or("", |o| self.text(o));
        let left_node = node.child_by_field_name("left");
        let left = left_node.map_or(Value::unknown(at), |l| self.expr(l));
        let right = node
            .child_by_field_name("right")
            .map_or(Value::unknown(at), |r| self.expr(r));
        if op_text == "+"
            && self.facts.language == Language::Cpp
            && (self.is_stringy(&left, left_node) || self.is_stringy(&right, None))
        {
            return concat(vec![left, right], at);
        }
        let kind = fold_arith(op_text, left, right, at);
        let value = Value { kind, span: at };
        if matches!(op_text, "==" | "!=" | "<" | "<=" | ">" | ">=") {
            self.ops.push(Op::Compare(value.clone()));
        }
        value
    }

    /// Whether a value is a string object or literal (so `+` concatenates).
    fn is_stringy(&self, value: &Value, node: Option<Node>) -> bool {
        match &value.resolved().kind {
            ValueKind::Str(_) | ValueKind::Build { .. } => true,
            ValueKind::Ref { path, .. } => self
                .local(path)
                .or_else(|| self.field(path))
                .is_some_and(|l| l.pointers == 0 && is_string_type(&l.ty)),
            ValueKind::Call(call) => {
                let q = call.qualname();
                q.starts_with("QString::")
                    || q.starts_with("std::string::")
                    || call.callee.method.as_deref().is_some_and(|m| {
                        matches!(m, "toString" | "arg" | "trimmed" | "toLower" | "toUpper")
                    })
            }
            _ => node.is_some_and(|n| n.kind() == "string_literal"),
        }
    }

    fn assignment(&mut self, node: Node<'f>) -> Value {
        let at = span(node);
        let op = node
            .child_by_field_name("operator")
            .map_or("=", |o| self.text(o));
        let right = node
            .child_by_field_name("right")
            .map_or(Value::unknown(at), |r| self.expr(r));
        let Some(left) = node.child_by_field_name("left") else {
            return right;
        };
        let augmented = op != "=";
        let value = Arc::new(right);
        match left.kind() {
            "identifier" => {
                let name = self.text(left);
                let is_string = self
                    .local(name)
                    .is_some_and(|l| l.pointers == 0 && is_string_type(&l.ty));
                if augmented && !(op == "+=" && is_string) {
                    self.bound.remove(name);
                    let written = Written {
                        path: name.to_owned(),
                        name: name.to_owned(),
                        weak: false,
                        element: None,
                    };
                    self.store_place(written, span(left), value.clone(), true);
                } else {
                    self.store_name(name, span(left), value.clone(), augmented);
                }
            }
            _ => {
                let target = self.expr(left);
                let written = place_of(target);
                self.store_place(written, span(left), value.clone(), augmented);
            }
        }
        // `if ((p = malloc(n)))` tests `p`: the expression's value is the variable it set.
        if left.kind() == "identifier" && !augmented {
            return Value {
                kind: ValueKind::Ref {
                    path: CompactString::from(self.text(left)),
                    qualname: None,
                    bound: Some(value),
                    base: None,
                },
                span: at,
            };
        }
        (*value).clone()
    }

    fn store_place(&mut self, written: Written, at: ByteSpan, value: Arc<Value>, augmented: bool) {
        let Written {
            path,
            name,
            weak,
            element,
        } = written;
        self.ops.push(Op::Assign(Assign {
            targets: vec![Target {
                path: path.clone(),
                name,
                owner: None,
                element,
                span: at,
            }],
            value: value.clone(),
            augmented,
            span: at,
        }));
        self.cfg.push(Stmt::Assign {
            target: Place {
                path: CompactString::from(path),
                weak,
                owner: None,
                span: at,
            },
            value,
            augmented,
        });
    }

    fn new_expr(&mut self, node: Node<'f>) -> Value {
        let at = span(node);
        let ty = node
            .child_by_field_name("type")
            .map(|t| normalize_type(self.text(t)))
            .unwrap_or_default();
        let nothrow = node
            .child_by_field_name("placement")
            .is_some_and(|p| self.text(p).contains("nothrow"));
        if let Some(declarator) = node.child_by_field_name("declarator") {
            // `new T[n]`.
            let count = declarator
                .named_child(0)
                .map_or(Value::unknown(at), |n| self.expr(n));
            let ty_ref = type_ref(&ty, at);
            return Value {
                kind: ValueKind::Operation {
                    op: if nothrow { "new nothrow" } else { "new[]" },
                    operands: vec![ty_ref, count],
                },
                span: at,
            };
        }
        let args = self.arguments(node.child_by_field_name("arguments"));
        let call = self.plain_call(&ty, strip_template(&ty), args, at);
        Value {
            kind: ValueKind::Operation {
                op: if nothrow { "new nothrow" } else { "new" },
                operands: vec![Value {
                    kind: ValueKind::Call(call),
                    span: at,
                }],
            },
            span: at,
        }
    }

    fn synthetic_call(&mut self, name: &str, args: Vec<Value>, at: ByteSpan) -> Value {
        Value {
            kind: ValueKind::Call(self.plain_call(name, name, args, at)),
            span: at,
        }
    }

    /// Records a call of a named function with positional arguments only (what C and C++
    /// calls are) and returns it.
    fn plain_call(
        &mut self,
        text: &str,
        qualname: &str,
        args: Vec<Value>,
        at: ByteSpan,
    ) -> Arc<Call> {
        let call = Arc::new(Call {
            callee: Callee {
                text: CompactString::from(text),
                qualname: Some(qualname.to_owned()),
                method: None,
                receiver: None,
                span: at,
            },
            args,
            keywords: Vec::new(),
            star_args: false,
            star_kwargs: false,
            unpacked: Vec::new(),
            span: at,
        });
        self.ops.push(Op::Call(call.clone()));
        call
    }

    fn arguments(&mut self, list: Option<Node<'f>>) -> Vec<Value> {
        let Some(list) = list else {
            return Vec::new();
        };
        let mut cursor = list.walk();
        let items: Vec<Node> = list
            .named_children(&mut cursor)
            .filter(|c| c.kind() != "comment")
            .collect();
        items.into_iter().map(|a| self.expr(a)).collect()
    }

    fn call(&mut self, node: Node<'f>) -> Value {
        let at = span(node);
        let Some(function) = node.child_by_field_name("function") else {
            return Value::unknown(at);
        };
        let callee_text = self.text(function);
        // Branch hints (`unlikely(!p)`, `Q_LIKELY(ok)`, `__builtin_expect(x, 0)`) are their
        // first argument: a test inside one is a test of the value.
        if function.kind() == "identifier" && BRANCH_HINTS.contains(&callee_text) {
            let args = self.arguments(node.child_by_field_name("arguments"));
            return args.into_iter().next().unwrap_or(Value::unknown(at));
        }
        // C++ casts are template calls that only convert their argument.
        if function.kind() == "template_function" {
            let name = function
                .child_by_field_name("name")
                .map_or("", |n| self.text(n));
            if matches!(
                name,
                "static_cast" | "reinterpret_cast" | "const_cast" | "dynamic_cast"
            ) {
                let args = self.arguments(node.child_by_field_name("arguments"));
                return args.into_iter().next().unwrap_or(Value::unknown(at));
            }
        }
        let (qualname, method, receiver) = match function.kind() {
            "field_expression" => {
                let base_node = function.child_by_field_name("argument");
                let receiver = base_node.map_or(Value::unknown(at), |b| self.expr(b));
                let method = function
                    .child_by_field_name("field")
                    .map_or("", |f| self.text(f));
                let arrow = function
                    .child_by_field_name("operator")
                    .is_some_and(|o| self.text(o) == "->");
                let class = base_node.and_then(|b| self.class_of(b, &receiver, arrow));
                let qualname = class.map(|c| format!("{c}::{method}"));
                (qualname, Some(CompactString::from(method)), Some(receiver))
            }
            "identifier" => {
                let name = callee_text;
                let qualname = if self.local(name).is_some() {
                    None
                } else if self.is_own_method(name) {
                    // A method of the enclosing class called without `this->`.
                    self.class.as_ref().map(|c| format!("{c}::{name}"))
                } else {
                    Some(name.to_owned())
                };
                (qualname, None, None)
            }
            "qualified_identifier" | "template_function" => {
                (Some(qualified_text(callee_text)), None, None)
            }
            // A call through an expression (`handlers[type](...)`, `(*fp)(...)`): the
            // expression is kept as the receiver.
            _ => (None, None, Some(self.expr(function))),
        };
        let args = self.arguments(node.child_by_field_name("arguments"));
        let q = qualname.as_deref().unwrap_or("");
        let plain_c = q.strip_prefix("std::").unwrap_or(q);
        // Strings built by the call, and the buffers it fills.
        if method.is_none() && STRING_WRAPPERS.contains(&q) && args.len() == 1 {
            if let Some(s) = args[0].as_str() {
                let literal = s.to_owned();
                self.record_call(function, qualname.clone(), None, None, args, at);
                return Value {
                    kind: ValueKind::Str(literal),
                    span: at,
                };
            }
        }
        let call = self.record_call(
            function,
            qualname.clone(),
            method.clone(),
            receiver.clone(),
            args,
            at,
        );
        if call.args.is_empty()
            && method
                .as_deref()
                .is_some_and(|m| SAME_TEXT_METHODS.contains(&m))
        {
            if let Some(receiver) = receiver {
                return receiver;
            }
        }
        if method.is_none() && SAME_TEXT_FUNCTIONS.contains(&q) && call.args.len() == 1 {
            return call.args[0].clone();
        }
        let value = Value {
            kind: ValueKind::Call(call.clone()),
            span: at,
        };
        if NUMBER_FORMATTERS.contains(&q) {
            return Value {
                kind: ValueKind::Operation {
                    op: "number",
                    operands: vec![value],
                },
                span: at,
            };
        }
        if method.as_deref() == Some("arg") && q.is_empty() || q.ends_with("::arg") {
            if let (Some(receiver), Some(arg)) = (receiver.as_ref(), call.args.first()) {
                if self.is_stringy(receiver, None) {
                    return text::qt_arg(receiver, arg.clone(), at);
                }
            }
        }
        if matches!(q, "QString::asprintf" | "QString::sprintf") {
            if let Some(format) = call.args.first().and_then(|f| f.as_str()) {
                return text::printf_build(format, &call.args[1..], at);
            }
        }
        self.track_buffer_write(plain_c, &call);
        if method.is_some() {
            self.track_method_write(&call);
        }
        value
    }

    fn record_call(
        &mut self,
        function: Node,
        qualname: Option<String>,
        method: Option<CompactString>,
        receiver: Option<Value>,
        args: Vec<Value>,
        at: ByteSpan,
    ) -> Arc<Call> {
        let call = Arc::new(Call {
            callee: Callee {
                text: CompactString::from(
                    self.text(function).split_whitespace().collect::<String>(),
                ),
                qualname: qualname.clone(),
                method,
                receiver: receiver.map(Box::new),
                span: span(function),
            },
            args,
            keywords: Vec::new(),
            star_args: false,
            star_kwargs: false,
            unpacked: Vec::new(),
            span: at,
        });
        if matches!(
            qualname.as_deref(),
            Some("assert" | "Q_ASSERT" | "Q_ASSERT_X")
        ) {
            if let Some(test) = call.args.first() {
                self.ops.push(Op::Assert(Assert {
                    test: test.clone(),
                    span: at,
                }));
                return call;
            }
        }
        self.ops.push(Op::Call(call.clone()));
        call
    }

    /// `sprintf(buf, fmt, ...)`, `strcpy(buf, s)`, `strcat(buf, s)`: what `buf` holds after.
    fn track_buffer_write(&mut self, name: &str, call: &Call) {
        let Some(dest) = call.args.first().and_then(|d| d.path().map(str::to_owned)) else {
            return;
        };
        let at = call.span;
        let written = if prescan::SETTERS.contains(&name) {
            match name {
                "sprintf" | "swprintf" => call
                    .args
                    .get(1)
                    .and_then(|f| f.as_str())
                    .map(|f| (text::printf_build(f, &call.args[2..], at), false)),
                _ => call.args.get(1).map(|s| (s.clone(), false)),
            }
        } else if prescan::BOUNDED_SETTERS.contains(&name) {
            call.args.get(2).and_then(|f| f.as_str()).map(|f| {
                (
                    text::printf_build(f, call.args.get(3..).unwrap_or(&[]), at),
                    false,
                )
            })
        } else if prescan::APPENDERS.contains(&name) {
            call.args.get(1).map(|s| (s.clone(), true))
        } else {
            None
        };
        match written {
            Some((value, append)) => self.bind(&dest, Arc::new(value), append),
            None if prescan::SETTERS.contains(&name)
                || prescan::BOUNDED_SETTERS.contains(&name) =>
            {
                self.bound.remove(&dest);
            }
            None => {}
        }
    }

    /// `s.append(x)` on a string: `s` holds what it held plus `x`.
    fn track_method_write(&mut self, call: &Call) {
        let Some(receiver) = call.callee.receiver.as_deref() else {
            return;
        };
        let Some(name) = receiver.path().map(str::to_owned) else {
            return;
        };
        if call.callee.method.as_deref() == Some("append") {
            if let Some(arg) = call.args.first() {
                self.bind(&name, Arc::new(arg.clone()), true);
            }
        }
    }

    /// The class of the object a method is called on, when its declared type is visible.
    fn class_of(&self, node: Node, receiver: &Value, arrow: bool) -> Option<String> {
        let ty = match node.kind() {
            "identifier" => {
                let name = self.text(node);
                let local = self.local(name).or_else(|| self.field(name))?;
                Some((local.ty.clone(), local.pointers))
            }
            "field_expression" => {
                let base = node.child_by_field_name("argument")?;
                if base.kind() != "this" {
                    return None;
                }
                let field = node.child_by_field_name("field")?;
                let local = self.field(self.text(field))?;
                Some((local.ty.clone(), local.pointers))
            }
            "this" => self.class.clone().map(|c| (c, 1)),
            "call_expression" | "parenthesized_expression" => {
                let call = receiver.as_call()?;
                let q = call.callee.qualname.as_deref()?;
                (call.callee.method.is_none() && self.facts.is_class(q)).then(|| (q.to_owned(), 0))
            }
            _ => None,
        };
        let (ty, pointers) = ty?;
        let plain = strip_template(&ty);
        if arrow && pointers == 0 && SMART_POINTERS.contains(&plain) {
            return template_arg(&ty).map(|t| strip_template(t).to_owned());
        }
        Some(plain.to_owned())
    }
}

fn is_string_type(ty: &str) -> bool {
    STRING_TYPES.contains(&strip_template(ty))
}

/// Macros and builtins that tell the compiler which way a test usually goes.
const BRANCH_HINTS: &[&str] = &[
    "likely",
    "unlikely",
    "LIKELY",
    "UNLIKELY",
    "Q_LIKELY",
    "Q_UNLIKELY",
    "G_LIKELY",
    "G_UNLIKELY",
    "__builtin_expect",
];

/// Functions that do not return to their caller: the process ends, control jumps elsewhere, or
/// (Qt Test's `QSKIP`/`QFAIL`) the test function returns from inside the macro.
const NO_RETURN: &[&str] = &[
    "exit",
    "_exit",
    "_Exit",
    "quick_exit",
    "abort",
    "err",
    "errx",
    "verr",
    "verrx",
    "longjmp",
    "siglongjmp",
    "pthread_exit",
    "terminate",
    "qFatal",
    "Q_UNREACHABLE",
    "__builtin_unreachable",
    "__assert_fail",
    "ExitProcess",
    "QSKIP",
    "QFAIL",
];

/// Whether `call` is to a function that does not return (`exit`, `std::abort`, `::_exit`).
fn never_returns(call: &Call) -> bool {
    if call.callee.method.is_some() {
        return false;
    }
    let name = call.qualname();
    let name = name.rsplit("::").next().unwrap_or(name);
    NO_RETURN.contains(&name)
}

fn is_plain_type(ty: &str) -> bool {
    let plain = strip_template(ty);
    let last = plain.split_whitespace().last().unwrap_or(plain);
    PLAIN_TYPES.contains(&last)
        || last.ends_with("_t")
        || plain.starts_with("unsigned")
        || plain.starts_with("signed")
        || plain.starts_with("long")
        || plain.starts_with("short")
}

/// Node kinds that are expressions (lowered for their calls when found in odd places).
fn is_expression(kind: &str) -> bool {
    kind.ends_with("_expression")
        || matches!(
            kind,
            "identifier" | "string_literal" | "concatenated_string" | "number_literal"
        )
}

/// `:: std :: system` → `std::system`.
fn qualified_text(text: &str) -> String {
    let joined: String = text.split_whitespace().collect();
    joined.trim_start_matches("::").to_owned()
}

fn type_ref(ty: &str, at: ByteSpan) -> Value {
    Value {
        kind: ValueKind::Ref {
            path: CompactString::from(ty),
            qualname: Some(ty.to_owned()),
            bound: None,
            base: None,
        },
        span: at,
    }
}

fn element_of(items: Value) -> Value {
    let at = items.span;
    Value {
        kind: ValueKind::Operation {
            op: "[]",
            operands: vec![items, Value::unknown(at)],
        },
        span: at,
    }
}

/// Strings joined, flattening nested concatenations and literal neighbours.
fn concat(values: Vec<Value>, at: ByteSpan) -> Value {
    let mut parts: Vec<Part> = Vec::new();
    let push_lit = |parts: &mut Vec<Part>, s: &str| match parts.last_mut() {
        Some(Part::Lit(last)) => last.push_str(s),
        _ => parts.push(Part::Lit(s.to_owned())),
    };
    for value in values {
        match &value.resolved().kind {
            ValueKind::Str(s) => push_lit(&mut parts, s),
            ValueKind::Build {
                kind: BuildKind::Concat,
                parts: inner,
            } if matches!(value.kind, ValueKind::Build { .. }) => {
                for part in inner {
                    match part {
                        Part::Lit(s) => push_lit(&mut parts, s),
                        Part::Hole(h) => parts.push(Part::Hole(h.clone())),
                    }
                }
            }
            _ => parts.push(Part::Hole(value)),
        }
    }
    if let [Part::Lit(only)] = parts.as_slice() {
        return Value {
            kind: ValueKind::Str(only.clone()),
            span: at,
        };
    }
    Value {
        kind: ValueKind::Build {
            kind: BuildKind::Concat,
            parts,
        },
        span: at,
    }
}

/// Where an assignment stores: the access path (`a.b`, `buf[3]`, `*p`; the container, weak,
/// for an index that is not constant) and the element expression for stores through an index
/// or pointer.
struct Written {
    path: String,
    name: String,
    weak: bool,
    element: Option<Box<Value>>,
}

fn place_of(target: Value) -> Written {
    let (path, name, weak) = match &target.kind {
        ValueKind::Ref { path, .. } => {
            let name = path.rsplit('.').next().unwrap_or(path).to_owned();
            (path.to_string(), name, false)
        }
        ValueKind::Operation { op: "[]", operands } => {
            let base = operands
                .first()
                .and_then(Value::path)
                .unwrap_or("")
                .to_owned();
            match operands.get(1).and_then(Value::as_int) {
                Some(i) => (format!("{base}[{i}]"), String::new(), false),
                None => (base.clone(), String::new(), true),
            }
        }
        ValueKind::Operation {
            op: "deref",
            operands,
        } => {
            let base = operands.first().and_then(Value::path).unwrap_or("");
            (format!("*{base}"), base.to_owned(), false)
        }
        _ => (String::new(), String::new(), true),
    };
    let element = matches!(
        target.kind,
        ValueKind::Operation {
            op: "[]" | "deref",
            ..
        }
    )
    .then(|| Box::new(target));
    Written {
        path,
        name,
        weak,
        element,
    }
}
