//! Questions the web and network rules share: is this object a Flask application, does the file
//! import a framework, is this module a Django settings module.

use crate::Context;
use secrev_ir::{Function, FunctionKind, Op, Value};

/// How sure we are that a receiver is a Flask application object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FlaskApp {
    /// Built by `flask.Flask(...)` in this file.
    Known,
    /// Named `app`/`application` in a file that imports flask, with no other constructor seen.
    Guessed,
}

const FLASK_CTORS: &[&str] = &["flask.Flask", "flask.app.Flask"];

/// Modules whose application objects also have a `.run` or `.debug` but are not Flask (or do not
/// start Werkzeug's debugger).
const OTHER_APP_ROOTS: &[&str] = &[
    "fastapi",
    "starlette",
    "quart",
    "sanic",
    "celery",
    "bottle",
    "aiohttp",
    "tornado",
    "django",
    "falcon",
    "typer",
    "click",
];

/// The module body of the file.
pub(crate) fn module<'a>(ctx: &Context<'a>) -> Option<&'a Function> {
    ctx.unit
        .functions
        .iter()
        .find(|f| f.kind == FunctionKind::Module)
}

/// Whether the file imports one of `modules` (or something inside one of them).
pub(crate) fn imports_any(ctx: &Context, modules: &[&str]) -> bool {
    modules.iter().any(|m| ctx.unit.imports_module(m))
}

/// Whether the object at `path` (as written, `app` or `self.app`), whose resolved qualified name
/// is `qualname` when known, is a Flask application.
pub(crate) fn flask_app(ctx: &Context, path: &str, qualname: Option<&str>) -> Option<FlaskApp> {
    if let Some(q) = qualname {
        if FLASK_CTORS.iter().any(|c| q.strip_suffix("()") == Some(c)) {
            return Some(FlaskApp::Known);
        }
        if OTHER_APP_ROOTS.contains(&q.split('.').next().unwrap_or("")) {
            return None;
        }
    }
    // A name rebound or mutated loses its resolution: look for how it was built.
    let bodies = [Some(ctx.function), module(ctx)];
    for body in bodies.into_iter().flatten() {
        for op in &body.ops {
            let Op::Assign(assign) = op else { continue };
            if !assign.targets.iter().any(|t| t.path == path) {
                continue;
            }
            let Some(call) = assign.value.as_call() else {
                continue;
            };
            if call.is_any(FLASK_CTORS) {
                return Some(FlaskApp::Known);
            }
            let root = call.qualname().split('.').next().unwrap_or("");
            if OTHER_APP_ROOTS.contains(&root) {
                return None;
            }
        }
    }
    let last = path.rsplit('.').next().unwrap_or(path);
    (matches!(last, "app" | "application") && imports_any(ctx, &["flask"]))
        .then_some(FlaskApp::Guessed)
}

/// [`flask_app`] for the receiver of a method call.
pub(crate) fn flask_app_value(ctx: &Context, receiver: &Value) -> Option<FlaskApp> {
    flask_app(ctx, receiver.path()?, receiver.qualname())
}

/// How a file was recognised as a settings module of a web framework.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Settings {
    /// The module assigns settings only Django reads (`INSTALLED_APPS`, `ROOT_URLCONF`, ...).
    Django,
    /// Named `settings.py`, or in a `settings/` package, with no Django-only setting in it.
    Named,
}

const DJANGO_MARKERS: &[&str] = &[
    "INSTALLED_APPS",
    "ROOT_URLCONF",
    "MIDDLEWARE",
    "MIDDLEWARE_CLASSES",
    "WSGI_APPLICATION",
    "ASGI_APPLICATION",
];

/// Words in a file name that mark settings meant for a developer machine or a test run.
const DEV_WORDS: &[&str] = &[
    "dev",
    "develop",
    "development",
    "local",
    "test",
    "tests",
    "testing",
    "ci",
];

/// The file name of the context's path, and its parent directory's name.
fn file_parts<'a>(ctx: &Context<'a>) -> (&'a str, &'a str) {
    let mut parts = ctx.path.rsplit(['/', '\\']);
    let file = parts.next().unwrap_or("");
    let dir = parts.next().unwrap_or("");
    (file, dir)
}

/// Whether the file name says the module configures a development or test environment
/// (`settings/dev.py`, `local_settings.py`, `test_settings.py`).
pub(crate) fn is_dev_settings_file(ctx: &Context) -> bool {
    let (file, _) = file_parts(ctx);
    let stem = file
        .strip_suffix(".py")
        .unwrap_or(file)
        .to_ascii_lowercase();
    stem.split(['_', '-', '.'])
        .any(|word| DEV_WORDS.contains(&word))
}

/// Whether the file is a (production) settings module; `None` for development/test settings
/// files and for ordinary modules.
pub(crate) fn settings_module(ctx: &Context) -> Option<Settings> {
    if is_dev_settings_file(ctx) {
        return None;
    }
    let assigns_marker = module(ctx).is_some_and(|m| {
        m.ops.iter().any(|op| {
            matches!(op, Op::Assign(a) if a.targets.iter().any(|t| DJANGO_MARKERS.contains(&t.path.as_str())))
        })
    });
    if assigns_marker {
        return Some(Settings::Django);
    }
    let (file, dir) = file_parts(ctx);
    (file == "settings.py" || dir == "settings").then_some(Settings::Named)
}

/// All module-level assignments to the bare name `name`.
pub(crate) fn module_assignments<'a>(
    ctx: &Context<'a>,
    name: &'a str,
) -> impl Iterator<Item = &'a Value> + 'a {
    module(ctx)
        .into_iter()
        .flat_map(|m| m.ops.iter())
        .filter_map(move |op| match op {
            Op::Assign(a) if a.targets.iter().any(|t| t.path == name) => Some(a.value.as_ref()),
            _ => None,
        })
}
