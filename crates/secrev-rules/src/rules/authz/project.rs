//! The project-wide part of the authorization rules: which functions and methods of the scanned
//! project authorize, so that a handler delegating to another file's service layer
//! (`self.volume_api.get(context, id)`, where `cinder/volume/api.py`'s `API.get` calls
//! `context.authorize(...)`) is not reported as unchecked.
//!
//! Each file contributes an [`AuthzSummary`] (its functions and its classes' bases); the engine
//! joins them into an [`AuthzIndex`] after every file is lowered and asks it about the calls a
//! hit depends on ([`Delegated`]). Which functions of a file authorize (reach an idiom directly or
//! through functions of the same file, [`authorizing_functions`]) is worked out only for the
//! files those calls resolve to, when first asked: a handful of service modules instead of
//! every file of the project.

use super::analysis::{classes, learn_helpers, MIN_CHECKING_SHARE, MIN_CHECKING_SIBLINGS};
use secrev_ir::{FunctionKind, Unit};
use secrev_taint::authz::Authz;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// What one file tells the project index.
#[derive(Debug, Default)]
pub struct AuthzSummary {
    /// The file's dotted module name (`cinder.volume.api`).
    module: String,
    /// Where the file is read from, to learn its authorizing functions when asked.
    file: PathBuf,
    /// Module-level functions and methods, by qualified name in the file (`API.get`).
    functions: Vec<String>,
    /// Classes by qualified name in the file, with their bases as resolved (`base.Base` is
    /// `cinder.db.base.Base`).
    classes: Vec<(String, Vec<String>)>,
}

/// Summarizes `unit`, the file of module `module` shown as `shown` and read from `file`, for the
/// project index.
pub fn authz_summary(unit: &Unit, module: &str, shown: &str, file: &Path) -> AuthzSummary {
    // Handlers never call into test code: it is no service layer, and most of a project.
    if crate::helpers::is_test_path(shown) {
        return AuthzSummary::default();
    }
    let classes = classes(unit);
    let functions = unit
        .functions
        .iter()
        .filter(|f| match f.kind {
            FunctionKind::Function => !f.qualname.contains('.'),
            FunctionKind::Method => f
                .qualname
                .rsplit_once('.')
                .is_some_and(|(parent, _)| classes.contains_key(parent)),
            _ => false,
        })
        .map(|f| f.qualname.clone())
        .collect();
    let classes = classes
        .values()
        .map(|c| {
            let bases = c
                .bases
                .iter()
                .filter_map(|b| b.qualname().or(b.path()).map(str::to_owned))
                .collect();
            (c.qualname.clone(), bases)
        })
        .collect();
    AuthzSummary {
        module: module.to_owned(),
        file: file.to_owned(),
        functions,
        classes,
    }
}

/// The qualified names of the functions and methods of `unit` that authorize: they reach an
/// authorization idiom directly or through functions of the same file.
pub fn authorizing_functions(unit: &Unit) -> HashSet<String> {
    let classes = classes(unit);
    let class_of = |f: &secrev_ir::Function| {
        let (parent, _) = f.qualname.rsplit_once('.')?;
        classes.get(parent).map(|c| c.qualname.as_str())
    };
    learn_helpers(Authz::builtin(), unit, &class_of).qualnames
}

/// Reads a file of the project again and returns its authorizing functions
/// ([`authorizing_functions`]); `None` when it can no longer be read.
pub type Learn<'a> = dyn Fn(&Path) -> Option<HashSet<String>> + 'a;

/// What a missing-check hit depends on in other files: the handler's own calls there (one that
/// authorizes is the check), and its siblings' (one that authorizes makes that sibling a
/// checking one, for the convention the hit relies on).
#[derive(Debug, Clone, Default)]
pub struct Delegated {
    /// The handler's calls into other files, by qualified name (`cinder.volume.API().get`).
    pub calls: Vec<String>,
    /// How many siblings the handler has, and how many of them authorize in its file.
    pub siblings: usize,
    pub checking: usize,
    /// The calls into other files of each sibling not known to authorize.
    pub undecided: Vec<Vec<String>>,
}

/// A function or method of the project.
struct Entry {
    module: usize,
    qualname: String,
}

/// A class of the project.
struct Class {
    module: usize,
    qualname: String,
    bases: Vec<String>,
}

/// What a call resolves to.
#[derive(Debug, PartialEq, Eq)]
enum Resolved {
    /// Not the project's code (a library, the standard library).
    Outside,
    /// The project's code that authorizes.
    Authorizes,
    /// The project's code that does not.
    Plain,
    /// Looks like the project's code, but no function of it matches (re-exported, built at run
    /// time, inherited from a class the scan does not include).
    Unknown,
}

/// Every function and class of the scanned project, by plain name.
pub struct AuthzIndex<'a> {
    modules: Vec<Vec<String>>,
    files: Vec<PathBuf>,
    /// Each module's authorizing functions once learned (`None`: the file could not be read).
    learned: RefCell<HashMap<usize, Option<HashSet<String>>>>,
    learn: &'a Learn<'a>,
    functions: HashMap<String, Vec<Entry>>,
    classes: HashMap<String, Vec<Class>>,
    /// The project's package names (`cinder`), and each with the name that follows it in a
    /// module name (`cinder.volume`): a call is the project's when its target starts so.
    packages: HashSet<String>,
    package_pairs: HashSet<String>,
}

/// How deep base classes are followed looking for an inherited method.
const MAX_BASE_DEPTH: usize = 6;

impl<'a> AuthzIndex<'a> {
    /// Joins the files' summaries; `learn` tells which functions of a file authorize when a
    /// hit's calls lead there.
    pub fn new(
        summaries: impl IntoIterator<Item = AuthzSummary>,
        learn: &'a Learn<'a>,
    ) -> AuthzIndex<'a> {
        let mut index = AuthzIndex {
            modules: Vec::new(),
            files: Vec::new(),
            learned: RefCell::default(),
            learn,
            functions: HashMap::new(),
            classes: HashMap::new(),
            packages: HashSet::new(),
            package_pairs: HashSet::new(),
        };
        for summary in summaries {
            let segments: Vec<String> = summary.module.split('.').map(str::to_owned).collect();
            for (i, package) in segments.iter().enumerate().rev().skip(1) {
                index.packages.insert(package.clone());
                index
                    .package_pairs
                    .insert(format!("{package}.{}", segments[i + 1]));
            }
            let module = index.modules.len();
            index.modules.push(segments);
            index.files.push(summary.file);
            for qualname in summary.functions {
                let name = last(&qualname).to_owned();
                index
                    .functions
                    .entry(name)
                    .or_default()
                    .push(Entry { module, qualname });
            }
            for (qualname, bases) in summary.classes {
                let name = last(&qualname).to_owned();
                index.classes.entry(name).or_default().push(Class {
                    module,
                    qualname,
                    bases,
                });
            }
        }
        index
    }

    /// Whether a hit that depends on other files is settled (dropped): one of the handler's
    /// calls authorizes, or looks like the project's code but cannot be resolved (it may
    /// authorize); or, counting the siblings whose calls authorize, too few siblings check.
    pub fn settles(&self, delegated: &Delegated) -> bool {
        let maybe = delegated
            .calls
            .iter()
            .any(|t| matches!(self.resolve(t), Resolved::Authorizes | Resolved::Unknown));
        if maybe {
            return true;
        }
        let checking = delegated.checking
            + delegated
                .undecided
                .iter()
                .filter(|calls| {
                    calls
                        .iter()
                        .any(|t| self.resolve(t) == Resolved::Authorizes)
                })
                .count();
        checking < MIN_CHECKING_SIBLINGS
            || (checking as f64) < MIN_CHECKING_SHARE * delegated.siblings as f64
    }

    fn resolve(&self, target: &str) -> Resolved {
        let cleaned = target.trim_start_matches('.').replace("()", "");
        let segments: Vec<&str> = cleaned.split('.').collect();
        let [owner @ .., name] = segments.as_slice() else {
            return Resolved::Outside;
        };
        if !self.is_project(owner) {
            return Resolved::Outside;
        }
        // A module-level function: `pkg.mod.func`.
        let as_function = self
            .functions
            .get(*name)
            .into_iter()
            .flatten()
            .find(|e| e.qualname == *name && ends_with(&self.modules[e.module], owner));
        if let Some(entry) = as_function {
            return self.verdict(entry);
        }
        // A method of a class: `pkg.mod.Class.method`, or `pkg.Class.method` with the class in
        // one of the package's modules (`cinder.volume.API` built by a factory in
        // `cinder/volume/__init__.py` is `cinder.volume.api.API`).
        let [package @ .., class] = owner else {
            return Resolved::Unknown;
        };
        self.method(package, class, name, 0)
    }

    /// Whether `entry` authorizes, learning its file's authorizing functions on first use.
    fn verdict(&self, entry: &Entry) -> Resolved {
        let mut learned = self.learned.borrow_mut();
        let functions = learned
            .entry(entry.module)
            .or_insert_with(|| (self.learn)(&self.files[entry.module]));
        match functions {
            Some(functions) if functions.contains(&entry.qualname) => Resolved::Authorizes,
            Some(_) => Resolved::Plain,
            None => Resolved::Unknown,
        }
    }

    /// Whether a dotted name (`cinder.volume.API`) starts with a package of the project and,
    /// when it goes on, with a name that follows that package in one of the project's modules.
    fn is_project(&self, owner: &[&str]) -> bool {
        match owner {
            [] => false,
            [package] => self.packages.contains(*package),
            [package, next, ..] => self.package_pairs.contains(&format!("{package}.{next}")),
        }
    }

    /// Method `name` of the classes called `class` in or under `package`, looking through their
    /// bases when they do not define it.
    fn method(&self, package: &[&str], class: &str, name: &str, depth: usize) -> Resolved {
        if depth > MAX_BASE_DEPTH {
            return Resolved::Unknown;
        }
        let found: Vec<&Class> = self
            .classes
            .get(class)
            .into_iter()
            .flatten()
            .filter(|c| within(&self.modules[c.module], package))
            .collect();
        let mut verdicts = Vec::new();
        for c in found {
            let own = format!("{}.{name}", c.qualname);
            let defined = self
                .functions
                .get(name)
                .into_iter()
                .flatten()
                .find(|e| e.module == c.module && e.qualname == own);
            if let Some(entry) = defined {
                verdicts.push(self.verdict(entry));
                continue;
            }
            for base in &c.bases {
                let parts: Vec<&str> = base.trim_start_matches('.').split('.').collect();
                let [base_package @ .., base_class] = parts.as_slice() else {
                    continue;
                };
                // A base named without its module is a class of the same file.
                let base_package: Vec<&str> = if base_package.is_empty() {
                    self.modules[c.module].iter().map(String::as_str).collect()
                } else {
                    base_package.to_vec()
                };
                if !base_package.is_empty() && !self.is_project(&base_package) {
                    // `object`, a library class: the method is not the project's.
                    continue;
                }
                verdicts.push(self.method(&base_package, base_class, name, depth + 1));
            }
        }
        if verdicts.contains(&Resolved::Authorizes) {
            Resolved::Authorizes
        } else if verdicts.contains(&Resolved::Plain) {
            Resolved::Plain
        } else {
            Resolved::Unknown
        }
    }
}

fn last(qualname: &str) -> &str {
    qualname.rsplit('.').next().unwrap_or(qualname)
}

/// Whether module `module` is `package` (named by its trailing packages: the scan's root may
/// add leading ones).
fn ends_with(module: &[String], package: &[&str]) -> bool {
    module.len() >= package.len()
        && module[module.len() - package.len()..]
            .iter()
            .zip(package)
            .all(|(a, b)| a == b)
}

/// Whether module `module` is `package` or one of its modules.
fn within(module: &[String], package: &[&str]) -> bool {
    ends_with(module, package)
        || module
            .split_last()
            .is_some_and(|(_, parent)| ends_with(parent, package))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(module: &str, functions: &[&str], classes: &[(&str, &[&str])]) -> AuthzSummary {
        AuthzSummary {
            module: module.to_owned(),
            file: PathBuf::from(module),
            functions: functions.iter().map(|q| q.to_string()).collect(),
            classes: classes
                .iter()
                .map(|(q, b)| (q.to_string(), b.iter().map(|s| s.to_string()).collect()))
                .collect(),
        }
    }

    /// What the summaries below say authorizes, by file.
    fn learn(file: &Path) -> Option<HashSet<String>> {
        match file.to_str()? {
            "cinder.volume.api" => Some(HashSet::from(["API.get".to_owned()])),
            "cinder.api.unreadable" => None,
            _ => Some(HashSet::new()),
        }
    }

    fn index() -> AuthzIndex<'static> {
        AuthzIndex::new(
            [
                summary(
                    "cinder.volume.api",
                    &["API.get", "API.get_all_plain"],
                    &[("API", &["cinder.db.base.Base"])],
                ),
                summary("cinder.db.base", &["Base.helper"], &[("Base", &[])]),
                summary("cinder.api.common", &["get_thing"], &[]),
                summary("cinder.api.unreadable", &["get_other"], &[]),
            ],
            &learn,
        )
    }

    #[test]
    fn factories_methods_functions_and_bases_resolve() {
        let index = index();
        assert_eq!(
            index.resolve("cinder.volume.API().get"),
            Resolved::Authorizes
        );
        assert_eq!(
            index.resolve("cinder.volume.api.API().get_all_plain"),
            Resolved::Plain
        );
        assert_eq!(
            index.resolve("cinder.api.common.get_thing"),
            Resolved::Plain
        );
        assert_eq!(index.resolve("cinder.volume.API().helper"), Resolved::Plain);
        assert_eq!(
            index.resolve("cinder.volume.API().missing"),
            Resolved::Unknown
        );
        assert_eq!(index.resolve("webob.exc.HTTPNotFound"), Resolved::Outside);
        assert_eq!(
            index.resolve("cinder.api.unreadable.get_other"),
            Resolved::Unknown
        );
        // Only the files asked about were learned.
        assert_eq!(index.learned.borrow().len(), 4);
        let hit = |calls: &[&str], checking: usize, undecided: &[&[&str]]| Delegated {
            calls: calls.iter().map(|c| c.to_string()).collect(),
            siblings: 4,
            checking,
            undecided: undecided
                .iter()
                .map(|u| u.iter().map(|c| c.to_string()).collect())
                .collect(),
        };
        assert!(index.settles(&hit(&["webob.Response", "cinder.volume.API().get"], 4, &[])));
        assert!(!index.settles(&hit(&["cinder.api.common.get_thing"], 4, &[])));
        // Two siblings check in the controller, one through the service layer: 3 of 4.
        let service: &[&str] = &["cinder.volume.API().get"];
        assert!(!index.settles(&hit(&["cinder.api.common.get_thing"], 2, &[service])));
        let plain: &[&str] = &["cinder.api.common.get_thing"];
        assert!(index.settles(&hit(&["cinder.api.common.get_thing"], 2, &[plain])));
    }
}
