//! Authorization idioms as data: the `[authz]` tables of the model files (`models/authz.toml`),
//! loaded with the same embedding and glob matching as the taint rows. The authorization rules
//! (PY931-PY937) ask this model which functions are request handlers, which calls, decorators,
//! class attributes and tests authorize, which calls change state, and how policy names spell
//! operations.

use crate::model::{Glob, BUILTIN};
use serde::Deserialize;
use std::sync::OnceLock;

#[derive(Deserialize, Default)]
struct File {
    #[serde(default)]
    authz: Option<Section>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct Section {
    #[serde(default)]
    check: Vec<CheckRow>,
    #[serde(default)]
    decorators: Vec<String>,
    #[serde(default)]
    public_decorators: Vec<String>,
    #[serde(default)]
    public_comments: Vec<String>,
    #[serde(default)]
    public_handlers: Vec<String>,
    #[serde(default)]
    class_attributes: Vec<String>,
    #[serde(default)]
    public_values: Vec<String>,
    #[serde(default)]
    bases: Vec<String>,
    #[serde(default)]
    references: Vec<String>,
    #[serde(default)]
    ownership: Vec<String>,
    #[serde(default)]
    compatible_verbs: Vec<Vec<String>>,
    #[serde(default)]
    helper_names: Vec<String>,
    #[serde(default)]
    dependencies: Vec<String>,
    #[serde(default)]
    dependency_names: Vec<String>,
    #[serde(default)]
    hooks: Vec<String>,
    #[serde(default)]
    handlers: HandlerSection,
    #[serde(default)]
    operations: OperationSection,
    #[serde(default)]
    verbs: std::collections::BTreeMap<String, Vec<String>>,
    #[serde(default)]
    policy_defaults: PolicyDefaultSection,
    #[serde(default)]
    denial: DenialSection,
    #[serde(default)]
    scoping: ScopingSection,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct ScopingSection {
    #[serde(default)]
    loaders: Vec<String>,
    #[serde(default)]
    id_keywords: Vec<String>,
    #[serde(default)]
    public_filters: Vec<String>,
    #[serde(default)]
    caller: Vec<String>,
    #[serde(default)]
    context_args: Vec<String>,
    #[serde(default)]
    admin_contexts: Vec<String>,
    #[serde(default)]
    request_params: Vec<String>,
    #[serde(default)]
    body_params: Vec<String>,
    #[serde(default)]
    request_data: Vec<String>,
    #[serde(default)]
    url_data: Vec<String>,
    #[serde(default)]
    converters: Vec<String>,
    #[serde(default)]
    owner_fields: Vec<String>,
    #[serde(default)]
    write_methods: Vec<String>,
    #[serde(default)]
    modify_methods: Vec<String>,
    #[serde(default)]
    target_keywords: Vec<String>,
    #[serde(default)]
    admin_idioms: Vec<String>,
    #[serde(default)]
    authentication: Vec<String>,
    #[serde(default)]
    scoped_accessors: Vec<String>,
    #[serde(default)]
    queryset_methods: Vec<String>,
    #[serde(default)]
    deleters: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct DenialSection {
    #[serde(default)]
    statuses: Vec<i64>,
    #[serde(default)]
    status_names: Vec<String>,
    #[serde(default)]
    status_callees: Vec<String>,
    #[serde(default)]
    status_keywords: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct CheckRow {
    callee: Vec<String>,
    policy: Option<ArgumentRow>,
    quiet_when: Option<String>,
    #[serde(default)]
    verdict: bool,
    #[serde(default)]
    denial: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ArgumentRow {
    position: usize,
    keyword: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct HandlerSection {
    #[serde(default)]
    decorators: Vec<String>,
    #[serde(default)]
    class_bases: Vec<String>,
    #[serde(default)]
    class_names: Vec<String>,
    #[serde(default)]
    methods: Vec<String>,
    #[serde(default)]
    ignored_methods: Vec<String>,
    #[serde(default)]
    view_params: Vec<String>,
    #[serde(default)]
    view_modules: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct OperationSection {
    #[serde(default)]
    methods: Vec<String>,
    #[serde(default)]
    receivers: Vec<String>,
    #[serde(default)]
    always: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct PolicyDefaultSection {
    #[serde(default)]
    rules: Vec<String>,
    #[serde(default)]
    deprecated: Vec<String>,
    #[serde(default)]
    allow_all: Vec<String>,
    #[serde(default)]
    mutating_methods: Vec<String>,
}

/// A set of globs, matched without regard to case.
#[derive(Debug, Default)]
pub struct Globs(Vec<Glob>);

impl Globs {
    fn new(patterns: &[String]) -> Globs {
        Globs(
            patterns
                .iter()
                .map(|p| Glob::new(&p.to_ascii_lowercase()))
                .collect(),
        )
    }

    /// Whether any glob matches `text`.
    pub fn matches(&self, text: &str) -> bool {
        self.matches_lower(&lower(text))
    }

    /// Whether any glob matches `text`, already in lowercase.
    fn matches_lower(&self, text: &str) -> bool {
        self.0.iter().any(|g| g.matches(text))
    }
}

/// `text` in ASCII lowercase, copied only when it has capitals.
fn lower(text: &str) -> std::borrow::Cow<'_, str> {
    if text.bytes().any(|b| b.is_ascii_uppercase()) {
        std::borrow::Cow::Owned(text.to_ascii_lowercase())
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// Which argument of an authorizing call names the policy or action.
#[derive(Debug, Clone)]
pub struct PolicyArgument {
    pub position: usize,
    pub keyword: Option<String>,
}

/// A kind of authorizing call.
#[derive(Debug)]
pub struct Check {
    callee: Globs,
    /// The argument naming the policy, when the call names one.
    pub policy: Option<PolicyArgument>,
    /// A keyword that, set to false, makes the call return a verdict instead of raising.
    pub quiet_when: Option<String>,
    /// The call always returns a verdict: it authorizes only when its result is tested.
    pub verdict: bool,
    /// The call builds the error that denies a request (`PermissionDenied`, `HTTPForbidden`).
    pub denial: bool,
}

/// The authorization model: every `[authz]` table of the shipped model files.
#[derive(Debug, Default)]
pub struct Authz {
    checks: Vec<Check>,
    pub decorators: Globs,
    pub public_decorators: Globs,
    /// Words that, in a comment on a handler's header, mark it public by design.
    pub public_comments: Vec<String>,
    /// Handler names of the authentication flow itself (`login`), public by design.
    pub public_handlers: Globs,
    pub class_attributes: Vec<String>,
    pub public_values: Globs,
    pub bases: Globs,
    pub references: Globs,
    /// The caller's own identity (`context.project_id`): tested in a condition, it scopes.
    pub ownership: Globs,
    compatible_verbs: Vec<Vec<String>>,
    pub helper_names: Globs,
    pub dependencies: Globs,
    pub dependency_names: Globs,
    pub hooks: Globs,
    pub handler_decorators: Globs,
    pub handler_class_bases: Globs,
    pub handler_class_names: Globs,
    pub handler_methods: Globs,
    /// Methods of controllers that route rather than handle requests.
    pub ignored_methods: Globs,
    pub view_params: Vec<String>,
    pub view_modules: Globs,
    operation_methods: Globs,
    operation_receivers: Vec<String>,
    operation_always: Globs,
    verbs: Vec<(String, Vec<String>)>,
    pub policy_rules: Globs,
    pub deprecated_rules: Globs,
    /// Check strings that allow every caller (`""`, `"@"`).
    pub allow_all: Vec<String>,
    /// HTTP methods that change state.
    pub mutating_methods: Vec<String>,
    /// HTTP statuses that refuse a request (401, 403), and constant names of them.
    pub denial_statuses: Vec<i128>,
    pub denial_status_names: Globs,
    /// Calls whose first argument is the status they answer with (`abort(403)`).
    pub denial_status_callees: Globs,
    /// Keywords that set a response's status (`Response(status=403)`).
    pub denial_status_keywords: Vec<String>,
    /// How handlers load objects by id and scope them to the caller (PY935, PY936).
    pub scoping: Scoping,
}

/// The `[authz.scoping]` table: loading objects by a caller-supplied id, scoping them to the
/// caller, and the fields that name an object's owner.
#[derive(Debug, Default)]
pub struct Scoping {
    /// Calls that load objects by id, as written with call arguments left out.
    pub loaders: Globs,
    /// Keywords of a loader that carry the id (`pk`, `*_id`).
    pub id_keywords: Globs,
    /// Keywords of a load that select public objects (`published=True`).
    pub public_filters: Globs,
    /// The caller's identity (`request.user`, `context.project_id`).
    pub caller: Globs,
    /// Names of an OpenStack request context handed to a loader.
    pub context_args: Globs,
    /// Calls that make a context an administrator's (`context.elevated()`).
    pub admin_contexts: Globs,
    /// Handler parameters that are not ids from the URL.
    pub request_params: Globs,
    /// Handler parameters that are the request body.
    pub body_params: Globs,
    /// Request data as written (`request.json`, `req.params`).
    pub request_data: Globs,
    /// Path parameters as written (`self.kwargs`, `request.match_info`).
    pub url_data: Globs,
    /// Calls that only convert the value they are given (`int`).
    pub converters: Globs,
    /// Fields of an object that name its owner.
    pub owner_fields: Globs,
    /// Methods that write an object.
    pub write_methods: Globs,
    /// Methods of a loaded object that change it.
    pub modify_methods: Globs,
    /// Keywords of an authorizing call that hand it the object acted on (`target=`).
    pub target_keywords: Globs,
    /// Idioms that admit administrators or role holders to every object.
    pub admin_idioms: Globs,
    /// Idioms that only authenticate the caller.
    pub authentication: Globs,
    /// Methods of a view class that load through the class's scoped queryset.
    pub scoped_accessors: Globs,
    /// Methods of a view class that define that queryset.
    pub queryset_methods: Globs,
    /// Calls that delete an object by id without loading it first.
    pub deleters: Globs,
}

impl Authz {
    /// The model shipped with secrev, loaded once. A model file that does not parse is a bug
    /// caught by this crate's tests; here it yields an empty model rather than a panic.
    pub fn builtin() -> &'static Authz {
        static MODEL: OnceLock<Authz> = OnceLock::new();
        MODEL.get_or_init(|| Authz::parse(BUILTIN).unwrap_or_default())
    }

    /// Reads the `[authz]` tables of `files` (name, text).
    pub fn parse(files: &[(&str, &str)]) -> Result<Authz, String> {
        let mut model = Authz::default();
        for (name, text) in files {
            let file: File = toml::from_str(text)
                .map_err(|e| format!("invalid authorization model {name}: {e}"))?;
            if let Some(section) = file.authz {
                model.add(section);
            }
        }
        Ok(model)
    }

    fn add(&mut self, s: Section) {
        self.checks.extend(s.check.into_iter().map(|row| Check {
            callee: Globs::new(&row.callee),
            policy: row.policy.map(|p| PolicyArgument {
                position: p.position,
                keyword: p.keyword,
            }),
            quiet_when: row.quiet_when,
            verdict: row.verdict,
            denial: row.denial,
        }));
        let extend = |into: &mut Globs, from: &[String]| into.0.extend(Globs::new(from).0);
        extend(&mut self.decorators, &s.decorators);
        extend(&mut self.public_decorators, &s.public_decorators);
        self.public_comments.extend(s.public_comments);
        extend(&mut self.public_handlers, &s.public_handlers);
        self.class_attributes.extend(s.class_attributes);
        extend(&mut self.public_values, &s.public_values);
        extend(&mut self.bases, &s.bases);
        extend(&mut self.references, &s.references);
        extend(&mut self.ownership, &s.ownership);
        self.compatible_verbs.extend(s.compatible_verbs);
        extend(&mut self.helper_names, &s.helper_names);
        extend(&mut self.dependencies, &s.dependencies);
        extend(&mut self.dependency_names, &s.dependency_names);
        extend(&mut self.hooks, &s.hooks);
        extend(&mut self.handler_decorators, &s.handlers.decorators);
        extend(&mut self.handler_class_bases, &s.handlers.class_bases);
        extend(&mut self.handler_class_names, &s.handlers.class_names);
        extend(&mut self.handler_methods, &s.handlers.methods);
        extend(&mut self.ignored_methods, &s.handlers.ignored_methods);
        self.view_params.extend(s.handlers.view_params);
        extend(&mut self.view_modules, &s.handlers.view_modules);
        extend(&mut self.operation_methods, &s.operations.methods);
        self.operation_receivers.extend(s.operations.receivers);
        extend(&mut self.operation_always, &s.operations.always);
        for (class, words) in s.verbs {
            self.verbs.push((class, words));
        }
        extend(&mut self.policy_rules, &s.policy_defaults.rules);
        extend(&mut self.deprecated_rules, &s.policy_defaults.deprecated);
        self.allow_all.extend(s.policy_defaults.allow_all);
        self.mutating_methods
            .extend(s.policy_defaults.mutating_methods);
        self.denial_statuses
            .extend(s.denial.statuses.into_iter().map(i128::from));
        extend(&mut self.denial_status_names, &s.denial.status_names);
        extend(&mut self.denial_status_callees, &s.denial.status_callees);
        self.denial_status_keywords.extend(s.denial.status_keywords);
        let (into, from) = (&mut self.scoping, &s.scoping);
        for (globs, patterns) in [
            (&mut into.loaders, &from.loaders),
            (&mut into.id_keywords, &from.id_keywords),
            (&mut into.public_filters, &from.public_filters),
            (&mut into.caller, &from.caller),
            (&mut into.context_args, &from.context_args),
            (&mut into.admin_contexts, &from.admin_contexts),
            (&mut into.request_params, &from.request_params),
            (&mut into.body_params, &from.body_params),
            (&mut into.request_data, &from.request_data),
            (&mut into.url_data, &from.url_data),
            (&mut into.converters, &from.converters),
            (&mut into.owner_fields, &from.owner_fields),
            (&mut into.write_methods, &from.write_methods),
            (&mut into.modify_methods, &from.modify_methods),
            (&mut into.target_keywords, &from.target_keywords),
            (&mut into.admin_idioms, &from.admin_idioms),
            (&mut into.authentication, &from.authentication),
            (&mut into.scoped_accessors, &from.scoped_accessors),
            (&mut into.queryset_methods, &from.queryset_methods),
            (&mut into.deleters, &from.deleters),
        ] {
            extend(globs, patterns);
        }
    }

    /// The authorizing call `qualname` (resolved, may be empty) or `text` (as written) is.
    pub fn check(&self, qualname: &str, text: &str) -> Option<&Check> {
        let (qualname, text) = (lower(qualname), lower(text));
        // Unresolved names are resolved to themselves: test such a name once.
        let qualname = if qualname == text { "" } else { &*qualname };
        self.checks.iter().find(|c| {
            (!qualname.is_empty() && c.callee.matches_lower(qualname))
                || c.callee.matches_lower(&text)
        })
    }

    /// Whether a call of `method` on `receiver` (as written) changes state.
    pub fn is_operation(&self, receiver: &str, method: &str) -> bool {
        if self.operation_always.matches(method) {
            return true;
        }
        if !self.operation_methods.matches(method) {
            return false;
        }
        let receiver = receiver.to_ascii_lowercase();
        self.operation_receivers
            .iter()
            .any(|r| receiver.contains(r.as_str()))
    }

    /// Whether a handler of operation class `own` may check a policy of class `checked`.
    pub fn verbs_agree(&self, own: &str, checked: &str) -> bool {
        own == checked
            || self
                .compatible_verbs
                .iter()
                .any(|group| group.iter().any(|v| v == own) && group.iter().any(|v| v == checked))
    }

    /// The operation classes (`read`, `create`, `update`, `delete`) a word names.
    pub fn verb_classes(&self, word: &str) -> Vec<&str> {
        let word = word.to_ascii_lowercase();
        self.verbs
            .iter()
            .filter(|(_, words)| words.contains(&word))
            .map(|(class, _)| class.as_str())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_model_parses_and_knows_the_common_idioms() {
        let model = Authz::parse(BUILTIN).expect("authz model parses");
        assert!(model.check("", "context.can").is_some());
        assert!(model.check("", "ENFORCER.enforce_call").is_some());
        assert!(model
            .check("", "request.user.has_perm")
            .is_some_and(|c| c.verdict));
        assert!(model.check("", "self.compute_api.get").is_none());
        assert!(model
            .decorators
            .matches("django.contrib.auth.decorators.login_required"));
        assert!(model.is_operation("self.compute_api", "delete"));
        assert!(!model.is_operation("body", "update"));
        assert_eq!(model.verb_classes("PATCH"), vec!["update"]);
        assert!(model.verbs_agree("create", "update"));
        assert!(!model.verbs_agree("read", "delete"));
        assert!(model.denial_statuses.contains(&403));
        assert!(model.denial_status_callees.matches("flask.abort"));
        assert!(model
            .check("", "exc.HTTPForbidden")
            .is_some_and(|c| c.denial));
        assert!(model.check("", "AccessDenied").is_some_and(|c| c.denial));
        let scoping = &model.scoping;
        assert!(scoping.loaders.matches("Invoice.objects.get"));
        assert!(scoping.loaders.matches("session.query().get"));
        assert!(scoping.caller.matches("request.user.tenant"));
        assert!(scoping.owner_fields.matches("project_id"));
        assert!(!scoping.owner_fields.matches("name"));
    }
}
