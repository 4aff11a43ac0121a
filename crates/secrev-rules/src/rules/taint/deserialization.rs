//! PY811 `tainted-deserialization`: untrusted data is loaded by a deserializer that can run code.

use crate::{Hooks, Rule, TaintSpec};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY811",
        name: "tainted-deserialization",
        title: "Untrusted data reaches an unsafe deserializer",
        cwe: 502,
        category: Category::Deserialization,
        severity: Severity::Critical,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Follows data from where it enters the program (request bodies and \
                   parameters, uploaded files, headers, cookies, command-line arguments, \
                   environment, sockets) through assignments, containers and function calls, \
                   across files, to a loader that can build arbitrary objects: `pickle` (and \
                   `cPickle`, `dill`, `cloudpickle`, `joblib`, `pandas.read_pickle`), `marshal`, \
                   `shelve.open`, `jsonpickle.decode`, PyYAML's `load` without a safe loader as \
                   well as `unsafe_load` and `full_load`, `numpy.load` with `allow_pickle=True` \
                   and `torch.load` without `weights_only=True`. `yaml.load` with `SafeLoader` or \
                   `BaseLoader` is not a sink.",
            why: "A pickle stream names the callables to invoke while it is loaded (`__reduce__`), \
                  and unsafe YAML tags and jsonpickle's `py/reduce` do the same. Loading bytes \
                  the sender wrote runs the sender's code in the server process before the \
                  program ever looks at the result; no check on the loaded object can prevent it.",
            example: "data = base64.b64decode(request.cookies[\"state\"])\nstate = pickle.loads(data)",
            fix: "state = json.loads(base64.b64decode(request.cookies[\"state\"]))  # plain data only; sign it if it must be trusted",
            references: &[
                "https://cwe.mitre.org/data/definitions/502.html",
                "https://docs.python.org/3/library/pickle.html",
            ],
        },
    },
    hooks: Hooks {
        taint: Some(&TaintSpec {
            kind: "unsafe-deserialization",
            harm: "loading it can run code of the sender's choosing",
            fix: "Load untrusted data only with a data-only format: `json`, `yaml.safe_load`, `torch.load(..., weights_only=True)`; if objects must travel, sign them with `hmac` and verify before loading.",
        }),
        ..Hooks::NONE
    },
};
