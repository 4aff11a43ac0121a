//! Models as data: the TOML rows that say which library values are sources, sinks, sanitizers,
//! guards and propagators (see `models/README.md` for the format), and the lookups the engine
//! runs on them.

use crate::kinds::{self, Kind, KindSet};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

/// Who controls a source's data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Threat {
    /// A network peer: request data, received bytes.
    Remote,
    /// Whoever starts the program: arguments, environment, standard input.
    Local,
    /// Not untrusted but confidential: passwords, tokens, keys. Such data reaches only the
    /// exposure kinds (a log, an error returned to a client), and untrusted data never does.
    Secret,
}

impl Threat {
    /// The sink kinds data of this threat can reach.
    pub fn kinds(self) -> KindSet {
        match self {
            Threat::Secret => kinds::EXPOSURE_KINDS,
            Threat::Remote => kinds::INJECTION_KINDS,
            Threat::Local => kinds::LOCAL_KINDS,
        }
    }
}

/// A function reads untrusted data (see [`Models::function_sources`]).
pub const UNTRUSTED: u8 = 1;
/// A function reads a secret.
pub const SECRET: u8 = 2;

/// The model files shipped with secrev, by name.
pub(crate) const BUILTIN: &[(&str, &str)] = &include!(concat!(env!("OUT_DIR"), "/models.rs"));

#[derive(Deserialize, Default)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct ModelFile {
    meta: Option<Meta>,
    #[serde(default)]
    source: Vec<SourceRow>,
    #[serde(default)]
    handler: Vec<HandlerRow>,
    #[serde(default)]
    sink: Vec<SinkRow>,
    #[serde(default)]
    sanitizer: Vec<SanitizerRow>,
    #[serde(default)]
    guard: Vec<GuardRow>,
    #[serde(default)]
    propagator: Vec<PropagatorRow>,
    #[serde(default)]
    exit: Vec<ExitRow>,
    /// Authorization idioms (`authz.toml`): read by [`crate::authz`], not by the taint analysis.
    #[serde(default)]
    #[allow(dead_code)] // Parsed only to accept the table; `crate::authz` reads it.
    authz: Option<toml::Table>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct Meta {
    #[allow(dead_code)] // Documents the file; not needed at run time.
    library: Option<String>,
    #[serde(default)]
    when_imports: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct SourceRow {
    reference: Option<String>,
    call: Option<String>,
    method: Option<String>,
    path: Option<String>,
    attribute: Option<String>,
    key: Option<String>,
    parameter: Option<String>,
    threat: Threat,
    label: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct HandlerRow {
    decorator: Option<String>,
    parameter: Option<String>,
    with_parameter: Option<String>,
    members: Option<Vec<String>>,
    #[serde(default)]
    other_parameters: bool,
    threat: Threat,
    label: String,
    return_sink: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct SinkRow {
    callee: Option<String>,
    method: Option<String>,
    store: Option<String>,
    store_path: Option<String>,
    #[serde(default)]
    arguments: Vec<usize>,
    #[serde(default)]
    keywords: Vec<String>,
    #[serde(default)]
    receiver: bool,
    #[serde(default)]
    all_arguments: bool,
    #[serde(default)]
    subscript: bool,
    when: Option<ConditionRow>,
    unless: Option<ConditionRow>,
    kind: String,
}

#[derive(Deserialize, Clone)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct ConditionRow {
    keyword: Option<String>,
    position: Option<usize>,
    is: Option<bool>,
    one_of: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct SanitizerRow {
    callee: Option<String>,
    method: Option<String>,
    when: Option<ConditionRow>,
    kinds: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct GuardRow {
    callee: Option<String>,
    method: Option<String>,
    checks: Checks,
    argument: Option<usize>,
    kinds: Vec<String>,
}

/// What a guard call validates.
#[derive(Deserialize, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "kebab-case")]
pub enum Checks {
    Receiver,
    Argument,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct PropagatorRow {
    callee: Option<String>,
    method: Option<String>,
    from: Flow,
    #[serde(default)]
    marks: Vec<String>,
    #[serde(default)]
    threats: Vec<Threat>,
}

/// The marks a propagator row may carry.
const PROPAGATOR_MARKS: &[&str] = &["normalized", "confines"];

/// Which inputs of a call its result carries.
#[derive(Deserialize, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "kebab-case")]
pub enum Flow {
    Arguments,
    Receiver,
    All,
    /// The result carries none of the inputs' taint (a process's exit status or output, a
    /// length): recorded so the default for unknown calls does not apply.
    Nothing,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct ExitRow {
    callee: String,
}

/// A glob over qualified names: `*` matches any run of characters.
#[derive(Debug, Clone)]
pub struct Glob {
    pieces: Vec<String>,
}

impl Glob {
    pub(crate) fn new(pattern: &str) -> Glob {
        Glob {
            pieces: pattern.split('*').map(str::to_owned).collect(),
        }
    }

    fn is_exact(&self) -> bool {
        self.pieces.len() == 1
    }

    /// Whether `text` matches, ignoring ASCII case (the pattern is written in lowercase).
    fn matches_ignoring_case(&self, text: &str) -> bool {
        if text.bytes().any(|b| b.is_ascii_uppercase()) {
            self.matches(&text.to_ascii_lowercase())
        } else {
            self.matches(text)
        }
    }

    /// Whether `text` matches the whole pattern.
    pub fn matches(&self, text: &str) -> bool {
        let [first, middle @ .., last] = self.pieces.as_slice() else {
            return self.pieces.first().is_some_and(|p| p == text);
        };
        // The two ends reject almost every text without scanning it: test them first, their
        // outermost bytes before anything that calls into `memcmp`.
        let (bytes, first_bytes, last_bytes) = (text.as_bytes(), first.as_bytes(), last.as_bytes());
        if first_bytes
            .first()
            .is_some_and(|b| bytes.first() != Some(b))
            || last_bytes.last().is_some_and(|b| bytes.last() != Some(b))
        {
            return false;
        }
        if text.len() < first.len() + last.len()
            || !text.starts_with(first.as_str())
            || !text.ends_with(last.as_str())
        {
            return false;
        }
        let mut rest = &text[first.len()..text.len() - last.len()];
        for piece in middle {
            match rest.find(piece.as_str()) {
                Some(at) => rest = &rest[at + piece.len()..],
                None => return false,
            }
        }
        true
    }
}

/// A condition on one argument of a call (`shell=True`, `Loader=yaml.SafeLoader`).
#[derive(Debug, Clone)]
pub struct Condition {
    pub keyword: Option<String>,
    pub position: Option<usize>,
    pub is: Option<bool>,
    pub one_of: Vec<String>,
}

/// How a row picks calls: by qualified name or by method name on any object.
#[derive(Debug, Clone)]
pub enum Callee {
    Name(Glob),
    /// A method name, or a glob over method names (`*mask*`).
    Method(Glob),
}

/// A row's place in the model files: which file it came from, for `when-imports`.
#[derive(Debug, Clone, Copy)]
pub struct Gate(pub u16);

/// A source of untrusted data.
#[derive(Debug, Clone)]
pub struct Source {
    pub gate: Gate,
    pub threat: Threat,
    pub label: Arc<str>,
}

/// Functions whose parameters carry request data.
#[derive(Debug, Clone)]
pub struct Handler {
    pub gate: Gate,
    pub decorator: Option<Glob>,
    pub parameter: Option<String>,
    pub with_parameter: Option<String>,
    pub members: Option<Vec<String>>,
    pub other_parameters: bool,
    pub source: Source,
    pub return_sink: Option<Kind>,
}

/// What a sink is fed.
#[derive(Debug, Clone)]
pub enum SinkTarget {
    Call {
        callee: Callee,
        arguments: Vec<usize>,
        keywords: Vec<String>,
        receiver: bool,
        all_arguments: bool,
        when: Option<Condition>,
        unless: Option<Condition>,
    },
    Store {
        owner: Option<Glob>,
        path: Option<String>,
        /// Only `obj[key] = value`, not `obj.attr = value`.
        subscript: bool,
    },
}

/// A place where untrusted data does harm.
#[derive(Debug, Clone)]
pub struct Sink {
    pub gate: Gate,
    pub target: SinkTarget,
    pub kind: Kind,
}

/// A call whose result is safe for some kinds.
#[derive(Debug, Clone)]
pub struct Sanitizer {
    pub gate: Gate,
    pub callee: Callee,
    pub when: Option<Condition>,
    pub kinds: KindSet,
}

/// A call that, used as a condition, validates a value where it holds.
#[derive(Debug, Clone)]
pub struct Guard {
    pub gate: Gate,
    pub callee: Callee,
    pub checks: Checks,
    pub argument: usize,
    pub kinds: KindSet,
}

/// A call whose result carries some of its inputs' taint.
#[derive(Debug, Clone)]
pub struct Propagator {
    pub gate: Gate,
    pub callee: Callee,
    pub from: Flow,
    pub normalizes: bool,
    /// The result is a path under the call's first argument (`os.path.join(base, name)`): data
    /// from the later arguments is placed inside that directory.
    pub confines: bool,
    /// The row applies only to data of these threats (empty: to all data). Such rows say where
    /// a call that no other row describes hands on data it would otherwise only be guessed to.
    pub threats: Vec<Threat>,
}

/// A source matched against a name: the trailing attribute names of a path read from any
/// object (`attribute`), a constant subscript or `get` key (`key`), or a parameter name.
#[derive(Debug, Clone)]
pub struct NamedSource {
    /// Dot-separated globs matched, lowercase, against as many trailing attribute names.
    pattern: Vec<Glob>,
    pub source: Source,
}

/// Every row of every model file, indexed for the lookups the engine makes.
#[derive(Debug, Default)]
pub struct Models {
    /// The modules each file's rows depend on (`when-imports`); empty means always.
    gates: Vec<Vec<String>>,
    /// `reference` sources by qualified name.
    references: HashMap<String, Source>,
    /// The first name of every `reference` source (`flask`, `sys`).
    reference_roots: std::collections::HashSet<String>,
    /// `call` sources by qualified name.
    calls: Vec<(Glob, Source)>,
    /// `method` sources by method name.
    methods: HashMap<String, Source>,
    /// `path` sources by path as written.
    paths: HashMap<String, Source>,
    /// `attribute` sources: the trailing attribute names of any path read.
    attributes: Vec<NamedSource>,
    /// `key` sources: constant keys of subscripts and `get`/`pop` lookups.
    keys: Vec<NamedSource>,
    /// `parameter` sources: parameters by name.
    parameters: Vec<NamedSource>,
    /// The last four letters every name an `attribute` / `key` source matches ends with: most
    /// names end otherwise, and one lookup settles them.
    attribute_tails: std::collections::HashSet<[u8; 4]>,
    key_tails: std::collections::HashSet<[u8; 4]>,
    pub handlers: Vec<Handler>,
    sinks: Vec<Sink>,
    sanitizers: Vec<Sanitizer>,
    guards: Vec<Guard>,
    propagators: Vec<Propagator>,
    exits: Vec<Glob>,
}

/// Which model files apply to one scanned file, one flag per file.
#[derive(Debug, Clone)]
pub struct Active {
    files: Vec<bool>,
    /// Whether any `path` source applies: most files have none, and then paths need no lookup.
    paths: bool,
    /// Whether secret sources apply: not in test code, whose passwords and tokens are fixtures.
    secrets: bool,
}

impl Active {
    pub fn allows(&self, gate: Gate) -> bool {
        self.files
            .get(usize::from(gate.0))
            .copied()
            .unwrap_or(false)
    }

    /// Whether a source applies here.
    pub fn allows_source(&self, source: &Source) -> bool {
        self.allows(source.gate) && (self.secrets || source.threat != Threat::Secret)
    }
}

/// Whether a dotted module name is test code whose secrets are fixtures: a `test_*` /
/// `*_test` / `conftest` module, or a module of a `tests` (`test`, `testing`) package inside
/// a project package (`nova.tests.unit.virt`, `neutron.tests.fullstack.resources`). A top-level
/// `tests` directory of other material (a labelled corpus, sample services) is not.
pub fn is_test_module(module: &str) -> bool {
    let names: Vec<&str> = module.split('.').collect();
    let last = names.last().copied().unwrap_or(module);
    last.starts_with("test_")
        || last.ends_with("_test")
        || last == "conftest"
        || names
            .iter()
            .skip(1)
            .any(|n| matches!(*n, "tests" | "test" | "testing"))
}

impl Models {
    /// The models shipped with secrev.
    pub fn builtin() -> Result<Models, String> {
        let mut models = Models::default();
        for (name, text) in BUILTIN {
            models.add(name, text)?;
        }
        Ok(models)
    }

    /// Adds the rows of a user's model file.
    pub fn add_file(&mut self, path: &Path) -> Result<(), String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read taint model {}: {e}", path.display()))?;
        self.add(&path.display().to_string(), &text)
    }

    /// Adds the rows of one model file.
    pub fn add(&mut self, name: &str, text: &str) -> Result<(), String> {
        let file: ModelFile =
            toml::from_str(text).map_err(|e| format!("invalid taint model {name}: {e}"))?;
        let gate = Gate(
            u16::try_from(self.gates.len()).map_err(|_| "too many taint model files".to_owned())?,
        );
        self.gates
            .push(file.meta.map(|m| m.when_imports).unwrap_or_default());
        let err = |what: String| format!("taint model {name}: {what}");
        for row in file.source {
            let source = Source {
                gate,
                threat: row.threat,
                label: Arc::from(row.label.as_str()),
            };
            let named = |pattern: &str| NamedSource {
                pattern: pattern
                    .split('.')
                    .map(|p| Glob::new(&p.to_ascii_lowercase()))
                    .collect(),
                source: source.clone(),
            };
            match (row.attribute, row.key, row.parameter) {
                (Some(a), None, None) => {
                    let source = named(&a);
                    self.attribute_tails.insert(tail(&source).ok_or_else(|| {
                        err(format!("attribute `{a}` must end with four letters, not `*`"))
                    })?);
                    self.attributes.push(source);
                    continue;
                }
                (None, Some(k), None) => {
                    let source = named(&k);
                    self.key_tails.insert(tail(&source).ok_or_else(|| {
                        err(format!("key `{k}` must end with four letters, not `*`"))
                    })?);
                    self.keys.push(source);
                    continue;
                }
                (None, None, Some(p)) => {
                    self.parameters.push(named(&p));
                    continue;
                }
                (None, None, None) => {}
                _ => {
                    return Err(err(format!(
                        "source `{}` needs exactly one of reference, call, method, path, attribute, key, parameter",
                        row.label
                    )))
                }
            }
            match (row.reference, row.call, row.method, row.path) {
                (Some(r), None, None, None) => {
                    let root = r.split(['.', '(', '[']).next().unwrap_or(&r).to_owned();
                    self.reference_roots.insert(root);
                    self.references.insert(r, source);
                }
                (None, Some(c), None, None) => self.calls.push((Glob::new(&c), source)),
                (None, None, Some(m), None) => {
                    self.methods.insert(m, source);
                }
                (None, None, None, Some(p)) => {
                    self.paths.insert(p, source);
                }
                _ => {
                    return Err(err(format!(
                        "source `{}` needs exactly one of reference, call, method, path, attribute, key, parameter",
                        row.label
                    )))
                }
            }
        }
        for row in file.handler {
            let return_sink = match &row.return_sink {
                Some(k) => Some(kinds::kind(k).ok_or_else(|| err(format!("unknown kind `{k}`")))?),
                None => None,
            };
            if row.decorator.is_none() == row.parameter.is_none() {
                return Err(err(format!(
                    "handler `{}` needs exactly one of decorator, parameter",
                    row.label
                )));
            }
            self.handlers.push(Handler {
                gate,
                decorator: row.decorator.as_deref().map(Glob::new),
                parameter: row.parameter,
                with_parameter: row.with_parameter,
                members: row.members,
                other_parameters: row.other_parameters,
                source: Source {
                    gate,
                    threat: row.threat,
                    label: Arc::from(row.label.as_str()),
                },
                return_sink,
            });
        }
        for row in file.sink {
            let kind = kinds::kind(&row.kind)
                .ok_or_else(|| err(format!("unknown kind `{}`", row.kind)))?;
            let target = match (row.callee, row.method, row.store, row.store_path) {
                (callee, method, None, None) if callee.is_some() != method.is_some() => {
                    SinkTarget::Call {
                        callee: callee_of(callee, method),
                        arguments: row.arguments,
                        keywords: row.keywords,
                        receiver: row.receiver,
                        all_arguments: row.all_arguments,
                        when: row.when.map(condition),
                        unless: row.unless.map(condition),
                    }
                }
                (None, None, owner, path) if owner.is_some() != path.is_some() => {
                    SinkTarget::Store {
                        owner: owner.as_deref().map(Glob::new),
                        path,
                        subscript: row.subscript,
                    }
                }
                _ => {
                    return Err(err(format!(
                        "a `{}` sink needs exactly one of callee, method, store, store-path",
                        row.kind
                    )))
                }
            };
            self.sinks.push(Sink { gate, target, kind });
        }
        for row in file.sanitizer {
            let kinds = kinds::kind_set(&row.kinds).map_err(err)?;
            let callee = one_callee(row.callee, row.method)
                .ok_or_else(|| err("a sanitizer needs exactly one of callee, method".to_owned()))?;
            self.sanitizers.push(Sanitizer {
                gate,
                callee,
                when: row.when.map(condition),
                kinds,
            });
        }
        for row in file.guard {
            let kinds = kinds::kind_set(&row.kinds).map_err(err)?;
            let callee = one_callee(row.callee, row.method)
                .ok_or_else(|| err("a guard needs exactly one of callee, method".to_owned()))?;
            self.guards.push(Guard {
                gate,
                callee,
                checks: row.checks,
                argument: row.argument.unwrap_or(0),
                kinds,
            });
        }
        for row in file.propagator {
            let callee = one_callee(row.callee, row.method).ok_or_else(|| {
                err("a propagator needs exactly one of callee, method".to_owned())
            })?;
            if let Some(mark) = row
                .marks
                .iter()
                .find(|m| !PROPAGATOR_MARKS.contains(&m.as_str()))
            {
                return Err(err(format!(
                    "unknown propagator mark `{mark}` (known: {})",
                    PROPAGATOR_MARKS.join(", ")
                )));
            }
            self.propagators.push(Propagator {
                gate,
                callee,
                from: row.from,
                normalizes: row.marks.iter().any(|m| m == "normalized"),
                confines: row.marks.iter().any(|m| m == "confines"),
                threats: row.threats,
            });
        }
        self.exits
            .extend(file.exit.iter().map(|row| Glob::new(&row.callee)));
        Ok(())
    }

    /// Keeps only the sources and handlers whose data can reach one of `kinds` (the kinds the
    /// selected rules report): a scan that reports no exposure kind follows no secret, and one
    /// that reports only exposure kinds follows no untrusted data.
    pub fn restrict_to(&mut self, kinds: KindSet) {
        let keep = |source: &Source| source.threat.kinds() & kinds != 0;
        self.references.retain(|_, s| keep(s));
        self.reference_roots = self
            .references
            .keys()
            .map(|r| r.split(['.', '(', '[']).next().unwrap_or(r).to_owned())
            .collect();
        self.calls.retain(|(_, s)| keep(s));
        self.methods.retain(|_, s| keep(s));
        self.paths.retain(|_, s| keep(s));
        self.attributes.retain(|s| keep(&s.source));
        self.keys.retain(|s| keep(&s.source));
        self.parameters.retain(|s| keep(&s.source));
        self.handlers.retain(|h| keep(&h.source));
    }

    /// Which files' rows apply to a file with these imports.
    pub fn active(&self, imports_module: impl Fn(&str) -> bool) -> Active {
        self.active_in(imports_module, false)
    }

    /// Which rows apply to a file with these imports, in test code or not.
    pub fn active_in(&self, imports_module: impl Fn(&str) -> bool, test: bool) -> Active {
        let files: Vec<bool> = self
            .gates
            .iter()
            .map(|modules| modules.is_empty() || modules.iter().any(|m| imports_module(m)))
            .collect();
        let paths = self
            .paths
            .values()
            .any(|s| files.get(usize::from(s.gate.0)).copied().unwrap_or(false));
        Active {
            files,
            paths,
            secrets: !test,
        }
    }

    /// The `reference` source that a qualified name is, or is read from
    /// (`flask.request.args.get` is read from `flask.request.args`).
    pub fn reference_source(&self, qualname: &str, active: &Active) -> Option<&Source> {
        // Most names come from modules no source lives in: one lookup settles them.
        let root = qualname.split(['.', '(', '[']).next().unwrap_or(qualname);
        if !self.reference_roots.contains(root) {
            return None;
        }
        let mut end = qualname.len();
        loop {
            let prefix = &qualname[..end];
            if let Some(source) = self
                .references
                .get(prefix)
                .filter(|s| active.allows_source(s))
            {
                return Some(source);
            }
            end = prefix.rfind(['.', '(', '['])?;
        }
    }

    /// The `call` or `method` source whose return value this call is.
    pub fn call_source(
        &self,
        qualname: &str,
        method: Option<&str>,
        active: &Active,
    ) -> Option<&Source> {
        if !qualname.is_empty() {
            if let Some((_, source)) = self
                .calls
                .iter()
                .find(|(glob, s)| active.allows_source(s) && glob.matches(qualname))
            {
                return Some(source);
            }
        }
        method
            .and_then(|m| self.methods.get(m))
            .filter(|s| active.allows_source(s))
    }

    /// The `path` source this attribute path is or is read from (`self.rfile.read`).
    pub fn path_source(&self, path: &str, active: &Active) -> Option<&Source> {
        if !active.paths {
            return None;
        }
        let mut end = path.len();
        loop {
            let prefix = &path[..end];
            if let Some(source) = self.paths.get(prefix).filter(|s| active.allows_source(s)) {
                return Some(source);
            }
            end = prefix.rfind(['.', '['])?;
        }
    }

    pub fn sinks<'m>(&'m self, active: &'m Active) -> impl Iterator<Item = &'m Sink> + 'm {
        self.sinks.iter().filter(move |s| active.allows(s.gate))
    }

    pub fn sanitizers_for<'m>(
        &'m self,
        qualname: &'m str,
        method: Option<&'m str>,
        active: &'m Active,
    ) -> impl Iterator<Item = &'m Sanitizer> + 'm {
        self.sanitizers
            .iter()
            .filter(move |s| active.allows(s.gate) && s.callee.matches(qualname, method))
    }

    pub fn guard_for(
        &self,
        qualname: &str,
        method: Option<&str>,
        active: &Active,
    ) -> Option<&Guard> {
        self.guards
            .iter()
            .find(|g| active.allows(g.gate) && g.callee.matches(qualname, method))
    }

    pub fn propagator_for(
        &self,
        qualname: &str,
        method: Option<&str>,
        active: &Active,
    ) -> Option<&Propagator> {
        self.propagators.iter().find(|p| {
            p.threats.is_empty() && active.allows(p.gate) && p.callee.matches(qualname, method)
        })
    }

    /// The row that says a call hands on data of some threats only (`str(password)`).
    pub fn threat_propagator_for(
        &self,
        qualname: &str,
        method: Option<&str>,
        active: &Active,
    ) -> Option<&Propagator> {
        self.propagators.iter().find(|p| {
            !p.threats.is_empty() && active.allows(p.gate) && p.callee.matches(qualname, method)
        })
    }

    /// The `attribute` source an attribute path read is (`conf.admin_password`,
    /// `context.auth_token`); a bare name is never one.
    pub fn attribute_source(&self, path: &str, active: &Active) -> Option<&Source> {
        if self.attributes.is_empty()
            || !active.secrets
            || !path.contains('.')
            || path.contains('[')
        {
            return None;
        }
        let last = path.rsplit('.').next().unwrap_or(path);
        if !could_name(&self.attribute_tails, last) {
            return None;
        }
        named_source(&self.attributes, path, active, true)
    }

    /// The `key` source a constant subscript or lookup key is (`body['password']`).
    pub fn key_source(&self, key: &str, active: &Active) -> Option<&Source> {
        if self.keys.is_empty() || !active.secrets || !could_name(&self.key_tails, key) {
            return None;
        }
        self.keys
            .iter()
            .find(|s| {
                active.allows_source(&s.source)
                    && s.pattern.len() == 1
                    && s.pattern[0].matches_ignoring_case(key)
            })
            .map(|s| &s.source)
    }

    /// The `parameter` source a parameter is, by its name.
    pub fn parameter_source(&self, name: &str, active: &Active) -> Option<&Source> {
        if self.parameters.is_empty() || !active.secrets {
            return None;
        }
        named_source(&self.parameters, name, active, false)
    }

    /// The handlers a function is, each with whether it was recognised by its decorator (then
    /// all its parameters are request data) rather than by a parameter name.
    pub fn handlers_of<'m>(
        &'m self,
        function: &secrev_ir::Function,
        active: &Active,
    ) -> Vec<(&'m Handler, bool)> {
        let mut found = Vec::new();
        for handler in &self.handlers {
            if !active.allows(handler.gate) {
                continue;
            }
            let by_decorator = handler.decorator.as_ref().is_some_and(|glob| {
                function.decorators.iter().any(|d| {
                    let name = match &d.kind {
                        secrev_ir::ValueKind::Call(call) => call.callee.qualname.as_deref(),
                        _ => d.qualname(),
                    };
                    name.is_some_and(|n| glob.matches(n))
                })
            });
            let has = |name: &str| function.params.iter().any(|p| p.name == name);
            let by_parameter = handler
                .parameter
                .as_deref()
                .is_some_and(|p| has(p) && handler.with_parameter.as_deref().is_none_or(has));
            if by_decorator || by_parameter {
                found.push((handler, by_decorator));
            }
        }
        found
    }

    /// Whether a file reads any source or defines a request handler: only such files, the
    /// files they call into and the files that call functions returning their data can take
    /// part in a finding.
    pub fn has_sources(&self, unit: &secrev_ir::Unit) -> bool {
        self.has_sources_in(unit, false)
    }

    /// [`Models::has_sources`] for a file in test code or not.
    pub fn has_sources_in(&self, unit: &secrev_ir::Unit, test: bool) -> bool {
        let active = self.active_in(|m| unit.imports_module(m), test);
        unit.functions
            .iter()
            .any(|function| self.function_sources(function, &active) != 0)
    }

    /// What a function reads: `UNTRUSTED` when it reads an untrusted source or is a request
    /// handler, plus `SECRET` when it reads a secret.
    pub fn function_sources(&self, function: &secrev_ir::Function, active: &Active) -> u8 {
        let mut found = 0;
        let mut class = |source: Option<&Source>| {
            if let Some(source) = source {
                found |= if source.threat == Threat::Secret {
                    SECRET
                } else {
                    UNTRUSTED
                };
            }
            found == UNTRUSTED | SECRET
        };
        for (handler, _) in self.handlers_of(function, active) {
            class(Some(&handler.source));
        }
        for param in &function.params {
            class(self.parameter_source(&param.name, active));
        }
        function
            .cfg
            .any_value(&mut |value| self.value_sources(value, active, &mut class));
        found
    }

    /// Feeds `class` the sources a value reads at its top (not inside its parts); true stops.
    fn value_sources(
        &self,
        value: &secrev_ir::Value,
        active: &Active,
        class: &mut impl FnMut(Option<&Source>) -> bool,
    ) -> bool {
        use secrev_ir::ValueKind;
        let key = |value: Option<&secrev_ir::Value>| {
            value
                .and_then(secrev_ir::Value::as_str)
                .and_then(|k| self.key_source(k, active))
        };
        match &value.kind {
            ValueKind::Ref { path, qualname, .. } => {
                class(
                    qualname
                        .as_deref()
                        .and_then(|q| self.reference_source(q, active)),
                ) || class(self.path_source(path, active))
                    || class(self.attribute_source(path, active))
            }
            ValueKind::Call(call) => {
                let qualname = call.qualname();
                let method = call.callee.method.as_deref();
                class(self.call_source(qualname, method, active))
                    || (!qualname.is_empty() && class(self.reference_source(qualname, active)))
                    || (matches!(method, Some("get" | "pop")) && class(key(call.args.first())))
            }
            ValueKind::Operation { op: "[]", operands } => class(key(operands.get(1))),
            _ => false,
        }
    }

    /// Whether a function reads a source or is a request handler.
    pub fn function_has_sources(&self, function: &secrev_ir::Function, active: &Active) -> bool {
        self.function_sources(function, active) != 0
    }

    /// Whether a call to this qualified name never returns.
    pub fn is_exit(&self, qualname: &str) -> bool {
        !qualname.is_empty() && self.exits.iter().any(|glob| glob.matches(qualname))
    }
}

/// The last four bytes, lowercase, that every name a source's pattern matches ends with; `None`
/// when the pattern ends with `*`.
fn tail(source: &NamedSource) -> Option<[u8; 4]> {
    let last = source.pattern.last()?.pieces.last()?.as_bytes();
    let at = last.len().checked_sub(4)?;
    last[at..].try_into().ok()
}

/// Whether `name` ends with one of `tails` (ignoring ASCII case).
fn could_name(tails: &std::collections::HashSet<[u8; 4]>, name: &str) -> bool {
    let bytes = name.as_bytes();
    let Some(at) = bytes.len().checked_sub(4) else {
        return false;
    };
    let mut end = [0u8; 4];
    for (i, b) in bytes[at..].iter().enumerate() {
        end[i] = b.to_ascii_lowercase();
    }
    tails.contains(&end)
}

/// The first of `sources` whose pattern matches the trailing dot-separated names of `path`;
/// with `qualified`, the path must have at least one name before them (an object's attribute,
/// not a variable).
fn named_source<'m>(
    sources: &'m [NamedSource],
    path: &str,
    active: &Active,
    qualified: bool,
) -> Option<&'m Source> {
    let last = path.rsplit('.').next().unwrap_or(path);
    sources
        .iter()
        .find(|s| {
            let n = s.pattern.len();
            // The last name settles most paths without walking the others.
            if !s.pattern[n - 1].matches_ignoring_case(last) || !active.allows_source(&s.source) {
                return false;
            }
            let mut names = path.rsplit('.');
            let matched = s.pattern.iter().rev().all(|glob| {
                names
                    .next()
                    .is_some_and(|name| glob.matches_ignoring_case(name))
            });
            matched && (!qualified || names.next().is_some())
        })
        .map(|s| &s.source)
}

impl Callee {
    /// Whether a call with this qualified name (empty when unresolved) and method name matches.
    /// A method row matches a call of that method on any object; callers that resolved the call
    /// to a project function skip method rows (see `is_exact`).
    pub fn matches(&self, qualname: &str, method: Option<&str>) -> bool {
        match self {
            Callee::Name(glob) => !qualname.is_empty() && glob.matches(qualname),
            Callee::Method(glob) => method.is_some_and(|m| glob.matches(m)),
        }
    }

    /// Whether the row names an exact function (not a glob or a method name).
    pub fn is_exact(&self) -> bool {
        matches!(self, Callee::Name(glob) if glob.is_exact())
    }
}

fn callee_of(callee: Option<String>, method: Option<String>) -> Callee {
    match (callee, method) {
        (Some(c), _) => Callee::Name(Glob::new(&c)),
        (None, Some(m)) => Callee::Method(Glob::new(&m)),
        (None, None) => Callee::Method(Glob::new("")),
    }
}

fn one_callee(callee: Option<String>, method: Option<String>) -> Option<Callee> {
    (callee.is_some() != method.is_some()).then(|| callee_of(callee, method))
}

fn condition(row: ConditionRow) -> Condition {
    Condition {
        keyword: row.keyword,
        position: row.position,
        is: row.is,
        one_of: row.one_of.unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_whole_names() {
        let glob = Glob::new("*.cursor().execute");
        assert!(glob.matches("sqlite3.connect().cursor().execute"));
        assert!(!glob.matches("sqlite3.connect().cursor().executemany"));
        assert!(Glob::new("flask.abort").matches("flask.abort"));
        assert!(!Glob::new("flask.abort").matches("flask.aborts"));
        assert!(Glob::new("a*b*c").matches("abc"));
        assert!(!Glob::new("a*bc").matches("abc."));
        // The two ends may not overlap, and a middle piece must sit between them.
        assert!(!Glob::new("ab*ba").matches("aba"));
        assert!(Glob::new("ab*ba").matches("abba"));
        assert!(!Glob::new("a*x*a").matches("ax"));
        assert!(!Glob::new("*policy().*").matches("apipolicy"));
        assert!(Glob::new("*policy().*").matches("self.policy().enforce"));
    }

    #[test]
    fn test_modules_are_those_of_a_project_test_package() {
        assert!(is_test_module("nova.tests.unit.virt.test_driver"));
        assert!(is_test_module("neutron.tests.fullstack.resources.config"));
        assert!(is_test_module("conftest"));
        assert!(is_test_module("tools.test_helpers"));
        assert!(!is_test_module(
            "tests.taint.part3.volume_agent.volagent.connector"
        ));
        assert!(!is_test_module("nova.virt.libvirt.driver"));
    }

    #[test]
    fn builtin_models_load() {
        let models = Models::builtin().expect("shipped models are valid");
        assert!(!models.sinks.is_empty());
        assert!(!models.handlers.is_empty());
    }

    #[test]
    fn bad_rows_are_reported_with_the_file() {
        let mut models = Models::default();
        let error = models
            .add(
                "mine.toml",
                "[[sink]]\ncallee = \"x\"\nkind = \"nonsense\"\n",
            )
            .expect_err("unknown kind");
        assert!(
            error.contains("mine.toml") && error.contains("nonsense"),
            "{error}"
        );
        let error = models
            .add("mine.toml", "[[sink]]\ncalee = \"x\"\nkind = \"xss\"\n")
            .expect_err("unknown field");
        assert!(error.contains("calee"), "{error}");
    }
}
