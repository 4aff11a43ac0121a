//! PY602 `flask-debug-enabled`: a Flask application or Werkzeug server started with the
//! interactive debugger on.

use super::common::{flask_app, flask_app_value, FlaskApp};
use crate::helpers::{call_name, is_falsy, is_truthy, quote};
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{Assign, Call, Value, ValueKind};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY602",
        name: "flask-debug-enabled",
        title: "Flask / Werkzeug debugger enabled",
        cwe: 489,
        category: Category::InsecureConfig,
        severity: Severity::High,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Finds code that turns on Flask's debug mode or the Werkzeug debugger: \
                   `app.run(debug=True)` on a `flask.Flask` application (or on an object named \
                   `app`/`application` in a module that imports flask), `app.debug = True`, \
                   `app.config[\"DEBUG\"] = True`, `app.config.update(DEBUG=True)`, \
                   `flask_socketio.SocketIO(app).run(app, debug=True)` and \
                   `werkzeug.serving.run_simple(..., use_debugger=True)`.",
            why: "In debug mode an unhandled exception renders Werkzeug's interactive debugger, a \
                  Python console that runs in the server process. Whoever reaches the page (the PIN \
                  is derivable from data the server leaks, and is often disabled) executes \
                  arbitrary code with the application's privileges; even without the console the \
                  tracebacks expose source code and configuration. With `use_evalex=False` only \
                  the tracebacks remain, so that case is reported at low severity.",
            example: "app = Flask(__name__)\napp.run(host=\"0.0.0.0\", debug=True)",
            fix: "app = Flask(__name__)\napp.run(host=\"127.0.0.1\")  # debug via FLASK_DEBUG=1 on a dev machine only",
            references: &[
                "https://cwe.mitre.org/data/definitions/489.html",
                "https://flask.palletsprojects.com/en/stable/debugging/",
                "https://werkzeug.palletsprojects.com/en/stable/debug/",
            ],
        },
    },
    hooks: Hooks {
        call: Some(check_call),
        assign: Some(check_assign),
        ..Hooks::NONE
    },
};

const RUN_SIMPLE: &[&str] = &["werkzeug.serving.run_simple", "werkzeug.run_simple"];
const SOCKETIO_RUN: &[&str] = &["flask_socketio.SocketIO().run"];

fn confidence(app: FlaskApp) -> Confidence {
    match app {
        FlaskApp::Known => Confidence::High,
        FlaskApp::Guessed => Confidence::Medium,
    }
}

fn check_call(ctx: &Context, call: &Call, out: &mut Reporter) {
    if call.is_any(RUN_SIMPLE) {
        check_run_simple(ctx, call, out);
        return;
    }
    if call.is_any(SOCKETIO_RUN) {
        if let Some(debug) = call.keyword("debug").filter(|v| is_truthy(Some(v))) {
            out.report(
                call.span,
                format!("`{}` starts the Flask-SocketIO server with `debug={}`, which serves Werkzeug's interactive debugger: anyone who triggers an error can run Python code in the server.", ctx.code(call.callee.span), ctx.code(debug.span)),
                "Drop `debug=True` from this `run` call and turn debugging on through an environment variable on development machines only.",
            );
        }
        return;
    }
    let (Some(method), Some(receiver)) = (call.callee.method.as_deref(), &call.callee.receiver)
    else {
        return;
    };
    match method {
        "run" => {
            let Some(debug) = call.arg(2, "debug").filter(|v| is_truthy(Some(v))) else {
                return;
            };
            let Some(app) = flask_app_value(ctx, receiver) else {
                return;
            };
            let name = receiver.path().unwrap_or("app");
            out.report(
                call.span,
                format!("`{name}.run(...)` starts the Flask development server with `debug={}`, which serves Werkzeug's interactive debugger: anyone who triggers an error can run Python code in the server.", ctx.code(debug.span)),
                format!("Remove `debug=...` from `{name}.run(...)`; enable debug mode with `FLASK_DEBUG=1` (or `flask run --debug`) on development machines only."),
            )
            .confidence(confidence(app));
        }
        "update" | "from_mapping" => {
            let Some(owner) = receiver.path().and_then(|p| p.strip_suffix(".config")) else {
                return;
            };
            let owner_qualname = receiver.qualname().and_then(|q| q.strip_suffix(".config"));
            let Some(app) = flask_app(ctx, owner, owner_qualname) else {
                return;
            };
            let Some(debug) = debug_entry(call) else {
                return;
            };
            out.report(
                call.span,
                format!("`{}` sets `DEBUG` to {} on the Flask application `{owner}`, which turns on Werkzeug's interactive debugger: anyone who triggers an error can run Python code in the server.", ctx.code(call.callee.span), quote(ctx, debug)),
                format!("Remove `DEBUG` from this `{method}` call and read it from the environment so it is off in production."),
            )
            .confidence(confidence(app));
        }
        _ => {}
    }
}

/// The `DEBUG` value of a `config.update(...)` call, when it is set to a truthy constant.
fn debug_entry(call: &Call) -> Option<&Value> {
    if let Some(v) = call.keyword("DEBUG") {
        return is_truthy(Some(v)).then_some(v);
    }
    let ValueKind::Dict(entries) = &call.args.first()?.resolved().kind else {
        return None;
    };
    entries
        .iter()
        .find(|(k, _)| k.as_ref().and_then(Value::as_str) == Some("DEBUG"))
        .map(|(_, v)| v)
        .filter(|v| is_truthy(Some(v)))
}

fn check_run_simple(ctx: &Context, call: &Call, out: &mut Reporter) {
    let Some(debugger) = call.arg(4, "use_debugger").filter(|v| is_truthy(Some(v))) else {
        return;
    };
    let name = call_name(call);
    if is_falsy(call.arg(5, "use_evalex")) {
        out.report(
            call.span,
            format!("`{name}` serves Werkzeug's debugger (`use_debugger={}`) with evaluation off: error pages still show source code and local variables to any client.", ctx.code(debugger.span)),
            format!("Remove `use_debugger=True` from this `{name}` call outside development."),
        )
        .severity(Severity::Low);
    } else {
        out.report(
            call.span,
            format!("`{name}` serves Werkzeug's interactive debugger (`use_debugger={}`): anyone who triggers an error can run Python code in the server.", ctx.code(debugger.span)),
            format!("Remove `use_debugger=True` from this `{name}` call, or gate it on a development-only setting."),
        );
    }
}

fn check_assign(ctx: &Context, assign: &Assign, out: &mut Reporter) {
    if assign.augmented || !is_truthy(Some(&assign.value)) {
        return;
    }
    for target in &assign.targets {
        let owner_path = if target.name == "debug" {
            target.path.strip_suffix(".debug")
        } else if target.name == "DEBUG" {
            target.path.find(".config[").map(|at| &target.path[..at])
        } else {
            None
        };
        let Some(owner_path) = owner_path else {
            continue;
        };
        let owner_qualname = target
            .owner
            .as_deref()
            .map(|o| o.strip_suffix(".config").unwrap_or(o));
        let Some(app) = flask_app(ctx, owner_path, owner_qualname) else {
            continue;
        };
        out.report(
            assign.span,
            format!("`{} = {}` turns on debug mode for the Flask application `{owner_path}`, which serves Werkzeug's interactive debugger: anyone who triggers an error can run Python code in the server.", target.path, ctx.code(assign.value.span)),
            format!("Delete this assignment and enable debug mode with `FLASK_DEBUG=1` on development machines only; keep `{owner_path}` in production mode."),
        )
        .confidence(confidence(app));
    }
}
