//! The per-file view the authorization rules share: which functions are request handlers, which
//! handlers are their siblings, how each one is authorized (a decorator, its class, a hook, a
//! call in its body, a helper of the file that reaches one), and what each handler does before
//! its first check.
//!
//! Every idiom comes from the authorization model (`models/authz.toml` in secrev-taint). A
//! function of the file whose body reaches an authorizing call, directly or through other
//! functions of the file (`self._check_policy(...)`, a base controller's method), is learned as
//! an idiom too, so a project's own helpers count without being listed.

use crate::Context;
use secrev_core::ByteSpan;
use secrev_ir::{
    any_in, BlockId, Call, EdgeKind, Function, FunctionKind, Stmt, Unit, Value, ValueKind, ENTRY,
};
use secrev_taint::authz::Authz;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::rc::Rc;

/// The fewest siblings that must authorize, and the share of siblings that must, before a
/// handler that does not is suspect. Three checking siblings out of four is a convention, not a
/// coincidence; with fewer, a public or differently guarded handler is as likely as a slip.
pub(super) const MIN_CHECKING_SIBLINGS: usize = 3;
pub(super) const MIN_CHECKING_SHARE: f64 = 0.75;

/// How one handler, or one place in it, is authorized.
#[derive(Debug, Clone)]
pub(super) struct Idiom {
    /// Where (a check call, a decorator, a class attribute).
    pub span: ByteSpan,
    /// The idiom as a reader knows it (`context.can(...)`, `@login_required`).
    pub name: String,
    /// The policy or action it names, when it names one (literal pieces and constant names).
    pub policy: Vec<String>,
}

/// Something a handler does that needs authorization first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Effect {
    /// Returns data that is not a constant.
    Returns,
    /// Calls an operation that changes state.
    Changes,
    /// Calls anything else (a read, a lookup).
    Calls,
    /// Calls code the file does not show: a method inherited from a class of another file
    /// (`self._reset_status(...)`), or a callable picked at run time (`getattr(self, name)(...)`).
    /// It may authorize; the handler is not judged.
    Delegates,
}

/// The names and places of a handler's function.
pub(super) struct Named {
    pub name: String,
    pub qualname: String,
    pub name_span: ByteSpan,
    pub span: ByteSpan,
}

/// A recognised request handler.
pub(super) struct Handler {
    pub function: Named,
    /// The class it is a method of.
    pub class: Option<String>,
    /// Marked public by design.
    pub public: bool,
    /// Authorized as a whole: decorator, class attribute or base, hook, dependency.
    pub covering: Option<Idiom>,
    /// Authorizing calls and tests in its body, in source order.
    pub checks: Vec<Idiom>,
    /// What runs with no check before it on some path from the entry.
    pub unchecked: Vec<(ByteSpan, Effect)>,
    /// Operations that run before a check that follows them on the same path.
    pub late: Vec<(ByteSpan, ByteSpan)>,
    /// The unchecked calls into code of other files, by qualified name (`cinder.volume.API().get`),
    /// any of which may authorize; `None` for a call on an attribute of `self` whose object the
    /// file does not show.
    pub delegations: Vec<Option<String>>,
}

impl Handler {
    /// Whether the handler authorizes at all.
    pub fn authorizes(&self) -> bool {
        self.covering.is_some() || !self.checks.is_empty()
    }

    /// The idiom it authorizes with, for messages about it as a sibling.
    pub fn idiom(&self) -> Option<&Idiom> {
        self.covering.as_ref().or(self.checks.first())
    }
}

/// The handlers of one file.
pub(super) struct FileView {
    pub handlers: Vec<Handler>,
}

impl FileView {
    /// The handlers `handler` is compared with: the other handlers of its class when the class
    /// has enough of them to show a convention (or when none of them authorizes), otherwise every
    /// other handler of the file.
    /// Handlers marked public are no evidence either way.
    pub fn siblings(&self, index: usize) -> Vec<&Handler> {
        let me = &self.handlers[index];
        let others = |same_class: bool| -> Vec<&Handler> {
            self.handlers
                .iter()
                .enumerate()
                .filter(|(i, h)| *i != index && !h.public && (!same_class || (h.class == me.class)))
                .map(|(_, h)| h)
                .collect()
        };
        if me.class.is_some() {
            let in_class = others(true);
            // A class whose other handlers all go unchecked is public by design (versions,
            // discovery): the file's other controllers say nothing about it.
            if in_class.len() >= MIN_CHECKING_SIBLINGS
                || (!in_class.is_empty() && !in_class.iter().any(|h| h.authorizes()))
            {
                return in_class;
            }
        }
        others(false)
    }
}

/// Whether a set of siblings may show the authorization convention once the project shows which
/// of the undecided ones (siblings that do not authorize in the file but call code of other
/// files) authorize there: the siblings that check here, and the undecided ones with their calls.
pub(super) fn possible_convention<'a>(
    siblings: &[&'a Handler],
) -> Option<(Vec<&'a Handler>, Vec<Vec<String>>)> {
    let (checking, rest): (Vec<&Handler>, Vec<&Handler>) =
        siblings.iter().copied().partition(|h| h.authorizes());
    let undecided: Vec<Vec<String>> = rest
        .iter()
        .map(|h| h.delegations.iter().flatten().cloned().collect::<Vec<_>>())
        .filter(|calls| !calls.is_empty())
        .collect();
    let at_most = checking.len() + undecided.len();
    let possible = at_most >= MIN_CHECKING_SIBLINGS
        && at_most as f64 >= MIN_CHECKING_SHARE * siblings.len() as f64
        && !checking.is_empty();
    possible.then_some((checking, undecided))
}

/// Which file a cached view belongs to: the unit's address alone could be reused by the next
/// file, and a review analyses the same path before and after a change.
#[derive(PartialEq, Eq)]
struct ViewKey {
    unit: usize,
    path: String,
    source: u64,
}

thread_local! {
    /// The last file's view: PY931-PY933 run one after the other on the same unit and thread,
    /// and share one analysis.
    static LAST_VIEW: RefCell<Option<(ViewKey, Option<Rc<FileView>>)>> = const { RefCell::new(None) };
}

/// The view of `unit`, or `None` when the file has no handlers (or is test code); computed once
/// per file however many rules ask.
pub(super) fn view(ctx: &Context, unit: &Unit) -> Option<Rc<FileView>> {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    ctx.source.hash(&mut hasher);
    let key = ViewKey {
        unit: unit as *const Unit as usize,
        path: ctx.path.to_owned(),
        source: hasher.finish(),
    };
    LAST_VIEW.with(|last| {
        if let Some((cached, view)) = last.borrow().as_ref() {
            if *cached == key {
                return view.clone();
            }
        }
        let view = build_view(ctx, unit).map(Rc::new);
        *last.borrow_mut() = Some((key, view.clone()));
        view
    })
}

fn build_view<'u>(ctx: &Context<'u>, unit: &'u Unit) -> Option<FileView> {
    if crate::helpers::is_test_path(ctx.path) {
        return None;
    }
    let model = Authz::builtin();
    let classes = classes(unit);
    let class_of = |f: &Function| -> Option<&'u str> {
        let (parent, _) = f.qualname.rsplit_once('.')?;
        classes.get(parent).map(|c| c.qualname.as_str())
    };
    let decorated_classes: HashSet<&str> = unit
        .functions
        .iter()
        .filter(|f| f.kind == FunctionKind::Method && has_handler_decorator(model, f))
        .filter_map(|f| f.qualname.rsplit_once('.').map(|(p, _)| p))
        .collect();
    let controllers: HashSet<&str> = classes
        .values()
        .filter(|c| decorated_classes.contains(c.qualname.as_str()) || is_controller(model, c))
        .map(|c| c.qualname.as_str())
        .collect();
    let candidates: Vec<(&Function, Option<&str>)> = unit
        .functions
        .iter()
        .filter_map(|function| {
            let class = class_of(function);
            let is_handler = match (function.kind, class) {
                (FunctionKind::Method, Some(class)) => {
                    !function.name.starts_with("__")
                        && !model.ignored_methods.matches(&function.name)
                        && (controllers.contains(class)
                            && model.handler_methods.matches(&function.name)
                            || has_handler_decorator(model, function))
                }
                (FunctionKind::Function, None) => {
                    !function.qualname.contains('.')
                        && (has_handler_decorator(model, function)
                            || (function
                                .params
                                .first()
                                .is_some_and(|p| model.view_params.contains(&p.name))
                                && model.view_modules.matches(&ctx.path.replace('\\', "/"))))
                }
                _ => false,
            };
            is_handler.then_some((function, class))
        })
        .collect();
    // A module function taken for a view by its `request` parameter alone is a helper when
    // other code of the file calls it (`is_ajax(request)`): the router calls views.
    let mut candidates = candidates;
    if candidates
        .iter()
        .any(|(f, class)| class.is_none() && !has_handler_decorator(model, f))
    {
        let names: HashSet<&str> = candidates
            .iter()
            .filter(|(_, class)| class.is_none())
            .map(|(f, _)| f.name.as_str())
            .collect();
        let mut called: HashSet<String> = HashSet::new();
        for f in &unit.functions {
            f.cfg.any_value(&mut |v| {
                if let ValueKind::Call(call) = &v.kind {
                    if names.contains(call.callee.text.as_str()) {
                        called.insert(call.callee.text.to_string());
                    }
                }
                false
            });
        }
        candidates.retain(|(f, class)| {
            class.is_some() || has_handler_decorator(model, f) || !called.contains(&f.name)
        });
    }
    // Most files have no handlers: learning helpers costs a walk of every body, so only
    // files with handlers pay it.
    if candidates.is_empty() {
        return None;
    }
    let learned = learn_helpers(model, unit, &class_of);
    let defined = Defined {
        attributes: attribute_types(unit),
        methods: unit
            .functions
            .iter()
            .filter(|f| f.kind == FunctionKind::Method)
            .map(|f| f.name.as_str())
            .collect(),
        functions: unit
            .functions
            .iter()
            .filter(|f| f.kind == FunctionKind::Function)
            .map(|f| f.name.as_str())
            .collect(),
    };
    let outgoing = outgoing(unit, &defined);
    let hook = unit
        .functions
        .iter()
        .find(|f| {
            f.decorators
                .iter()
                .any(|d| model.hooks.matches(&decorator_name(d)))
                && body_checks(model, f, &learned)
        })
        .map(|f| Idiom {
            span: f.name_span,
            name: format!("`{}` (run before every request)", f.name),
            policy: Vec::new(),
        });

    let mut handlers = Vec::new();
    for (function, class) in candidates {
        let class_body = class.and_then(|c| classes.get(c).copied());
        let public = is_public(ctx, model, function)
            || class_body.is_some_and(|c| class_is_public(model, c, &classes));
        let covering = covering_idiom(ctx, model, function)
            .or_else(|| class_body.and_then(|c| class_idiom(ctx, model, c, &classes, 0)))
            .or_else(|| hook.clone());
        let flow = walk(ctx, model, function, &learned, &defined);
        handlers.push(Handler {
            function: Named {
                name: function.name.clone(),
                qualname: function.qualname.clone(),
                name_span: function.name_span,
                span: function.span,
            },
            class: class.map(str::to_owned),
            public,
            covering,
            checks: flow.checks,
            unchecked: flow.unchecked,
            late: flow.late,
            delegations: expand(&flow.delegations, &outgoing),
        });
    }
    handlers.sort_by_key(|h| h.function.span.start);
    (!handlers.is_empty()).then_some(FileView { handlers })
}

/// The names of the file's functions whose bodies authorize, directly or through each other.
/// Each body is walked once, for its own checks and the file functions it calls; the fixpoint
/// then runs over names only.
pub(super) fn learn_helpers<'u>(
    model: &Authz,
    unit: &'u Unit,
    class_of: &dyn Fn(&Function) -> Option<&'u str>,
) -> Learned {
    let none = Learned::default();
    let mut learned = Learned::default();
    // (is a method, the function, methods it calls on self, functions it calls)
    let mut pending: Vec<(bool, &Function, HashSet<String>, HashSet<String>)> = Vec::new();
    for f in &unit.functions {
        if !matches!(f.kind, FunctionKind::Method | FunctionKind::Function) {
            continue;
        }
        // A helper wrapped in an authorizing decorator (manila's `@wsgi.Controller.authorize`)
        // authorizes whoever calls it.
        let mut direct = f.decorators.iter().any(|d| {
            decorator_texts(d)
                .iter()
                .any(|t| model.decorators.matches(t))
        });
        let mut on_self = HashSet::new();
        let mut plain = HashSet::new();
        f.cfg.any_value(&mut |v| {
            if direct {
                return true;
            }
            if authorizing(model, v, &none).is_some_and(|k| k != Kind::Denial) {
                direct = true;
                return true;
            }
            if let ValueKind::Call(call) = &v.kind {
                let text = call.callee.text.as_str();
                match text.rsplit_once('.') {
                    Some((receiver, last)) if is_self(receiver) => {
                        on_self.insert(last.to_owned());
                    }
                    None => {
                        plain.insert(text.to_owned());
                    }
                    _ => {}
                }
            }
            false
        });
        // Denial branches last: most functions are settled by the walk above.
        direct = direct || !denial_branches(model, f).is_empty();
        let method = class_of(f).is_some();
        if direct {
            learned.insert(method, f);
        } else if !on_self.is_empty() || !plain.is_empty() {
            pending.push((method, f, on_self, plain));
        }
    }
    loop {
        let before = pending.len();
        pending.retain(|(method, f, on_self, plain)| {
            let reaches = on_self.iter().any(|n| learned.methods.contains(n))
                || plain.iter().any(|n| learned.functions.contains(n));
            if reaches {
                learned.insert(*method, f);
            }
            !reaches
        });
        if pending.len() == before {
            return learned;
        }
    }
}

fn is_self(receiver: &str) -> bool {
    matches!(receiver, "self" | "cls") || receiver.starts_with("super(")
}

/// Functions of the file learned to authorize, by name: methods (called through `self`, `cls` or
/// `super()`) and module-level functions.
#[derive(Default)]
pub(super) struct Learned {
    methods: HashSet<String>,
    functions: HashSet<String>,
    /// The learned functions by their qualified name in the file (`API.get`).
    pub qualnames: HashSet<String>,
}

impl Learned {
    fn insert(&mut self, method: bool, f: &Function) {
        if method {
            self.methods.insert(f.name.clone());
        } else {
            self.functions.insert(f.name.clone());
        }
        self.qualnames.insert(f.qualname.clone());
    }
}

/// The file's class bodies by qualified name.
pub(super) fn classes(unit: &Unit) -> HashMap<&str, &Function> {
    unit.functions
        .iter()
        .filter(|f| f.kind == FunctionKind::ClassBody)
        .map(|f| (f.qualname.as_str(), f))
        .collect()
}

/// What the file's methods store in attributes of `self` (`self.volume_api = volume.API()`):
/// the constructor's qualified name with `()`, or the module or object assigned; `None` for an
/// instance of a class of the file (`self.inner = AllocationsController()`), whose methods are
/// the file's own.
fn attribute_types(unit: &Unit) -> HashMap<&str, Option<String>> {
    let own_classes: HashSet<&str> = unit
        .functions
        .iter()
        .filter(|f| f.kind == FunctionKind::ClassBody && !f.qualname.contains('.'))
        .map(|f| f.name.as_str())
        .collect();
    let mut types = HashMap::new();
    for f in unit
        .functions
        .iter()
        .filter(|f| f.kind == FunctionKind::Method)
    {
        for op in &f.ops {
            let secrev_ir::Op::Assign(assign) = op else {
                continue;
            };
            let value = assign.value.resolved();
            let held = match &value.kind {
                ValueKind::Call(call) if own_classes.contains(call.callee.text.as_str()) => {
                    Some(None)
                }
                _ => held_by(value).map(Some),
            };
            for target in &assign.targets {
                if target.path.starts_with("self.") {
                    if let Some(held) = &held {
                        types
                            .entry(target.path.as_str())
                            .or_insert_with(|| held.clone());
                    }
                }
            }
        }
    }
    types
}

/// What a value assigned to an attribute is: a constructor's result (`volume.API()`), a module
/// or object by name, or for `injected or default()` the default.
fn held_by(value: &Value) -> Option<String> {
    match &value.kind {
        ValueKind::Call(call) => call.callee.qualname.as_ref().map(|q| format!("{q}()")),
        ValueKind::Ref { qualname, .. } => qualname.clone(),
        ValueKind::Operation { op, operands } if matches!(*op, "or" | "one of") => {
            operands.iter().rev().find_map(|o| held_by(o.resolved()))
        }
        _ => None,
    }
}

/// Whether `v` refuses the request: it builds a denial error (`HTTPForbidden`), aborts with a
/// refusing status (`abort(403)`), or answers with one (`Response(status=403)`, `body, 403`).
fn is_denial(model: &Authz, v: &Value) -> bool {
    let status = |v: &Value| {
        v.as_int()
            .is_some_and(|i| model.denial_statuses.contains(&i))
            || v.path()
                .is_some_and(|p| model.denial_status_names.matches(p))
    };
    any_in(v, &mut |inner| match &inner.kind {
        ValueKind::Call(call) => {
            model_verdict(model, call) == Some(Kind::Denial)
                || ([call.qualname(), call.callee.text.as_str()]
                    .iter()
                    .any(|n| !n.is_empty() && model.denial_status_callees.matches(n))
                    && call.args.first().is_some_and(status))
                || call.keywords.iter().any(|k| {
                    model
                        .denial_status_keywords
                        .iter()
                        .any(|w| w == k.name.as_str())
                        && status(&k.value)
                })
        }
        ValueKind::Tuple(items) => items.last().is_some_and(status),
        _ => false,
    })
}

/// The blocks of `f` ending in a condition one of whose branches refuses the request straight
/// away (`if not swift_owner: raise AccessDenied()`): the condition decides who may go on, so
/// it authorizes what follows it.
fn denial_branches(model: &Authz, f: &Function) -> HashSet<BlockId> {
    let blocks = &f.cfg.blocks;
    let denies = |id: BlockId| {
        blocks.get(id as usize).is_some_and(|b| {
            b.stmts.iter().any(|stmt| match stmt {
                Stmt::Assign { value, .. } | Stmt::Eval(value) => is_denial(model, value),
                Stmt::Return { value, .. } => value.as_deref().is_some_and(|v| is_denial(model, v)),
            })
        })
    };
    blocks
        .iter()
        .enumerate()
        .filter(|(_, b)| {
            b.succs
                .iter()
                .any(|e| matches!(e.kind, EdgeKind::Branch { .. }) && denies(e.to))
        })
        .map(|(id, _)| id as BlockId)
        .collect()
}

fn body_checks(model: &Authz, f: &Function, learned: &Learned) -> bool {
    f.cfg
        .any_value(&mut |v| authorizing(model, v, learned).is_some_and(|k| k != Kind::Denial))
}

/// What kind of authorization a value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Call,
    Helper,
    Reference,
    /// Building the error that denies a request: the function has made a test of its own.
    Denial,
}

fn authorizing(model: &Authz, v: &Value, learned: &Learned) -> Option<Kind> {
    match &v.kind {
        ValueKind::Call(call) => {
            let text = call.callee.text.as_str();
            let (receiver, last) = text.rsplit_once('.').unwrap_or(("", text));
            let verdict = model_verdict(model, call);
            if matches!(verdict, Some(Kind::Call | Kind::Denial)) {
                return verdict;
            }
            if (is_self(receiver) && learned.methods.contains(last))
                || (receiver.is_empty() && learned.functions.contains(text))
            {
                return Some(Kind::Helper);
            }
            verdict
        }
        ValueKind::Ref { path, .. } if model.references.matches(path) => Some(Kind::Reference),
        _ => None,
    }
}

/// What the model alone says of a call: an authorizing or denying call, a helper by name.
fn model_verdict(model: &Authz, call: &Call) -> Option<Kind> {
    let text = call.callee.text.as_str();
    memo(call.qualname(), text, || {
        if let Some(check) = model.check(call.qualname(), text) {
            return Some(if check.denial {
                Kind::Denial
            } else {
                Kind::Call
            });
        }
        let last = text.rsplit('.').next().unwrap_or(text);
        model.helper_names.matches(last).then_some(Kind::Helper)
    })
}

/// How many answers [`memo`] keeps per thread before starting over.
const MEMO_LIMIT: usize = 1 << 16;

thread_local! {
    /// The model's verdict on a callee or reference (qualified name and text): every file
    /// of a project walks the same few thousand callees, and each verdict costs dozens of glob
    /// matches.
    /// Keyed by a hash of both, to look up without copying them.
    static MEMO: RefCell<HashMap<u64, Option<Kind>>> = RefCell::new(HashMap::new());
}

fn memo(qualname: &str, text: &str, answer: impl FnOnce() -> Option<Kind>) -> Option<Kind> {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    (qualname, text).hash(&mut hasher);
    let key = hasher.finish();
    if let Some(known) = MEMO.with(|m| m.borrow().get(&key).copied()) {
        return known;
    }
    let kind = answer();
    MEMO.with(|m| {
        let mut m = m.borrow_mut();
        if m.len() >= MEMO_LIMIT {
            m.clear();
        }
        m.insert(key, kind);
    });
    kind
}

/// The first authorizing value in `v`, with its kind.
fn find_authorizing<'v>(
    model: &Authz,
    v: &'v Value,
    learned: &Learned,
) -> Option<(&'v Value, Kind)> {
    let mut found = None;
    any_in(v, &mut |inner| {
        if let Some(kind) = authorizing(model, inner, learned) {
            found = Some((inner, kind));
            true
        } else {
            false
        }
    });
    found
}

fn idiom_of(ctx: &Context, model: &Authz, v: &Value, kind: Kind) -> Idiom {
    match &v.kind {
        ValueKind::Call(call) => {
            let policy = model
                .check(call.qualname(), &call.callee.text)
                .and_then(|c| c.policy.as_ref())
                .and_then(|p| call.arg(p.position, p.keyword.as_deref().unwrap_or("")))
                .map(policy_words)
                .unwrap_or_default();
            let name = match kind {
                Kind::Helper => format!("`{}(...)`, which authorizes", call.callee.text),
                _ => format!("`{}(...)`", call.callee.text),
            };
            Idiom {
                span: call.span,
                name,
                policy,
            }
        }
        _ => Idiom {
            span: v.span,
            name: format!("a test of `{}`", ctx.code(v.span)),
            policy: Vec::new(),
        },
    }
}

/// The literal pieces and constant names of a policy argument (`os_compute_api:servers:%s`,
/// `delete`, `DELETE_POLICY`).
fn policy_words(v: &Value) -> Vec<String> {
    let mut words = Vec::new();
    any_in(v.resolved(), &mut |inner| {
        match &inner.resolved().kind {
            ValueKind::Str(s) => words.push(s.clone()),
            ValueKind::Build { parts, .. } => words.extend(parts.iter().filter_map(|p| match p {
                secrev_ir::Part::Lit(s) => Some(s.clone()),
                secrev_ir::Part::Hole(_) => None,
            })),
            ValueKind::Ref { path, .. } => {
                words.extend(path.rsplit('.').next().map(str::to_owned));
            }
            _ => {}
        }
        false
    });
    words
}

/// The operation classes (`read`, `delete`...) a policy or handler name spells: those of its
/// last word that names one.
pub(super) fn verbs_of<'m>(model: &'m Authz, words: &[String]) -> Vec<&'m str> {
    words
        .iter()
        .flat_map(|w| split_words(w))
        .rev()
        .find_map(|w| {
            let classes = model.verb_classes(&w);
            (!classes.is_empty()).then_some(classes)
        })
        .unwrap_or_default()
}

/// The verbs a handler's own name spells (`index`, `delete`, `_action_create_image`).
pub(super) fn handler_verbs<'m>(model: &'m Authz, name: &str) -> Vec<&'m str> {
    let whole = model.verb_classes(name.trim_start_matches('_'));
    if !whole.is_empty() {
        return whole;
    }
    split_words(name)
        .iter()
        .find_map(|w| {
            let classes = model.verb_classes(w);
            (!classes.is_empty()).then_some(classes)
        })
        .unwrap_or_default()
}

/// Words of an identifier or policy name: split at punctuation, underscores and case changes.
fn split_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut prev_lower = false;
    for c in text.chars() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        prev_lower = c.is_ascii_lowercase();
        current.push(c.to_ascii_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// A decorator's name: the callee of a decorator call, else the reference, qualified when known.
pub(super) fn decorator_name(d: &Value) -> String {
    match &d.kind {
        ValueKind::Call(call) => call
            .callee
            .qualname
            .clone()
            .unwrap_or_else(|| call.callee.text.to_string()),
        ValueKind::Ref { path, qualname, .. } => {
            qualname.clone().unwrap_or_else(|| path.to_string())
        }
        _ => String::new(),
    }
}

fn decorator_texts(d: &Value) -> [String; 2] {
    let written = match &d.kind {
        ValueKind::Call(call) => call.callee.text.to_string(),
        ValueKind::Ref { path, .. } => path.to_string(),
        _ => String::new(),
    };
    [decorator_name(d), written]
}

fn has_handler_decorator(model: &Authz, f: &Function) -> bool {
    f.decorators.iter().any(|d| {
        decorator_texts(d)
            .iter()
            .any(|t| model.handler_decorators.matches(t))
    })
}

fn is_controller(model: &Authz, class: &Function) -> bool {
    model.handler_class_names.matches(&class.name)
        || class.bases.iter().any(|b| {
            b.qualname()
                .into_iter()
                .chain(b.path())
                .any(|t| model.handler_class_bases.matches(t))
        })
}

/// Marked public by design: a public decorator, or a marker word in a comment on the header.
fn is_public(ctx: &Context, model: &Authz, f: &Function) -> bool {
    if model.public_handlers.matches(&f.name) {
        return true;
    }
    if f.decorators.iter().any(|d| {
        decorator_texts(d)
            .iter()
            .any(|t| model.public_decorators.matches(t))
    }) {
        return true;
    }
    // The header runs from the first decorator (or the line before `def`) to the end of the
    // `def` line.
    let start = ctx
        .source
        .get(..f.span.start as usize)
        .and_then(|before| before.trim_end_matches([' ', '\t']).strip_suffix('\n'))
        .map_or(f.span.start as usize, |b| {
            b.rfind('\n').map_or(0, |i| i + 1)
        });
    let end = ctx
        .source
        .get(f.name_span.end as usize..)
        .and_then(|rest| rest.find('\n'))
        .map_or(ctx.source.len(), |i| f.name_span.end as usize + i);
    let header = ctx.source.get(start..end).unwrap_or("");
    header.lines().any(|line| {
        line.split_once('#').is_some_and(|(_, comment)| {
            let comment = comment.to_ascii_lowercase();
            model.public_comments.iter().any(|w| {
                comment
                    .split(|c: char| !c.is_ascii_alphanumeric() && c != ' ')
                    .any(|part| part.trim() == w || part.trim().starts_with(&format!("{w} ")))
            })
        })
    })
}

/// A decorator or FastAPI dependency that authorizes the whole handler.
fn covering_idiom(ctx: &Context, model: &Authz, f: &Function) -> Option<Idiom> {
    let idiom = |span: ByteSpan| Idiom {
        span,
        name: format!("`@{}`", ctx.code(span)),
        policy: Vec::new(),
    };
    for d in &f.decorators {
        if decorator_texts(d)
            .iter()
            .any(|t| model.decorators.matches(t))
        {
            return Some(idiom(d.span));
        }
        // `@router.get(..., dependencies=[Depends(require_admin)])`, or a router built with them.
        if let ValueKind::Call(call) = &d.kind {
            let router = call.callee.receiver.as_deref().map(Value::resolved);
            let router_deps = router
                .and_then(Value::as_call)
                .and_then(|c| c.keyword("dependencies"));
            for deps in call.keyword("dependencies").into_iter().chain(router_deps) {
                if let Some(dep) = auth_dependency(model, deps) {
                    return Some(Idiom {
                        span: dep.span,
                        name: format!("`{}`", ctx.code(dep.span)),
                        policy: Vec::new(),
                    });
                }
            }
        }
    }
    f.params
        .iter()
        .filter_map(|p| p.default.as_ref())
        .find_map(|d| auth_dependency(model, d))
        .map(|dep| Idiom {
            span: dep.span,
            name: format!("`{}`", ctx.code(dep.span)),
            policy: Vec::new(),
        })
}

/// A `Depends(...)`/`Security(...)` in `v` whose dependency is named like authentication or
/// authorization.
fn auth_dependency<'v>(model: &Authz, v: &'v Value) -> Option<&'v Value> {
    let mut found = None;
    any_in(v, &mut |inner| {
        let ValueKind::Call(call) = &inner.kind else {
            return false;
        };
        let names = [call.qualname(), call.callee.text.as_str()];
        if !names
            .iter()
            .any(|n| !n.is_empty() && model.dependencies.matches(n))
        {
            return false;
        }
        let named = call.args.first().or_else(|| call.keyword("dependency"));
        let auth = named.is_some_and(|dep| {
            let dep = match &dep.kind {
                ValueKind::Call(c) => c.callee.text.to_string(),
                _ => dep.path().unwrap_or("").to_owned(),
            };
            model
                .dependency_names
                .matches(dep.rsplit('.').next().unwrap_or(&dep))
        });
        if auth {
            found = Some(inner);
        }
        auth
    });
    found
}

/// A class attribute (`permission_classes = [...]`, `decorators = [login_required]`) or base
/// class that authorizes every handler of `class`, looking through base classes of the file.
fn class_idiom(
    ctx: &Context,
    model: &Authz,
    class: &Function,
    classes: &HashMap<&str, &Function>,
    depth: usize,
) -> Option<Idiom> {
    if depth > 8 {
        return None;
    }
    for op in &class.ops {
        let secrev_ir::Op::Assign(assign) = op else {
            continue;
        };
        if assign
            .targets
            .iter()
            .any(|t| model.class_attributes.contains(&t.path))
            && !assign.value.is_constant()
            && !has_public_value(model, &assign.value)
        {
            return Some(Idiom {
                span: assign.span,
                name: format!("`{}`", ctx.code(assign.span)),
                policy: Vec::new(),
            });
        }
    }
    for base in &class.bases {
        let names: Vec<&str> = base.qualname().into_iter().chain(base.path()).collect();
        if names.iter().any(|n| model.bases.matches(n)) {
            return Some(Idiom {
                span: base.span,
                name: format!("the base class `{}`", ctx.code(base.span)),
                policy: Vec::new(),
            });
        }
        if let Some(parent) = base.path().and_then(|p| classes.get(p)) {
            if let Some(idiom) = class_idiom(ctx, model, parent, classes, depth + 1) {
                return Some(idiom);
            }
        }
    }
    None
}

fn has_public_value(model: &Authz, v: &Value) -> bool {
    any_in(v, &mut |inner| {
        inner
            .qualname()
            .into_iter()
            .chain(inner.path())
            .any(|t| model.public_values.matches(t))
    })
}

fn class_is_public(model: &Authz, class: &Function, classes: &HashMap<&str, &Function>) -> bool {
    class.ops.iter().any(|op| {
        matches!(op, secrev_ir::Op::Assign(a)
            if a.targets.iter().any(|t| model.class_attributes.contains(&t.path))
                && has_public_value(model, &a.value))
    }) || class
        .bases
        .iter()
        .filter_map(|b| b.path().and_then(|p| classes.get(p)))
        .any(|parent| parent.qualname != class.qualname && class_is_public(model, parent, classes))
}

/// The names of the file's own methods and functions: calls to anything else through `self`
/// or by a bare unresolved name run code the analysis does not see.
struct Defined<'u> {
    methods: HashSet<&'u str>,
    functions: HashSet<&'u str>,
    attributes: HashMap<&'u str, Option<String>>,
}

/// What one handler's body does before its checks.
struct Flow {
    checks: Vec<Idiom>,
    unchecked: Vec<(ByteSpan, Effect)>,
    late: Vec<(ByteSpan, ByteSpan)>,
    delegations: Vec<Reach>,
}

/// Walks the graph from the entry along normal and branch edges, stopping at the first
/// statement that authorizes on each path: what runs before it is unchecked. Exception edges
/// are not followed: a handler that turns a failed check into an error response runs after the
/// check, not instead of it.
fn walk(ctx: &Context, model: &Authz, f: &Function, learned: &Learned, defined: &Defined) -> Flow {
    let blocks = &f.cfg.blocks;
    let mut checks = Vec::new();
    let mut seen_checks = HashSet::new();
    f.cfg.any_value(&mut |v| {
        if let Some(kind) = authorizing(model, v, learned) {
            if kind != Kind::Denial && seen_checks.insert(v.span) {
                checks.push(idiom_of(ctx, model, v, kind));
            }
        }
        false
    });
    let denying = denial_branches(model, f);
    for &id in &denying {
        if let Some(cond) = branch_condition(f, id) {
            if seen_checks.insert(cond.span) {
                checks.push(Idiom {
                    span: cond.span,
                    name: format!(
                        "a test that refuses the request (`if {}`)",
                        ctx.code(cond.span)
                    ),
                    policy: Vec::new(),
                });
            }
        }
    }
    checks.sort_by_key(|c| c.span.start);

    let mut unchecked = Vec::new();
    let mut delegations = Vec::new();
    let mut late = Vec::new();
    let mut seen = vec![false; blocks.len()];
    let mut stack: Vec<BlockId> = vec![ENTRY];
    while let Some(id) = stack.pop() {
        let Some(block) = blocks.get(id as usize) else {
            continue;
        };
        if std::mem::replace(&mut seen[id as usize], true) {
            continue;
        }
        let mut stopped = false;
        let mut effects_here = Vec::new();
        for stmt in &block.stmts {
            let value = match stmt {
                Stmt::Assign { value, .. } | Stmt::Eval(value) => Some(value.as_ref()),
                Stmt::Return { value, .. } => value.as_deref(),
            };
            let scoped = matches!(stmt, Stmt::Eval(v) if is_condition(f, id, v)
                && (denying.contains(&id) || tests_caller(model, v)));
            if scoped {
                stopped = true;
                break;
            }
            if let Some((at, kind)) = value.and_then(|v| find_authorizing(model, v, learned)) {
                // Only a policy call itself is clearly misplaced; a learned helper after an
                // operation may be filtering the response rather than guarding the change.
                if kind == Kind::Call {
                    for (op, effect) in unchecked.iter().chain(&effects_here) {
                        if *effect == Effect::Changes {
                            late.push((*op, at.span));
                        }
                    }
                }
                stopped = true;
                break;
            }
            if let Some(v) = value {
                effects_here.extend(effects(ctx, model, v, defined, &mut delegations));
            }
            if let Stmt::Return {
                value: Some(v),
                span,
            } = stmt
            {
                if !v.is_constant() {
                    effects_here.push((*span, Effect::Returns));
                }
            }
        }
        unchecked.extend(effects_here);
        if stopped {
            continue;
        }
        for edge in &block.succs {
            if !matches!(edge.kind, EdgeKind::Exception) {
                stack.push(edge.to);
            }
        }
    }
    // An operation is "late" only when a check follows it on its own path; the walk records
    // every unchecked operation seen before any check was reached, so keep those whose check
    // comes after them in the source (straight-line code, the common shape).
    late.retain(|(op, check)| op.start < check.start);
    late.sort_by_key(|(op, _)| op.start);
    late.dedup_by_key(|(op, _)| *op);
    unchecked.sort_by_key(|(span, _)| span.start);
    Flow {
        checks,
        unchecked,
        late,
        delegations,
    }
}

/// The condition of the branch that ends block `id`, if it ends in one.
fn branch_condition(f: &Function, id: BlockId) -> Option<&Value> {
    f.cfg
        .blocks
        .get(id as usize)?
        .succs
        .iter()
        .find_map(|e| match &e.kind {
            EdgeKind::Branch { cond, .. } => Some(cond.as_ref()),
            _ => None,
        })
}

/// Whether a condition compares something with the caller's own identity
/// (`id != context.project_id`): the branches it picks are scoped to the caller.
fn tests_caller(model: &Authz, v: &Value) -> bool {
    any_in(v, &mut |inner| {
        inner.path().is_some_and(|p| model.ownership.matches(p))
    })
}

/// The calls in `v` that matter for authorization: operations that change state, and other
/// calls that are not logging, not building an error to raise, and not reading the request.
/// The calls into other files among them go to `delegations`.
fn effects(
    ctx: &Context,
    model: &Authz,
    v: &Value,
    defined: &Defined,
    delegations: &mut Vec<Reach>,
) -> Vec<(ByteSpan, Effect)> {
    let mut out = Vec::new();
    if is_raised(ctx, v) {
        return out;
    }
    any_in(v, &mut |inner| {
        if let ValueKind::Call(call) = &inner.kind {
            let effect = effect_of(model, call, defined);
            if let Some(effect) = effect {
                out.push((call.span, effect));
            }
            // Helpers of the file (`self._get(...)`) are followed even when they are not
            // effects of their own.
            if effect != Some(Effect::Delegates) {
                delegations.extend(delegation(call, defined));
            }
        }
        false
    });
    out
}

/// Where a call may lead: another file's code by qualified name (`nova.api.openstack.common.
/// get_instance`, `cinder.volume.API().get` for `self.volume_api.get` with `self.volume_api =
/// volume.API()`), an untyped attribute of `self`, or a function of the file; `None` for calls
/// on local objects of unknown origin (nothing to resolve).
fn delegation(call: &Call, defined: &Defined) -> Option<Reach> {
    let text = call.callee.text.as_str();
    match text.rsplit_once('.') {
        Some((receiver, method)) if is_self(receiver) => {
            return defined
                .methods
                .contains(method)
                .then(|| Reach::Local(method.to_owned()));
        }
        Some((receiver, method))
            if receiver.starts_with("self.") && !receiver[5..].contains(['.', '(', '[']) =>
        {
            return Some(match defined.attributes.get(receiver) {
                Some(Some(held)) => Reach::Elsewhere(format!("{held}.{method}")),
                Some(None) => Reach::Local(method.to_owned()),
                None => Reach::Untyped,
            });
        }
        None if defined.functions.contains(text) => return Some(Reach::Local(text.to_owned())),
        _ => {}
    }
    call.callee
        .qualname
        .as_ref()
        .filter(|q| !q.starts_with("builtins."))
        .map(|q| Reach::Elsewhere(q.clone()))
}

/// Where a call may lead when it leaves the handler.
#[derive(Debug, Clone)]
enum Reach {
    /// Code of another file, by qualified name.
    Elsewhere(String),
    /// A method of an attribute of `self` whose object the file does not show.
    Untyped,
    /// A function or method of this file, by name: where its own calls lead.
    Local(String),
}

/// The calls into other files that `reach` leads to, following the file's own functions
/// (`self._get(...)` whose body calls `self.group_api.get(...)`); `None` for an untyped
/// attribute.
fn expand(reach: &[Reach], outgoing: &HashMap<&str, Vec<Reach>>) -> Vec<Option<String>> {
    let mut out = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
    let mut stack: Vec<&Reach> = reach.iter().collect();
    while let Some(r) = stack.pop() {
        match r {
            Reach::Elsewhere(target) => out.push(Some(target.clone())),
            Reach::Untyped => out.push(None),
            Reach::Local(name) => {
                if let Some((name, calls)) = outgoing.get_key_value(name.as_str()) {
                    if seen.insert(name) {
                        stack.extend(calls);
                    }
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Where each function of the file may lead, by name (methods and functions of one name merge).
fn outgoing<'u>(unit: &'u Unit, defined: &Defined) -> HashMap<&'u str, Vec<Reach>> {
    let mut out: HashMap<&str, Vec<Reach>> = HashMap::new();
    for f in &unit.functions {
        if !matches!(f.kind, FunctionKind::Method | FunctionKind::Function) {
            continue;
        }
        let calls = out.entry(f.name.as_str()).or_default();
        f.cfg.any_value(&mut |v| {
            if let ValueKind::Call(call) = &v.kind {
                calls.extend(delegation(call, defined));
            }
            false
        });
    }
    out
}

fn effect_of(model: &Authz, call: &Call, defined: &Defined) -> Option<Effect> {
    if crate::helpers::is_logging_call(call) {
        return None;
    }
    let text = call.callee.text.as_str();
    let (receiver, method) = text.rsplit_once('.').unwrap_or(("", text));
    let unseen = if receiver.is_empty() {
        // A bare name that is not a function of the file nor an import: a local holding a
        // callable picked at run time (`action = getattr(self, name)`).
        !defined.functions.contains(text)
            && call
                .callee
                .qualname
                .as_deref()
                .is_none_or(|q| q.ends_with("()") || q.contains("getattr"))
    } else {
        is_self(receiver) && !defined.methods.contains(method)
    };
    if unseen {
        return Some(Effect::Delegates);
    }
    if model.is_operation(receiver, method) && !receiver.is_empty() {
        return Some(Effect::Changes);
    }
    let quiet = [
        "req.",
        "request.",
        "body.",
        "kwargs.",
        "params.",
        "self._view_builder",
        "_",
    ];
    if quiet.iter().any(|q| text.starts_with(q))
        || method.starts_with("get") && receiver.starts_with("req")
        || matches!(
            method,
            "get" | "pop" | "keys" | "items" | "values" | "append" | "format" | "copy"
        ) && !receiver.to_ascii_lowercase().contains("api")
    {
        return None;
    }
    Some(Effect::Calls)
}

/// Whether `v` is the exception of a `raise` statement: the source before it says `raise`.
fn is_raised(ctx: &Context, v: &Value) -> bool {
    ctx.source
        .get(..v.span.start as usize)
        .map(str::trim_end)
        .is_some_and(|before| {
            before.ends_with("raise")
                && !before[..before.len() - 5]
                    .ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
        })
}

/// Whether a statement evaluated for its value is really the condition of the branch that ends
/// its block (`if ...:`), rather than an expression statement whose result is dropped.
pub(super) fn is_condition(f: &Function, block: BlockId, v: &Value) -> bool {
    f.cfg.blocks.get(block as usize).is_some_and(|b| {
        b.succs.iter().any(|e| {
            matches!(&e.kind, EdgeKind::Branch { cond, .. }
                if cond.span.start <= v.span.start && v.span.end <= cond.span.end)
        })
    })
}
