//! PY603 `django-debug-setting`: `DEBUG = True` in a Django settings module.

use super::common::{module_assignments, settings_module, Settings};
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{Assign, FunctionKind, ValueKind};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY603",
        name: "django-debug-setting",
        title: "Django settings module sets `DEBUG = True`",
        cwe: 489,
        category: Category::InsecureConfig,
        severity: Severity::Medium,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Finds a module-level `DEBUG = True` in a Django settings module: a module that \
                   assigns Django-only settings (`INSTALLED_APPS`, `ROOT_URLCONF`, `MIDDLEWARE`, \
                   `WSGI_APPLICATION`, ...), or, with medium confidence, a file named \
                   `settings.py` or placed in a `settings/` package. Files whose name marks them \
                   as development or test settings (`dev.py`, `local_settings.py`, \
                   `test_settings.py`) are skipped, and so is a module that assigns `DEBUG` more \
                   than once or from anything but a constant (the value is then decided at run \
                   time).",
            why: "With `DEBUG` on, every error page shows the stack trace with local variables, the \
                  settings (secrets are only partly masked), the SQL that ran and the URL \
                  patterns, and Django keeps every query in memory. A settings module that \
                  hard-codes it ships that to production as soon as it is deployed as is.",
            example: "# settings.py\nDEBUG = True\nINSTALLED_APPS = [\"django.contrib.admin\"]",
            fix: "# settings.py\nDEBUG = os.environ.get(\"DJANGO_DEBUG\") == \"1\"\nINSTALLED_APPS = [\"django.contrib.admin\"]",
            references: &[
                "https://cwe.mitre.org/data/definitions/489.html",
                "https://docs.djangoproject.com/en/stable/ref/settings/#debug",
                "https://docs.djangoproject.com/en/stable/howto/deployment/checklist/",
            ],
        },
    },
    hooks: Hooks {
        assign: Some(check),
        ..Hooks::NONE
    },
};

fn check(ctx: &Context, assign: &Assign, out: &mut Reporter) {
    if ctx.function.kind != FunctionKind::Module || assign.augmented {
        return;
    }
    if !assign.targets.iter().any(|t| t.path == "DEBUG") {
        return;
    }
    if !matches!(assign.value.resolved().kind, ValueKind::Bool(true)) {
        return;
    }
    // `DEBUG = True` followed by `DEBUG = env(...)` (or set in an `if`): decided at run time.
    if module_assignments(ctx, "DEBUG").count() > 1 {
        return;
    }
    let Some(kind) = settings_module(ctx) else {
        return;
    };
    let hit = out.report(
        assign.span,
        format!("`{}` hard-codes debug mode in this settings module, so a deployment with it shows stack traces, settings and SQL to any visitor who triggers an error.", ctx.code(assign.span)),
        "Read `DEBUG` from the environment with a default of `False` (for example `DEBUG = os.environ.get(\"DJANGO_DEBUG\") == \"1\"`) and set it only on development machines.",
    );
    if kind == Settings::Named {
        hit.confidence(Confidence::Medium);
    }
}
