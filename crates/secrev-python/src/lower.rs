//! Lowers a parsed Python module into [`secrev_ir`]: one [`Function`] per scope-owning body,
//! each with the calls, assignments, handlers, assertions and comparisons that happen in it.

use crate::builtins::is_builtin;
use crate::fold;
use crate::scope::{mutated_names, Scope, ScopeKind};
use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange};
use secrev_core::ByteSpan;
use secrev_ir::CompactString;
use secrev_ir::{
    Assert, Assign, BuildKind, Call, Callee, EdgeKind, Function, FunctionKind, Handler,
    HandlerBody, HandlerFlow, Import, Keyword, Language, Managed, Op, Param, Part, Place,
    Stmt as Step, Target, Unit, Value, ValueKind, EXIT,
};
use secrev_ir::{CfgBuilder, LoopTargets};
use std::collections::{HashSet, VecDeque};
use std::sync::Arc;

/// How deep expressions and blocks are followed; deeper code is skipped with a diagnostic rather
/// than risking the stack on adversarial input.
pub(crate) const MAX_DEPTH: usize = 200;

/// Lowers a module body. Returns the unit and whether some code nested too deeply to follow.
pub(crate) fn lower_module(suite: &[Stmt], source: &str) -> (Unit, bool) {
    let mut lowerer = Lowerer {
        source,
        scopes: vec![Scope::collect(ScopeKind::Module, None, suite, &[])],
        mutated: mutated_names(suite),
        imports: Vec::new(),
        functions: Vec::new(),
        pending: VecDeque::new(),
        scope: 0,
        ops: Vec::new(),
        cfg: CfgBuilder::new(),
        managed: Vec::new(),
        finally_bodies: Vec::new(),
        qualname: String::new(),
        depth: 0,
        too_deep: false,
    };
    let whole = lowerer.span(TextRange::up_to(ruff_text_size::TextSize::new(
        u32::try_from(source.len()).unwrap_or(u32::MAX),
    )));
    lowerer.lower_body(suite);
    let ops = std::mem::take(&mut lowerer.ops);
    let cfg = std::mem::replace(&mut lowerer.cfg, CfgBuilder::new()).finish();
    lowerer.functions.push(Function {
        kind: FunctionKind::Module,
        name: "<module>".to_owned(),
        qualname: "<module>".to_owned(),
        span: whole,
        name_span: ByteSpan {
            start: whole.start,
            end: whole.start,
        },
        params: Vec::new(),
        decorators: Vec::new(),
        ops,
        cfg,
        managed: std::mem::take(&mut lowerer.managed),
        bases: Vec::new(),
        outer_names: Vec::new(),
        locals: Vec::new(),
    });
    while let Some(pending) = lowerer.pending.pop_front() {
        lowerer.lower_pending(pending);
    }
    let mut functions = lowerer.functions;
    functions[1..].sort_by_key(|f| f.span.start);
    let mut imports = lowerer.imports;
    imports.sort_by_key(|i| i.span.start);
    let unit = Unit {
        language: Language::Python,
        functions,
        imports,
        records: Default::default(),
    };
    (unit, lowerer.too_deep)
}

/// A function or class body waiting to be lowered after the body that defines it, so that every
/// binding of the enclosing scope is known by then.
struct Pending<'a> {
    def: PendingDef<'a>,
    parent_scope: usize,
    kind: FunctionKind,
    qualname: String,
    params: Vec<Param>,
    decorators: Vec<Value>,
    /// A class's base classes.
    bases: Vec<Value>,
}

enum PendingDef<'a> {
    Function(&'a ast::StmtFunctionDef),
    Class(&'a ast::StmtClassDef),
}

/// What a name refers to.
enum Resolution {
    /// An imported module or object, a builtin, or a name from a star import.
    Qualified(String),
    /// A local bound exactly once, to this value.
    Bound(Arc<Value>),
    /// A local or a name we know nothing about.
    Opaque,
}

struct Lowerer<'a> {
    source: &'a str,
    scopes: Vec<Scope>,
    imports: Vec<Import>,
    /// Names mutated in place somewhere in the file.
    mutated: HashSet<String>,
    functions: Vec<Function>,
    pending: VecDeque<Pending<'a>>,
    /// The scope being lowered.
    scope: usize,
    /// The ops of the body being lowered.
    ops: Vec<Op>,
    /// The control-flow graph of the body being lowered.
    cfg: CfgBuilder,
    /// The `with` blocks of the body being lowered.
    managed: Vec<Managed>,
    /// The `finally` bodies of the `try` statements being lowered, outermost first.
    finally_bodies: Vec<&'a [Stmt]>,
    /// The qualified name of the body being lowered (empty for the module).
    qualname: String,
    depth: usize,
    too_deep: bool,
}

impl<'a> Lowerer<'a> {
    fn span(&self, range: TextRange) -> ByteSpan {
        ByteSpan {
            start: range.start().to_u32(),
            end: range.end().to_u32(),
        }
    }

    fn text(&self, range: TextRange) -> &'a str {
        self.source
            .get(range.start().to_usize()..range.end().to_usize())
            .unwrap_or("")
    }

    fn value(&self, kind: ValueKind, range: TextRange) -> Value {
        Value {
            kind,
            span: self.span(range),
        }
    }

    // ----- scopes and names -------------------------------------------------------------------

    fn resolve(&self, name: &str) -> Resolution {
        let mut current = Some(self.scope);
        let mut first = true;
        while let Some(id) = current {
            let scope = &self.scopes[id];
            // Class bodies are not visible from the methods defined in them.
            let visible = first || scope.kind != ScopeKind::Class;
            if let Some(binding) = scope.bindings.get(name).filter(|_| visible) {
                if binding.outer {
                    current = scope.parent;
                    first = false;
                    continue;
                }
                return match (&binding.imported, binding.assigns, &binding.value) {
                    (Some(qualname), 0, _) => Resolution::Qualified(qualname.clone()),
                    (None, _, Some(value)) if !binding.mutated && !self.mutated.contains(name) => {
                        Resolution::Bound(value.clone())
                    }
                    // Mutating an object in place changes its contents, not its type.
                    (None, _, Some(value)) => receiver_qualname(value)
                        .filter(|q| q.ends_with("()"))
                        .map_or(Resolution::Opaque, Resolution::Qualified),
                    _ => Resolution::Opaque,
                };
            }
            if scope.parent.is_none() {
                if let [module] = scope.star_imports.as_slice() {
                    return Resolution::Qualified(format!("{module}.{name}"));
                }
            }
            current = scope.parent;
            first = false;
        }
        if is_builtin(name) {
            Resolution::Qualified(format!("builtins.{name}"))
        } else {
            Resolution::Opaque
        }
    }

    /// Names that a lambda or comprehension binds for the expressions inside it.
    fn with_shadowed<T>(&mut self, names: Vec<String>, f: impl FnOnce(&mut Self) -> T) -> T {
        let mut scope = Scope::collect(ScopeKind::Function, Some(self.scope), &[], &[]);
        for name in names {
            scope.bindings.entry(name).or_default().assigns += 2;
        }
        self.scopes.push(scope);
        let saved = std::mem::replace(&mut self.scope, self.scopes.len() - 1);
        let result = f(self);
        self.scope = saved;
        result
    }

    fn record_binding(&mut self, target: &Expr, value: &Arc<Value>) {
        match target {
            Expr::Name(name) => {
                if let Some(binding) = self.scopes[self.scope].bindings.get_mut(name.id.as_str()) {
                    if binding.assigns == 1 && binding.imported.is_none() {
                        binding.recorded += 1;
                        binding.value = Some(value.clone());
                    } else {
                        binding.record_alternatives(Some(vec![value.clone()]));
                    }
                }
            }
            Expr::Tuple(ast::ExprTuple { elts, .. }) | Expr::List(ast::ExprList { elts, .. }) => {
                if let ValueKind::Tuple(items) | ValueKind::List(items) = &value.kind {
                    if items.len() == elts.len() {
                        for (target, item) in elts.iter().zip(items) {
                            self.record_binding(target, &Arc::new(item.clone()));
                        }
                    }
                }
            }
            _ => {}
        }
    }

    /// A loop variable over a constant list holds one of its items.
    fn record_loop_target(&mut self, target: &Expr, items: &Value) {
        let Expr::Name(name) = target else {
            return;
        };
        let values = match &items.resolved().kind {
            ValueKind::List(items) | ValueKind::Tuple(items) | ValueKind::Set(items)
                if items.len() <= crate::scope::MAX_ALTERNATIVES =>
            {
                Some(items.iter().map(|i| Arc::new(i.clone())).collect())
            }
            _ => None,
        };
        if let Some(binding) = self.scopes[self.scope].bindings.get_mut(name.id.as_str()) {
            binding.record_alternatives(values);
        }
    }

    /// `x += value`: another binding of `x`, constant when `value` is.
    fn record_augmented(&mut self, target: &Expr, value: &Arc<Value>) {
        if let Expr::Name(name) = target {
            if let Some(binding) = self.scopes[self.scope].bindings.get_mut(name.id.as_str()) {
                binding.record_alternatives(Some(vec![value.clone()]));
            }
        }
    }

    // ----- functions and classes --------------------------------------------------------------

    fn child_qualname(&self, name: &str) -> String {
        match (self.qualname.as_str(), self.scopes[self.scope].kind) {
            ("", _) => name.to_owned(),
            (parent, ScopeKind::Function) => format!("{parent}.<locals>.{name}"),
            (parent, _) => format!("{parent}.{name}"),
        }
    }

    fn queue_function(&mut self, def: &'a ast::StmtFunctionDef) {
        let decorators = def
            .decorator_list
            .iter()
            .map(|d| self.lower_expr(&d.expression))
            .collect();
        let params = def
            .parameters
            .iter()
            .map(|param| Param {
                name: param.name().id.to_string(),
                default: param.default().map(|d| self.lower_expr(d)),
                span: self.span(param.range()),
            })
            .collect();
        let kind = if self.scopes[self.scope].kind == ScopeKind::Class {
            FunctionKind::Method
        } else {
            FunctionKind::Function
        };
        self.pending.push_back(Pending {
            def: PendingDef::Function(def),
            parent_scope: self.scope,
            kind,
            qualname: self.child_qualname(def.name.id.as_str()),
            params,
            decorators,
            bases: Vec::new(),
        });
    }

    fn queue_class(&mut self, def: &'a ast::StmtClassDef) {
        let decorators = def
            .decorator_list
            .iter()
            .map(|d| self.lower_expr(&d.expression))
            .collect();
        let bases = match &def.arguments {
            Some(arguments) => self.lower_arguments(arguments).args,
            None => Vec::new(),
        };
        self.pending.push_back(Pending {
            def: PendingDef::Class(def),
            parent_scope: self.scope,
            kind: FunctionKind::ClassBody,
            qualname: self.child_qualname(def.name.id.as_str()),
            params: Vec::new(),
            decorators,
            bases,
        });
    }

    fn lower_pending(&mut self, pending: Pending<'a>) {
        let (body, scope_kind, name, range, name_range): (&'a [Stmt], _, _, _, _) =
            match pending.def {
                PendingDef::Function(def) => (
                    &def.body,
                    ScopeKind::Function,
                    &def.name,
                    def.range,
                    def.name.range,
                ),
                PendingDef::Class(def) => (
                    &def.body,
                    ScopeKind::Class,
                    &def.name,
                    def.range,
                    def.name.range,
                ),
            };
        let param_names: Vec<&str> = pending.params.iter().map(|p| p.name.as_str()).collect();
        let scope = Scope::collect(scope_kind, Some(pending.parent_scope), body, &param_names);
        self.forget_globals_written_by(&scope);
        let mut outer_names: Vec<String> = scope
            .bindings
            .iter()
            .filter(|(_, b)| b.outer)
            .map(|(name, _)| name.clone())
            .collect();
        outer_names.sort();
        self.scopes.push(scope);
        self.scope = self.scopes.len() - 1;
        self.qualname = pending.qualname.clone();
        self.cfg = CfgBuilder::new();
        self.lower_body(body);
        let ops = std::mem::take(&mut self.ops);
        let cfg = std::mem::replace(&mut self.cfg, CfgBuilder::new()).finish();
        self.functions.push(Function {
            kind: pending.kind,
            name: name.id.to_string(),
            qualname: pending.qualname,
            span: self.span(range),
            name_span: self.span(name_range),
            params: pending.params,
            decorators: pending.decorators,
            ops,
            cfg,
            managed: std::mem::take(&mut self.managed),
            bases: pending.bases,
            outer_names,
            locals: Vec::new(),
        });
    }

    /// A name rebound through `global` or `nonlocal` in a function is not a constant, in the
    /// scope that owns it: the nearest enclosing scope binding it, or the module.
    fn forget_globals_written_by(&mut self, scope: &Scope) {
        for (name, binding) in &scope.bindings {
            if binding.outer && binding.assigns > 0 {
                let mut owner = scope.parent;
                while let Some(index) = owner {
                    let outer = &mut self.scopes[index];
                    match outer.bindings.get_mut(name) {
                        Some(found) if !found.outer || outer.parent.is_none() => {
                            found.mutated = true;
                            break;
                        }
                        _ => owner = outer.parent,
                    }
                }
            }
        }
    }

    // ----- statements -------------------------------------------------------------------------

    fn lower_body(&mut self, body: &'a [Stmt]) {
        if self.depth > MAX_DEPTH {
            self.too_deep = true;
            return;
        }
        self.depth += 1;
        for stmt in body {
            self.lower_stmt(stmt);
        }
        self.depth -= 1;
    }

    fn lower_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::FunctionDef(def) => self.queue_function(def),
            Stmt::ClassDef(def) => self.queue_class(def),
            Stmt::Return(ret) => {
                let value = ret.value.as_ref().map(|v| Arc::new(self.lower_expr(v)));
                self.cfg.push(Step::Return {
                    value,
                    span: self.span(ret.range),
                });
                // A `return` inside `try` runs the enclosing `finally` bodies on its way out.
                let pending_finally = std::mem::take(&mut self.finally_bodies);
                for body in pending_finally.iter().rev() {
                    self.lower_graph_only(body);
                }
                self.finally_bodies = pending_finally;
                self.cfg.jump(EXIT);
            }
            Stmt::Delete(delete) => delete.targets.iter().for_each(|t| {
                self.lower_expr(t);
            }),
            Stmt::Assign(assign) => {
                let value = self.lower_expr(&assign.value);
                self.lower_assignment(&assign.targets, value, false, assign.range);
            }
            Stmt::AugAssign(assign) => {
                let value = self.lower_expr(&assign.value);
                self.lower_assignment(
                    std::slice::from_ref(&*assign.target),
                    value,
                    true,
                    assign.range,
                );
            }
            Stmt::AnnAssign(assign) => {
                if let Some(value) = &assign.value {
                    let value = self.lower_expr(value);
                    self.lower_assignment(
                        std::slice::from_ref(&*assign.target),
                        value,
                        false,
                        assign.range,
                    );
                }
            }
            Stmt::For(for_stmt) => self.lower_for(for_stmt),
            Stmt::While(while_stmt) => self.lower_while(while_stmt),
            Stmt::If(if_stmt) => self.lower_if(if_stmt),
            Stmt::With(with) => {
                let body = match (with.body.first(), with.body.last()) {
                    (Some(first), Some(last)) => {
                        self.span(TextRange::new(first.range().start(), last.range().end()))
                    }
                    _ => self.span(with.range),
                };
                for item in &with.items {
                    let value = Arc::new(self.lower_expr(&item.context_expr));
                    self.managed.push(Managed {
                        manager: value.clone(),
                        body,
                    });
                    match &item.optional_vars {
                        Some(vars) => {
                            self.record_binding(vars, &value);
                            self.flow_assign(vars, &value, false, &mut Vec::new().into_iter());
                        }
                        None => self.cfg.push(Step::Eval(value)),
                    }
                }
                self.lower_body(&with.body);
            }
            Stmt::Match(match_stmt) => self.lower_match(match_stmt),
            Stmt::Raise(raise) => {
                if let Some(exc) = &raise.exc {
                    let exc = self.lower_expr(exc);
                    self.cfg.push(Step::Eval(Arc::new(exc)));
                }
                if let Some(cause) = &raise.cause {
                    self.lower_expr(cause);
                }
                let target = self.cfg.raise_target();
                self.cfg.jump(target);
            }
            Stmt::Try(try_stmt) => self.lower_try(try_stmt),
            Stmt::Assert(assert) => {
                let test = self.lower_expr(&assert.test);
                if let Some(msg) = &assert.msg {
                    self.lower_expr(msg);
                }
                let cond = Arc::new(test.clone());
                self.cfg.push(Step::Eval(cond.clone()));
                let holds = self.cfg.block();
                let fails = self.cfg.raise_target();
                self.cfg.branch(cond, holds, fails);
                self.cfg.set_current(holds);
                self.ops.push(Op::Assert(Assert {
                    test,
                    span: self.span(assert.range),
                }));
            }
            Stmt::Expr(expr) => {
                let value = self.lower_expr(&expr.value);
                self.cfg.push(Step::Eval(Arc::new(value)));
            }
            Stmt::Import(import) => {
                for alias in &import.names {
                    let span = self.span(alias.range);
                    self.imports.push(Import {
                        qualname: alias.name.id.to_string(),
                        span,
                    });
                }
            }
            Stmt::ImportFrom(import) => {
                let module = crate::scope::import_from_module(import);
                for alias in &import.names {
                    let span = self.span(alias.range);
                    self.imports.push(Import {
                        qualname: crate::scope::join_module(&module, alias.name.id.as_str()),
                        span,
                    });
                }
            }
            Stmt::Break(_) => {
                if let Some(targets) = self.cfg.innermost_loop() {
                    self.cfg.jump(targets.done);
                }
            }
            Stmt::Continue(_) => {
                if let Some(targets) = self.cfg.innermost_loop() {
                    self.cfg.jump(targets.next);
                }
            }
            Stmt::Global(_)
            | Stmt::Nonlocal(_)
            | Stmt::Pass(_)
            | Stmt::TypeAlias(_)
            | Stmt::IpyEscapeCommand(_) => {}
        }
    }

    /// Lowers a condition and ends the current block with a branch on it.
    fn lower_branch(&mut self, test: &'a Expr, then: u32, otherwise: u32) {
        let cond = Arc::new(self.lower_expr(test));
        self.cfg.push(Step::Eval(cond.clone()));
        self.cfg.branch(cond, then, otherwise);
    }

    fn lower_if(&mut self, if_stmt: &'a ast::StmtIf) {
        let done = self.cfg.block();
        let then = self.cfg.block();
        let mut otherwise = self.cfg.block();
        self.lower_branch(&if_stmt.test, then, otherwise);
        self.cfg.set_current(then);
        self.lower_body(&if_stmt.body);
        self.cfg.goto(done);
        for clause in &if_stmt.elif_else_clauses {
            self.cfg.set_current(otherwise);
            match &clause.test {
                Some(test) => {
                    let then = self.cfg.block();
                    otherwise = self.cfg.block();
                    self.lower_branch(test, then, otherwise);
                    self.cfg.set_current(then);
                }
                None => otherwise = done,
            }
            self.lower_body(&clause.body);
            self.cfg.goto(done);
        }
        if otherwise != done {
            self.cfg.set_current(otherwise);
            self.cfg.goto(done);
        }
        self.cfg.set_current(done);
    }

    fn lower_while(&mut self, while_stmt: &'a ast::StmtWhile) {
        let header = self.cfg.block();
        let body = self.cfg.block();
        let orelse = self.cfg.block();
        let done = self.cfg.block();
        self.cfg.goto(header);
        self.cfg.set_current(header);
        self.lower_branch(&while_stmt.test, body, orelse);
        self.lower_loop_body(&while_stmt.body, header, body, done);
        self.cfg.set_current(orelse);
        self.lower_body(&while_stmt.orelse);
        self.cfg.goto(done);
        self.cfg.set_current(done);
    }

    fn lower_for(&mut self, for_stmt: &'a ast::StmtFor) {
        let items = self.lower_expr(&for_stmt.iter);
        self.record_loop_target(&for_stmt.target, &items);
        let element = Arc::new(element_of(items));
        let header = self.cfg.block();
        let body = self.cfg.block();
        let orelse = self.cfg.block();
        let done = self.cfg.block();
        self.cfg.goto(header);
        self.cfg.set_current(header);
        self.flow_assign(
            &for_stmt.target,
            &element,
            false,
            &mut Vec::new().into_iter(),
        );
        self.cfg.edge(header, body, EdgeKind::Normal);
        self.cfg.edge(header, orelse, EdgeKind::Normal);
        self.lower_loop_body(&for_stmt.body, header, body, done);
        self.cfg.set_current(orelse);
        self.lower_body(&for_stmt.orelse);
        self.cfg.goto(done);
        self.cfg.set_current(done);
    }

    fn lower_loop_body(&mut self, stmts: &'a [Stmt], header: u32, body: u32, done: u32) {
        self.cfg.enter_loop(LoopTargets { next: header, done });
        self.cfg.set_current(body);
        self.lower_body(stmts);
        self.cfg.goto(header);
        self.cfg.exit_loop();
    }

    fn lower_try(&mut self, try_stmt: &'a ast::StmtTry) {
        let dispatch = self.cfg.block();
        let finally = self.cfg.block();
        let has_finally = !try_stmt.finalbody.is_empty();
        if has_finally {
            self.finally_bodies.push(&try_stmt.finalbody);
        }
        self.cfg.enter_try(dispatch);
        let body = self.cfg.block();
        self.cfg.goto(body);
        self.cfg.set_current(body);
        self.lower_body(&try_stmt.body);
        self.cfg.exit_try();
        // An exception raised in `else:` or in a handler still runs `finally` on its way out.
        let cleanup = has_finally.then(|| {
            let cleanup = self.cfg.block();
            self.cfg.enter_try(cleanup);
            cleanup
        });
        self.lower_body(&try_stmt.orelse);
        self.cfg.goto(finally);
        let guarded = match (try_stmt.body.first(), try_stmt.body.last()) {
            (Some(first), Some(last)) => {
                self.span(TextRange::new(first.range().start(), last.range().end()))
            }
            _ => self.span(try_stmt.range),
        };
        let mut catches_all = false;
        for handler in &try_stmt.handlers {
            let ast::ExceptHandler::ExceptHandler(handler) = handler;
            catches_all |= handler.type_.is_none();
            let block = self.cfg.block();
            self.cfg.edge(dispatch, block, EdgeKind::Normal);
            self.cfg.set_current(block);
            let op = self.ops.len();
            self.lower_handler(handler);
            self.cfg.goto(finally);
            // The clause's own handler op is the first one it pushed (after any calls in the
            // caught types, before the handlers nested in its body).
            let own = self.ops[op..].iter_mut().find_map(|o| match o {
                Op::Handler(h) => Some(h),
                _ => None,
            });
            if let Some(lowered) = own {
                lowered.flow = HandlerFlow {
                    guarded,
                    start: block,
                    end: self.cfg.block_count(),
                    after: finally,
                };
            }
        }
        if cleanup.is_some() {
            self.cfg.exit_try();
        }
        if has_finally {
            self.finally_bodies.pop();
        }
        if !catches_all {
            // An exception no clause catches runs `finally` and propagates.
            let outer = self.cfg.raise_target();
            if try_stmt.finalbody.is_empty() {
                self.cfg.edge(dispatch, outer, EdgeKind::Normal);
            } else {
                let unwind = self.cfg.block();
                self.cfg.edge(dispatch, unwind, EdgeKind::Normal);
                self.cfg.set_current(unwind);
                self.lower_graph_only(&try_stmt.finalbody);
                self.cfg.jump(outer);
            }
        }
        if let Some(cleanup) = cleanup {
            self.cfg.set_current(cleanup);
            self.lower_graph_only(&try_stmt.finalbody);
            let outer = self.cfg.raise_target();
            self.cfg.jump(outer);
        }
        self.cfg.set_current(finally);
        self.lower_body(&try_stmt.finalbody);
    }

    /// Lowers `body` into the graph only: a second copy of code that already has its ops,
    /// functions and `with` blocks recorded (the `finally` body on the path of an exception).
    fn lower_graph_only(&mut self, body: &'a [Stmt]) {
        let (ops, pending, managed) = (self.ops.len(), self.pending.len(), self.managed.len());
        self.lower_body(body);
        self.ops.truncate(ops);
        self.pending.truncate(pending);
        self.managed.truncate(managed);
    }

    fn lower_match(&mut self, match_stmt: &'a ast::StmtMatch) {
        let subject = Arc::new(self.lower_expr(&match_stmt.subject));
        self.cfg.push(Step::Eval(subject.clone()));
        let dispatch = self.cfg.current();
        let done = self.cfg.block();
        self.cfg.edge(dispatch, done, EdgeKind::Normal);
        for case in &match_stmt.cases {
            let block = self.cfg.block();
            self.cfg.edge(dispatch, block, EdgeKind::Normal);
            self.cfg.set_current(block);
            let mut names = Vec::new();
            collect_pattern_names(&case.pattern, &mut names);
            for (name, range) in names {
                self.cfg.push(Step::Assign {
                    target: Place {
                        path: CompactString::from(name),
                        weak: false,
                        owner: None,
                        span: self.span(range),
                    },
                    value: subject.clone(),
                    augmented: false,
                });
            }
            if let Some(guard) = &case.guard {
                let then = self.cfg.block();
                self.lower_branch(guard, then, done);
                self.cfg.set_current(then);
            }
            self.lower_body(&case.body);
            self.cfg.goto(done);
        }
        self.cfg.set_current(done);
    }

    fn lower_assignment(
        &mut self,
        targets: &'a [Expr],
        value: Value,
        augmented: bool,
        range: TextRange,
    ) {
        let span = self.span(range);
        let value = Arc::new(value);
        for target in targets {
            if augmented {
                self.record_augmented(target, &value);
            } else {
                self.record_binding(target, &value);
            }
            let mut lowered = Vec::new();
            // Unpacking a literal tuple pairs each target with its own value.
            match (target, &value.kind) {
                (Expr::Tuple(ast::ExprTuple { elts, .. }), ValueKind::Tuple(items))
                    if elts.len() == items.len() =>
                {
                    for (elt, item) in elts.iter().zip(items) {
                        let targets = self.lower_targets(elt);
                        lowered.extend(targets.iter().map(|t| t.owner.clone()));
                        self.ops.push(Op::Assign(Assign {
                            targets,
                            value: Arc::new(item.clone()),
                            augmented,
                            span,
                        }));
                    }
                }
                _ => {
                    let targets = self.lower_targets(target);
                    lowered.extend(targets.iter().map(|t| t.owner.clone()));
                    self.ops.push(Op::Assign(Assign {
                        targets,
                        value: value.clone(),
                        augmented,
                        span,
                    }));
                }
            }
            self.flow_assign(target, &value, augmented, &mut lowered.into_iter());
        }
    }

    /// Adds the stores of `target = value` to the control-flow graph, taking each stored
    /// object's qualified name from `owners` (one per name, attribute or subscript target, in
    /// order).
    fn flow_assign(
        &mut self,
        target: &Expr,
        value: &Arc<Value>,
        augmented: bool,
        owners: &mut std::vec::IntoIter<Option<String>>,
    ) {
        match target {
            Expr::Tuple(ast::ExprTuple { elts, .. }) | Expr::List(ast::ExprList { elts, .. }) => {
                let literal = match &value.kind {
                    ValueKind::Tuple(items) | ValueKind::List(items)
                        if items.len() == elts.len() =>
                    {
                        Some(items)
                    }
                    _ => None,
                };
                let mut starred = false;
                for (i, elt) in elts.iter().enumerate() {
                    starred |= matches!(elt, Expr::Starred(_));
                    let item = match literal {
                        Some(items) => items[i].clone(),
                        // After a starred target, positions are counted from the end.
                        None if starred => element_of((**value).clone()),
                        None => index_of((**value).clone(), i),
                    };
                    self.flow_assign(elt, &Arc::new(item), augmented, owners);
                }
            }
            Expr::Starred(starred) => self.flow_assign(&starred.value, value, augmented, owners),
            Expr::Name(_) | Expr::Attribute(_) | Expr::Subscript(_) => {
                let owner = owners.next().flatten();
                match place_path(target) {
                    Some((path, weak)) => self.cfg.push(Step::Assign {
                        target: Place {
                            path: CompactString::from(path),
                            weak,
                            owner,
                            span: self.span(target.range()),
                        },
                        value: value.clone(),
                        augmented,
                    }),
                    None => self.cfg.push(Step::Eval(value.clone())),
                }
            }
            _ => self.cfg.push(Step::Eval(value.clone())),
        }
    }

    fn lower_targets(&mut self, target: &'a Expr) -> Vec<Target> {
        match target {
            Expr::Tuple(ast::ExprTuple { elts, .. }) | Expr::List(ast::ExprList { elts, .. }) => {
                elts.iter().flat_map(|t| self.lower_targets(t)).collect()
            }
            Expr::Starred(starred) => self.lower_targets(&starred.value),
            Expr::Name(name) => vec![Target {
                path: name.id.to_string(),
                name: name.id.to_string(),
                owner: None,
                element: None,
                span: self.span(name.range),
            }],
            Expr::Attribute(attribute) => {
                let base = self.lower_expr(&attribute.value);
                vec![Target {
                    path: self.text(attribute.range).to_owned(),
                    name: attribute.attr.id.to_string(),
                    owner: receiver_qualname(&base),
                    element: None,
                    span: self.span(attribute.range),
                }]
            }
            Expr::Subscript(subscript) => {
                let base = self.lower_expr(&subscript.value);
                let key = self.lower_expr(&subscript.slice);
                vec![Target {
                    path: self.text(subscript.range).to_owned(),
                    name: key.as_str().unwrap_or_default().to_owned(),
                    owner: receiver_qualname(&base),
                    element: None,
                    span: self.span(subscript.range),
                }]
            }
            other => {
                self.lower_expr(other);
                Vec::new()
            }
        }
    }

    fn lower_handler(&mut self, handler: &'a ast::ExceptHandlerExceptHandler) {
        let caught = match handler.type_.as_deref() {
            None => Vec::new(),
            Some(Expr::Tuple(tuple)) => tuple.elts.iter().map(|e| self.lower_expr(e)).collect(),
            Some(other) => vec![self.lower_expr(other)],
        };
        let body = summarize_handler(&handler.body);
        let header_end = handler
            .name
            .as_ref()
            .map(|n| n.range.end())
            .or_else(|| handler.type_.as_ref().map(|t| t.range().end()))
            .unwrap_or_else(|| handler.range.start() + ruff_text_size::TextSize::new(6));
        let span = self.span(TextRange::new(handler.range.start(), header_end));
        self.ops.push(Op::Handler(Handler {
            caught,
            body,
            span,
            flow: HandlerFlow::default(),
        }));
        if let Some(name) = &handler.name {
            self.cfg.push(Step::Assign {
                target: Place {
                    path: CompactString::from(name.id.as_str()),
                    weak: false,
                    owner: None,
                    span: self.span(name.range),
                },
                value: Arc::new(Value::unknown(self.span(name.range))),
                augmented: false,
            });
        }
        self.lower_body(&handler.body);
    }

    // ----- expressions ------------------------------------------------------------------------

    fn lower_expr(&mut self, expr: &'a Expr) -> Value {
        if self.depth > MAX_DEPTH {
            self.too_deep = true;
            return Value::unknown(self.span(expr.range()));
        }
        self.depth += 1;
        let kind = self.lower_expr_kind(expr);
        self.depth -= 1;
        self.value(kind, expr.range())
    }

    fn lower_expr_kind(&mut self, expr: &'a Expr) -> ValueKind {
        match expr {
            Expr::StringLiteral(s) => ValueKind::Str(s.value.to_str().to_owned()),
            Expr::BytesLiteral(b) => ValueKind::Bytes(b.value.bytes().collect()),
            Expr::NumberLiteral(n) => match &n.value {
                ast::Number::Int(i) => i
                    .as_i64()
                    .map_or(ValueKind::Unknown, |i| ValueKind::Int(i.into())),
                ast::Number::Float(f) => ValueKind::Float(*f),
                ast::Number::Complex { .. } => ValueKind::Unknown,
            },
            Expr::BooleanLiteral(b) => ValueKind::Bool(b.value),
            Expr::NoneLiteral(_) => ValueKind::None,
            Expr::EllipsisLiteral(_) => ValueKind::Unknown,
            Expr::Name(name) => self.lower_name(name),
            Expr::Attribute(attribute) => {
                let base = self.lower_expr(&attribute.value);
                let attr = attribute.attr.id.as_str();
                let qualname = receiver_qualname(&base).map(|q| format!("{q}.{attr}"));
                let base = match &base.kind {
                    ValueKind::Ref { base: None, .. } => None,
                    _ => Some(Box::new(base)),
                };
                ValueKind::Ref {
                    path: CompactString::from(self.text(attribute.range)),
                    qualname,
                    bound: None,
                    base,
                }
            }
            Expr::Call(call) => self.lower_call(call),
            Expr::BinOp(binop) => {
                let left = self.lower_expr(&binop.left);
                let right = self.lower_expr(&binop.right);
                lower_binop(binop.op.as_str(), left, right)
            }
            Expr::UnaryOp(unary) => {
                let operand = self.lower_expr(&unary.operand);
                match (unary.op, operand.as_int(), operand.as_bool()) {
                    (ast::UnaryOp::USub, Some(i), _) if operand.as_bool().is_some() => {
                        ValueKind::Int(-i)
                    }
                    (ast::UnaryOp::Invert, Some(i), _) => ValueKind::Int(!i),
                    (ast::UnaryOp::Not, _, Some(b)) => ValueKind::Bool(!b),
                    _ => ValueKind::Operation {
                        op: unary.op.as_str(),
                        operands: vec![operand],
                    },
                }
            }
            Expr::BoolOp(boolop) => ValueKind::Operation {
                op: boolop.op.as_str(),
                operands: boolop.values.iter().map(|v| self.lower_expr(v)).collect(),
            },
            Expr::Compare(compare) => {
                let mut operands = vec![self.lower_expr(&compare.left)];
                operands.extend(compare.comparators.iter().map(|c| self.lower_expr(c)));
                let op = compare.ops.first().map_or("==", |op| op.as_str());
                let value = self.value(ValueKind::Operation { op, operands }, compare.range);
                self.ops.push(Op::Compare(value.clone()));
                value.kind
            }
            Expr::If(if_expr) => {
                let test = self.lower_expr(&if_expr.test);
                let body = self.lower_expr(&if_expr.body);
                let orelse = self.lower_expr(&if_expr.orelse);
                match test.as_bool() {
                    Some(true) => body.kind,
                    Some(false) => orelse.kind,
                    // The value is one of the branches; the test only picks which.
                    None => ValueKind::Operation {
                        op: "one of",
                        operands: vec![body, orelse],
                    },
                }
            }
            Expr::Named(named) => {
                let value = self.lower_expr(&named.value);
                self.lower_assignment(
                    std::slice::from_ref(&*named.target),
                    value.clone(),
                    false,
                    named.range,
                );
                value.kind
            }
            Expr::FString(fstring) => {
                let mut parts = Vec::new();
                for part in &fstring.value {
                    match part {
                        ast::FStringPart::Literal(lit) => {
                            parts.push(Part::Lit(lit.value.to_string()))
                        }
                        ast::FStringPart::FString(f) => {
                            for element in &f.elements {
                                parts.push(self.lower_interpolated(element));
                            }
                        }
                    }
                }
                fold::build(BuildKind::Interpolation, parts)
            }
            Expr::TString(tstring) => {
                let parts = tstring
                    .value
                    .elements()
                    .map(|element| self.lower_interpolated(element))
                    .collect();
                fold::build(BuildKind::Interpolation, parts)
            }
            Expr::Subscript(subscript) => {
                let base = self.lower_expr(&subscript.value);
                let key = self.lower_expr(&subscript.slice);
                let folded = match (key.as_str(), key.as_int()) {
                    (Some(k), _) => fold::dict_lookup(&base, k),
                    (None, Some(i)) => fold::index_lookup(&base, i),
                    _ => None,
                };
                match folded {
                    Some(value) => value.kind.clone(),
                    None => ValueKind::Operation {
                        op: "[]",
                        operands: vec![base, key],
                    },
                }
            }
            Expr::List(list) => ValueKind::List(self.lower_elements(&list.elts)),
            Expr::Tuple(tuple) => ValueKind::Tuple(self.lower_elements(&tuple.elts)),
            Expr::Set(set) => ValueKind::Set(self.lower_elements(&set.elts)),
            Expr::Dict(dict) => ValueKind::Dict(
                dict.iter()
                    .map(|item| {
                        let key = item.key.as_ref().map(|k| self.lower_expr(k));
                        (key, self.lower_expr(&item.value))
                    })
                    .collect(),
            ),
            Expr::Lambda(lambda) => {
                let names = lambda
                    .parameters
                    .as_ref()
                    .map(|p| p.iter().map(|param| param.name().id.to_string()).collect())
                    .unwrap_or_default();
                self.with_shadowed(names, |this| this.lower_expr(&lambda.body));
                ValueKind::Unknown
            }
            Expr::ListComp(ast::ExprListComp {
                elt, generators, ..
            })
            | Expr::SetComp(ast::ExprSetComp {
                elt, generators, ..
            })
            | Expr::Generator(ast::ExprGenerator {
                elt, generators, ..
            }) => self.lower_comprehension(generators, &[elt]),
            Expr::DictComp(comp) => {
                let mut elements: Vec<&Expr> = vec![&comp.value];
                elements.extend(comp.key.as_deref());
                self.lower_comprehension(&comp.generators, &elements)
            }
            Expr::Await(await_expr) => self.lower_expr(&await_expr.value).kind,
            Expr::Yield(yield_expr) => {
                if let Some(value) = &yield_expr.value {
                    self.lower_expr(value);
                }
                ValueKind::Unknown
            }
            Expr::YieldFrom(yield_from) => {
                self.lower_expr(&yield_from.value);
                ValueKind::Unknown
            }
            Expr::Starred(starred) => {
                self.lower_expr(&starred.value);
                ValueKind::Unknown
            }
            Expr::Slice(slice) => {
                for bound in [&slice.lower, &slice.upper, &slice.step]
                    .into_iter()
                    .flatten()
                {
                    self.lower_expr(bound);
                }
                ValueKind::Unknown
            }
            Expr::IpyEscapeCommand(_) => ValueKind::Unknown,
        }
    }

    fn lower_name(&mut self, name: &ast::ExprName) -> ValueKind {
        let path = CompactString::from(name.id.as_str());
        match self.resolve(name.id.as_str()) {
            Resolution::Qualified(qualname) => ValueKind::Ref {
                path,
                qualname: Some(qualname),
                bound: None,
                base: None,
            },
            Resolution::Bound(value) => ValueKind::Ref {
                path,
                qualname: receiver_qualname(&value),
                bound: Some(value),
                base: None,
            },
            Resolution::Opaque => ValueKind::Ref {
                path,
                qualname: None,
                bound: None,
                base: None,
            },
        }
    }

    fn lower_elements(&mut self, elts: &'a [Expr]) -> Vec<Value> {
        elts.iter().map(|e| self.lower_expr(e)).collect()
    }

    fn lower_interpolated(&mut self, element: &'a ast::InterpolatedStringElement) -> Part {
        match element {
            ast::InterpolatedStringElement::Literal(lit) => Part::Lit(lit.value.to_string()),
            ast::InterpolatedStringElement::Interpolation(interpolation) => {
                Part::Hole(self.lower_expr(&interpolation.expression))
            }
        }
    }

    fn lower_comprehension(
        &mut self,
        generators: &'a [ast::Comprehension],
        elements: &[&'a Expr],
    ) -> ValueKind {
        let mut names = Vec::new();
        let mut bindings = Vec::new();
        // The first iterable is evaluated in the enclosing scope.
        let first = generators.first().map(|g| self.lower_expr(&g.iter));
        for generator in generators {
            let start = names.len();
            collect_target_names(&generator.target, &mut names);
            if let Some(first) = &first {
                for name in &names[start..] {
                    bindings.push((
                        CompactString::from(name.as_str()),
                        element_of(first.clone()),
                    ));
                }
            }
        }
        let elements = self.with_shadowed(names, |this| {
            for (i, generator) in generators.iter().enumerate() {
                if i > 0 {
                    this.lower_expr(&generator.iter);
                }
                for condition in &generator.ifs {
                    this.lower_expr(condition);
                }
            }
            elements
                .iter()
                .map(|element| this.lower_expr(element))
                .collect()
        });
        ValueKind::Comprehension { bindings, elements }
    }

    fn lower_arguments(&mut self, arguments: &'a ast::Arguments) -> Arguments {
        let mut lowered = Arguments {
            args: Vec::with_capacity(arguments.args.len()),
            keywords: Vec::with_capacity(arguments.keywords.len()),
            ..Arguments::default()
        };
        for arg in &arguments.args {
            if let Expr::Starred(starred) = arg {
                lowered.star_args = true;
                let value = self.lower_expr(&starred.value);
                lowered.unpacked.push(value);
            } else {
                lowered.args.push(self.lower_expr(arg));
            }
        }
        for keyword in &arguments.keywords {
            let value = self.lower_expr(&keyword.value);
            match &keyword.arg {
                Some(name) => lowered.keywords.push(Keyword {
                    name: CompactString::from(name.id.as_str()),
                    value,
                    span: self.span(keyword.range),
                }),
                None => {
                    lowered.star_kwargs = true;
                    lowered.unpacked.push(value);
                }
            }
        }
        lowered
    }

    fn lower_call(&mut self, call: &'a ast::ExprCall) -> ValueKind {
        let (text, qualname, method, receiver) = match call.func.as_ref() {
            Expr::Attribute(attribute) => {
                let receiver = self.lower_expr(&attribute.value);
                let method = CompactString::from(attribute.attr.id.as_str());
                let qualname = receiver_qualname(&receiver).map(|q| format!("{q}.{method}"));
                (
                    self.text(attribute.range),
                    qualname,
                    Some(method),
                    Some(receiver),
                )
            }
            func => {
                let value = self.lower_expr(func);
                (
                    self.text(func.range()),
                    value.qualname().map(str::to_owned),
                    None,
                    None,
                )
            }
        };
        let Arguments {
            args,
            keywords,
            star_args,
            star_kwargs,
            unpacked,
        } = self.lower_arguments(&call.arguments);
        if let (Some(method), Some(receiver)) = (&method, &receiver) {
            if let Some(built) =
                string_builder(method, receiver, &args, &keywords, call.range(), self)
            {
                return built;
            }
        }
        let call = Arc::new(Call {
            callee: Callee {
                text: CompactString::from(text),
                qualname,
                method,
                receiver: receiver.map(Box::new),
                span: self.span(call.func.range()),
            },
            args,
            keywords,
            star_args,
            star_kwargs,
            unpacked,
            span: self.span(call.range()),
        });
        self.ops.push(Op::Call(call.clone()));
        ValueKind::Call(call)
    }
}

/// A call's arguments as lowered.
#[derive(Default)]
struct Arguments {
    args: Vec<Value>,
    keywords: Vec<Keyword>,
    star_args: bool,
    star_kwargs: bool,
    unpacked: Vec<Value>,
}

/// `"...".format(...)` and `"sep".join(items)` on constant strings are string building, not calls.
fn string_builder(
    method: &str,
    receiver: &Value,
    args: &[Value],
    keywords: &[Keyword],
    range: TextRange,
    lowerer: &Lowerer<'_>,
) -> Option<ValueKind> {
    let template = receiver.as_str()?;
    match method {
        "format" => {
            let named: Vec<(CompactString, Value)> = keywords
                .iter()
                .map(|k| (k.name.clone(), k.value.clone()))
                .collect();
            let unknown = Value::unknown(lowerer.span(range));
            let parts = fold::brace_parts(template, args, &named, &unknown)?;
            Some(fold::build(BuildKind::Format, parts))
        }
        "join" if args.len() == 1 && keywords.is_empty() => {
            let items = match &args[0].resolved().kind {
                ValueKind::List(items) | ValueKind::Tuple(items) => items.clone(),
                _ => vec![args[0].clone()],
            };
            let mut parts = Vec::with_capacity(items.len() * 2);
            for (i, item) in items.into_iter().enumerate() {
                if i > 0 {
                    parts.push(Part::Lit(template.to_owned()));
                }
                parts.push(Part::Hole(item));
            }
            Some(fold::build(BuildKind::Join, parts))
        }
        _ => None,
    }
}

/// The qualified name a value gives to attributes read from it: a module or class for references,
/// an instance (`name()`) for calls to a known constructor.
fn receiver_qualname(value: &Value) -> Option<String> {
    match &value.kind {
        ValueKind::Ref { qualname, .. } => qualname.clone(),
        ValueKind::Call(call) => call.callee.qualname.as_ref().map(|q| format!("{q}()")),
        ValueKind::Str(_) | ValueKind::Build { .. } => Some("builtins.str()".to_owned()),
        _ => None,
    }
}

fn lower_binop(op: &'static str, left: Value, right: Value) -> ValueKind {
    if let (Some(a), Some(b)) = (left.as_int(), right.as_int()) {
        if let Some(folded) = fold::int_binop(op, a, b) {
            return ValueKind::Int(folded);
        }
    }
    let stringy = |v: &Value| {
        matches!(
            v.resolved().kind,
            ValueKind::Str(_) | ValueKind::Build { .. }
        )
    };
    match op {
        "+" if stringy(&left) || stringy(&right) => {
            let mut parts = fold::concat_parts(left);
            parts.extend(fold::concat_parts(right));
            fold::build(BuildKind::Concat, parts)
        }
        "%" if left.as_str().is_some() => {
            let template = left.as_str().unwrap_or_default().to_owned();
            match fold::percent_parts(&template, &right) {
                Some(parts) => fold::build(BuildKind::Percent, parts),
                None => ValueKind::Build {
                    kind: BuildKind::Percent,
                    parts: vec![Part::Lit(template), Part::Hole(right)],
                },
            }
        }
        _ => ValueKind::Operation {
            op,
            operands: vec![left, right],
        },
    }
}

fn summarize_handler(body: &[Stmt]) -> HandlerBody {
    let is_nothing = |stmt: &Stmt| match stmt {
        Stmt::Pass(_) => true,
        Stmt::Expr(expr) => matches!(
            expr.value.as_ref(),
            Expr::EllipsisLiteral(_) | Expr::StringLiteral(_)
        ),
        _ => false,
    };
    if body.iter().all(is_nothing) {
        HandlerBody::Nothing
    } else if let [Stmt::Continue(_)] = body {
        HandlerBody::Continue
    } else {
        HandlerBody::Handles
    }
}

fn collect_target_names(target: &Expr, names: &mut Vec<String>) {
    match target {
        Expr::Name(name) => names.push(name.id.to_string()),
        Expr::Tuple(ast::ExprTuple { elts, .. }) | Expr::List(ast::ExprList { elts, .. }) => {
            elts.iter().for_each(|e| collect_target_names(e, names));
        }
        Expr::Starred(starred) => collect_target_names(&starred.value, names),
        _ => {}
    }
}

/// One element of a collection, at a position the analysis does not know.
fn element_of(items: Value) -> Value {
    let span = items.span;
    Value {
        kind: ValueKind::Operation {
            op: "[]",
            operands: vec![items, Value::unknown(span)],
        },
        span,
    }
}

/// The element at position `index` of a collection.
fn index_of(items: Value, index: usize) -> Value {
    let span = items.span;
    Value {
        kind: ValueKind::Operation {
            op: "[]",
            operands: vec![
                items,
                Value {
                    kind: ValueKind::Int(index as i128),
                    span,
                },
            ],
        },
        span,
    }
}

/// The canonical access path a store writes to, and whether the store is weak (into a
/// container under a key that is not constant). `None` when the target is not a path
/// (`f().x = 1`).
fn place_path(target: &Expr) -> Option<(String, bool)> {
    match target {
        Expr::Name(name) => Some((name.id.to_string(), false)),
        Expr::Attribute(attribute) => {
            let (base, weak) = place_path(&attribute.value)?;
            if weak {
                Some((base, true))
            } else {
                Some((format!("{base}.{}", attribute.attr.id), false))
            }
        }
        Expr::Subscript(subscript) => {
            let (base, weak) = place_path(&subscript.value)?;
            match (weak, constant_key(&subscript.slice)) {
                (false, Some(key)) => Some((format!("{base}[{key}]"), false)),
                _ => Some((base, true)),
            }
        }
        _ => None,
    }
}

/// A subscript key written as a literal, in the form access paths use.
fn constant_key(key: &Expr) -> Option<String> {
    match key {
        Expr::StringLiteral(s) => Some(s.value.to_str().to_owned()),
        Expr::NumberLiteral(ast::ExprNumberLiteral {
            value: ast::Number::Int(i),
            ..
        }) => i.as_i64().map(|i| i.to_string()),
        _ => None,
    }
}

/// The names a `case` pattern captures.
fn collect_pattern_names<'p>(pattern: &'p ast::Pattern, names: &mut Vec<(&'p str, TextRange)>) {
    match pattern {
        ast::Pattern::MatchValue(_) | ast::Pattern::MatchSingleton(_) => {}
        ast::Pattern::MatchSequence(p) => p
            .patterns
            .iter()
            .for_each(|p| collect_pattern_names(p, names)),
        ast::Pattern::MatchMapping(p) => {
            p.patterns
                .iter()
                .for_each(|p| collect_pattern_names(p, names));
            if let Some(rest) = &p.rest {
                names.push((rest.id.as_str(), rest.range));
            }
        }
        ast::Pattern::MatchClass(p) => {
            p.arguments
                .patterns
                .iter()
                .for_each(|p| collect_pattern_names(p, names));
            p.arguments
                .keywords
                .iter()
                .for_each(|k| collect_pattern_names(&k.pattern, names));
        }
        ast::Pattern::MatchStar(p) => {
            if let Some(name) = &p.name {
                names.push((name.id.as_str(), name.range));
            }
        }
        ast::Pattern::MatchAs(p) => {
            if let Some(inner) = &p.pattern {
                collect_pattern_names(inner, names);
            }
            if let Some(name) = &p.name {
                names.push((name.id.as_str(), name.range));
            }
        }
        ast::Pattern::MatchOr(p) => p
            .patterns
            .iter()
            .for_each(|p| collect_pattern_names(p, names)),
    }
}
