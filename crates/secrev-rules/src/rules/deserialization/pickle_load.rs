//! PY201 `pickle-load`: unpickling with `pickle` and the libraries built on it.

use super::common::{source, Source};
use crate::helpers::{call_name, quote};
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::Call;

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY201",
        name: "pickle-load",
        title: "Data unpickled with `pickle` or a pickle-based loader",
        cwe: 502,
        category: Category::Deserialization,
        severity: Severity::High,
        confidence: Confidence::High,
        docs: RuleDocs {
            what:
                "Finds `load`, `loads` and `Unpickler` of `pickle`, `cPickle`, `_pickle`, `dill` \
                   and `cloudpickle`, and `pandas.read_pickle` and `joblib.load`, which unpickle \
                   their input. Literal bytes in the code and the `loads(dumps(obj))` copy idiom \
                   are left alone; a file at a constant path is reported with medium confidence.",
            why: "A pickle is a small program for a stack machine that can call any importable \
                  function with any arguments (`os.system`, `subprocess.Popen`) while loading. \
                  Whoever can write the bytes, whether in a request, a cache entry, a message \
                  queue, an uploaded model or a file on shared storage, runs code in the process \
                  that loads them.",
            example: "session = pickle.loads(redis.get(\"session:\" + sid))",
            fix: "session = json.loads(redis.get(\"session:\" + sid))  # data, not objects",
            references: &[
                "https://cwe.mitre.org/data/definitions/502.html",
                "https://docs.python.org/3/library/pickle.html",
            ],
        },
    },
    hooks: Hooks {
        call: Some(check),
        ..Hooks::NONE
    },
};

const MODULES: &[&str] = &["pickle", "cPickle", "_pickle", "dill", "cloudpickle"];
const FILE_LOADERS: &[&str] = &["pandas.read_pickle", "joblib.load"];

fn check(ctx: &Context, call: &Call, out: &mut Reporter) {
    let q = call.qualname();
    let (module, function) = q.rsplit_once('.').unwrap_or(("", q));
    let pickle_call =
        MODULES.contains(&module) && matches!(function, "load" | "loads" | "Unpickler");
    if !pickle_call && !call.is_any(FILE_LOADERS) {
        return;
    }
    let Some(data) = call.args.first().or_else(|| {
        ["file", "data", "filepath_or_buffer", "filename"]
            .iter()
            .find_map(|k| call.keyword(k))
    }) else {
        return;
    };
    // `pickle.loads(pickle.dumps(obj))`: a deep copy of the program's own object.
    if data
        .as_call()
        .is_some_and(|c| c.callee.method.as_deref() == Some("dumps"))
    {
        return;
    }
    let name = call_name(call);
    let shown = quote(ctx, data);
    match source(
        data,
        !pickle_call || function == "load" || function == "Unpickler",
    ) {
        Source::Literal => {}
        Source::ConstantPath => {
            out.report(
                call.span,
                format!("`{name}` unpickles {shown}, a file at a fixed path; anyone who can replace that file runs code in this process when it is loaded."),
                format!("Store this data as JSON (or another data-only format) instead of a pickle, or verify an HMAC of the file with a key the process holds before calling `{name}`."),
            )
            .confidence(Confidence::Medium);
        }
        Source::Other => {
            out.report(
                call.span,
                format!("`{name}` unpickles {shown}; unpickling runs whatever calls the data describes, so whoever controls these bytes runs code in this process."),
                format!("Replace `{name}` with a data-only format (`json`, `msgpack`, a schema-checked model), or authenticate the bytes with an HMAC before unpickling them."),
            );
        }
    }
}
