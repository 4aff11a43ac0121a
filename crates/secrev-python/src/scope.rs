//! Name bindings of one Python scope, collected before the scope is lowered so that a reference
//! can tell an import from a local that is assigned once, several times, or mutated.

use ruff_python_ast::{self as ast, Expr, Stmt};
use secrev_ir::Value;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// What a scope knows about one name.
#[derive(Debug, Default)]
pub(crate) struct Binding {
    /// The qualified name of the first import that bound the name.
    pub imported: Option<String>,
    /// How many times the name is bound other than by import.
    pub assigns: u32,
    /// The name is rebound from another scope (`global`): its value here is stale.
    pub mutated: bool,
    /// `global x` / `nonlocal x`: the name lives in another scope.
    pub outer: bool,
    /// The value of the single binding, once lowering has reached it; for a name bound several
    /// times, `one of` the values of its bindings, once lowering has reached the last one.
    pub value: Option<Arc<Value>>,
    /// Bindings lowering has reached so far.
    pub recorded: u32,
    /// The values of the bindings reached so far, while each of them is known.
    pub alternatives: Option<Vec<Arc<Value>>>,
}

impl Binding {
    /// Records one more binding, to one of `values` (several for a loop over a literal list), or
    /// to something unknown (`None`, a loop over a computed sequence). Once every binding is
    /// recorded and all were known, the name's value is `one of` them.
    pub(crate) fn record_alternatives(&mut self, values: Option<Vec<Arc<Value>>>) {
        self.recorded += 1;
        match (values, self.alternatives.as_mut()) {
            (Some(values), Some(known)) if known.len() + values.len() <= MAX_ALTERNATIVES => {
                known.extend(values);
            }
            _ => self.alternatives = None,
        }
        if self.recorded == self.assigns && self.imported.is_none() {
            if let Some(known) = self.alternatives.take().filter(|k| !k.is_empty()) {
                let span = known[0].span;
                self.value = Some(Arc::new(Value {
                    kind: secrev_ir::ValueKind::Operation {
                        op: "one of",
                        operands: known.iter().map(|v| Value::clone(v)).collect(),
                    },
                    span,
                }));
            }
        }
    }
}

/// Names bound in more places than this are not followed (their `one of` would be too costly to
/// carry around for what it tells).
pub(crate) const MAX_ALTERNATIVES: usize = 8;

/// The kind of scope, which decides what its nested functions can see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ScopeKind {
    Module,
    Class,
    Function,
}

/// One scope: its bindings and the scope it is nested in.
#[derive(Debug)]
pub(crate) struct Scope {
    pub kind: ScopeKind,
    pub parent: Option<usize>,
    pub bindings: HashMap<String, Binding>,
    /// Modules imported with `from module import *`.
    pub star_imports: Vec<String>,
}

impl Scope {
    /// Collects the bindings of a scope whose body is `body` (and, for functions, `params`).
    pub(crate) fn collect(
        kind: ScopeKind,
        parent: Option<usize>,
        body: &[Stmt],
        params: &[&str],
    ) -> Scope {
        let mut scope = Scope {
            kind,
            parent,
            bindings: HashMap::new(),
            star_imports: Vec::new(),
        };
        for param in params {
            scope.bind(param);
        }
        scope.collect_body(body, 0);
        scope
    }

    fn entry(&mut self, name: &str) -> &mut Binding {
        self.bindings.entry(name.to_owned()).or_default()
    }

    fn bind(&mut self, name: &str) {
        let binding = self.entry(name);
        binding.assigns += 1;
        binding.alternatives.get_or_insert_with(Vec::new);
    }

    fn collect_body(&mut self, body: &[Stmt], depth: usize) {
        if depth > crate::lower::MAX_DEPTH {
            return;
        }
        for stmt in body {
            self.collect_stmt(stmt, depth + 1);
        }
    }

    fn collect_stmt(&mut self, stmt: &Stmt, depth: usize) {
        match stmt {
            Stmt::Import(import) => {
                for alias in &import.names {
                    let full = alias.name.id.as_str();
                    let (bound, qualname) = match &alias.asname {
                        Some(asname) => (asname.id.as_str(), full),
                        None => {
                            let root = full.split('.').next().unwrap_or(full);
                            (root, root)
                        }
                    };
                    self.import(bound, qualname);
                }
            }
            Stmt::ImportFrom(import) => {
                let module = import_from_module(import);
                for alias in &import.names {
                    let name = alias.name.id.as_str();
                    if name == "*" {
                        self.star_imports.push(module.clone());
                        continue;
                    }
                    let bound = alias.asname.as_ref().map_or(name, |a| a.id.as_str());
                    self.import(bound, &join_module(&module, name));
                }
            }
            Stmt::FunctionDef(def) => self.bind(def.name.id.as_str()),
            Stmt::ClassDef(def) => self.bind(def.name.id.as_str()),
            Stmt::Assign(assign) => {
                for target in &assign.targets {
                    self.bind_target(target);
                }
            }
            Stmt::AugAssign(assign) => self.bind_target(&assign.target),
            Stmt::AnnAssign(assign) if assign.value.is_some() => self.bind_target(&assign.target),
            Stmt::Delete(delete) => delete.targets.iter().for_each(|t| self.bind_target(t)),
            Stmt::For(for_stmt) => {
                self.bind_target(&for_stmt.target);
                self.collect_body(&for_stmt.body, depth);
                self.collect_body(&for_stmt.orelse, depth);
            }
            Stmt::While(while_stmt) => {
                self.collect_body(&while_stmt.body, depth);
                self.collect_body(&while_stmt.orelse, depth);
            }
            Stmt::If(if_stmt) => {
                self.collect_body(&if_stmt.body, depth);
                for clause in &if_stmt.elif_else_clauses {
                    self.collect_body(&clause.body, depth);
                }
            }
            Stmt::With(with) => {
                for item in &with.items {
                    if let Some(vars) = &item.optional_vars {
                        self.bind_target(vars);
                    }
                }
                self.collect_body(&with.body, depth);
            }
            Stmt::Try(try_stmt) => {
                self.collect_body(&try_stmt.body, depth);
                for handler in &try_stmt.handlers {
                    let ast::ExceptHandler::ExceptHandler(handler) = handler;
                    if let Some(name) = &handler.name {
                        self.bind(name.id.as_str());
                    }
                    self.collect_body(&handler.body, depth);
                }
                self.collect_body(&try_stmt.orelse, depth);
                self.collect_body(&try_stmt.finalbody, depth);
            }
            Stmt::Match(match_stmt) => {
                for case in &match_stmt.cases {
                    self.collect_body(&case.body, depth);
                }
            }
            Stmt::Global(global) => global
                .names
                .iter()
                .for_each(|n| self.entry(n.id.as_str()).outer = true),
            Stmt::Nonlocal(nonlocal) => nonlocal
                .names
                .iter()
                .for_each(|n| self.entry(n.id.as_str()).outer = true),
            _ => {}
        }
    }

    fn import(&mut self, bound: &str, qualname: &str) {
        let binding = self.entry(bound);
        if binding.imported.is_none() {
            binding.imported = Some(qualname.to_owned());
        }
    }

    fn bind_target(&mut self, target: &Expr) {
        match target {
            Expr::Name(name) => self.bind(name.id.as_str()),
            Expr::Tuple(tuple) => tuple.elts.iter().for_each(|t| self.bind_target(t)),
            Expr::List(list) => list.elts.iter().for_each(|t| self.bind_target(t)),
            Expr::Starred(starred) => self.bind_target(&starred.value),
            _ => {}
        }
    }
}

/// `module.name`, where a bare relative module (`.`, `..`) takes the name without another dot.
pub(crate) fn join_module(module: &str, name: &str) -> String {
    if module.ends_with('.') {
        format!("{module}{name}")
    } else {
        format!("{module}.{name}")
    }
}

/// The module a `from ... import` names, with leading dots for relative imports.
pub(crate) fn import_from_module(import: &ast::StmtImportFrom) -> String {
    let dots = ".".repeat(import.level as usize);
    match &import.module {
        Some(module) => format!("{dots}{}", module.id.as_str()),
        None => dots,
    }
}

/// Methods that change a container in place.
const MUTATING_METHODS: &[&str] = &[
    "append",
    "extend",
    "insert",
    "update",
    "setdefault",
    "add",
    "pop",
    "popitem",
    "remove",
    "clear",
    "sort",
    "reverse",
    "discard",
    "__setitem__",
];

/// Names mutated in place anywhere in the file (`x.append(...)`, `x[k] = v`, `x.attr = v`): a
/// literal such a name was bound to no longer tells what it holds. Matched by name alone, across
/// scopes, which errs on the side of not trusting a constant.
pub(crate) fn mutated_names(body: &[Stmt]) -> HashSet<String> {
    let mut names = HashSet::new();
    collect_mutations(body, &mut names, 0);
    names
}

fn collect_mutations(body: &[Stmt], names: &mut HashSet<String>, depth: usize) {
    if depth > crate::lower::MAX_DEPTH {
        return;
    }
    let note_target = |target: &Expr, names: &mut HashSet<String>| {
        if let Expr::Subscript(ast::ExprSubscript { value, .. })
        | Expr::Attribute(ast::ExprAttribute { value, .. }) = target
        {
            if let Expr::Name(name) = value.as_ref() {
                names.insert(name.id.to_string());
            }
        }
    };
    for stmt in body {
        match stmt {
            Stmt::Expr(expr) => {
                if let Expr::Call(call) = expr.value.as_ref() {
                    if let Expr::Attribute(attribute) = call.func.as_ref() {
                        if let Expr::Name(name) = attribute.value.as_ref() {
                            if MUTATING_METHODS.contains(&attribute.attr.id.as_str()) {
                                names.insert(name.id.to_string());
                            }
                        }
                    }
                }
            }
            Stmt::Assign(assign) => assign.targets.iter().for_each(|t| note_target(t, names)),
            Stmt::AugAssign(assign) => note_target(&assign.target, names),
            Stmt::AnnAssign(assign) => note_target(&assign.target, names),
            Stmt::FunctionDef(def) => collect_mutations(&def.body, names, depth + 1),
            Stmt::ClassDef(def) => collect_mutations(&def.body, names, depth + 1),
            Stmt::For(s) => {
                collect_mutations(&s.body, names, depth + 1);
                collect_mutations(&s.orelse, names, depth + 1);
            }
            Stmt::While(s) => {
                collect_mutations(&s.body, names, depth + 1);
                collect_mutations(&s.orelse, names, depth + 1);
            }
            Stmt::If(s) => {
                collect_mutations(&s.body, names, depth + 1);
                for clause in &s.elif_else_clauses {
                    collect_mutations(&clause.body, names, depth + 1);
                }
            }
            Stmt::With(s) => collect_mutations(&s.body, names, depth + 1),
            Stmt::Try(s) => {
                collect_mutations(&s.body, names, depth + 1);
                for handler in &s.handlers {
                    let ast::ExceptHandler::ExceptHandler(handler) = handler;
                    collect_mutations(&handler.body, names, depth + 1);
                }
                collect_mutations(&s.orelse, names, depth + 1);
                collect_mutations(&s.finalbody, names, depth + 1);
            }
            Stmt::Match(s) => s
                .cases
                .iter()
                .for_each(|c| collect_mutations(&c.body, names, depth + 1)),
            _ => {}
        }
    }
}
