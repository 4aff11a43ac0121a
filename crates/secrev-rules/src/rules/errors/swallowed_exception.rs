//! PY702 `swallowed-exception`: a catch-all `except` whose body does nothing.

use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{Handler, HandlerBody};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY702",
        name: "swallowed-exception",
        title: "Every exception caught and ignored",
        cwe: 390,
        category: Category::Other,
        severity: Severity::Low,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Finds `except:`, `except BaseException:` and `except Exception:` handlers (alone or \
                   in a tuple) whose body is only `pass`, `...`, a string, or `continue`. Handlers that \
                   name specific exceptions (`except KeyError: pass`) are deliberate and not reported, \
                   nor are catch-alls in `__del__`, `__exit__`, `close`, `cleanup` and similar teardown \
                   methods, where ignoring failures is the norm.",
            why: "A catch-all that does nothing hides every failure of the guarded code: a failed \
                  permission check, a database error that left a transaction half-written, a crashed \
                  audit log, a bug. The program continues in a state its author did not plan for and \
                  nobody learns why. A bare `except:` or `except BaseException:` also swallows \
                  `KeyboardInterrupt` and `SystemExit`, so it is reported at medium severity.",
            example: "try:\n    audit.record(user, action)\nexcept Exception:\n    pass",
            fix: "try:\n    audit.record(user, action)\nexcept AuditBackendError:\n    log.exception(\"audit record failed for %s\", user)",
            references: &[
                "https://cwe.mitre.org/data/definitions/390.html",
                "https://docs.python.org/3/tutorial/errors.html#handling-exceptions",
            ],
        },
    },
    hooks: Hooks {
        handler: Some(check),
        ..Hooks::NONE
    },
};

/// Methods where failures are routinely ignored on purpose.
const TEARDOWN: &[&str] = &[
    "__del__",
    "__exit__",
    "__aexit__",
    "close",
    "aclose",
    "cleanup",
    "clean_up",
    "teardown",
    "tearDown",
    "shutdown",
    "dispose",
    "release",
    "terminate",
];

fn check(ctx: &Context, handler: &Handler, out: &mut Reporter) {
    let action = match handler.body {
        HandlerBody::Nothing => "does nothing with it",
        HandlerBody::Continue => "skips to the next iteration without recording it",
        HandlerBody::Handles => return,
    };
    let base = handler.caught.is_empty()
        || handler
            .caught
            .iter()
            .any(|c| c.qualname() == Some("builtins.BaseException"));
    let broad = base
        || handler
            .caught
            .iter()
            .any(|c| c.qualname() == Some("builtins.Exception"));
    if !broad || TEARDOWN.contains(&ctx.function.name.as_str()) {
        return;
    }
    let header = ctx.code(handler.span);
    let place = if ctx.function.name == "<module>" {
        "module code".to_owned()
    } else {
        format!("`{}`", ctx.function.qualname)
    };
    let what = if base {
        "every exception, including `KeyboardInterrupt` and `SystemExit`,"
    } else {
        "every error"
    };
    let hit = out.report(
        handler.span,
        format!("`{header}:` in {place} catches {what} and {action}, so failures of the guarded code go unnoticed."),
        "Catch only the exceptions this code expects here, and log or re-raise the rest (at least `log.exception(...)` in this handler).",
    );
    if base {
        hit.severity(Severity::Medium);
    }
}
